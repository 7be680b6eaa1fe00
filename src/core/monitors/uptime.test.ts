import { describe, expect, it } from 'vitest';
import {
  addLatency,
  bucketEndMs,
  emptyBucket,
  emptySketch,
  latencySketchRelativeError,
  mergeSketches,
  nearestRankIndex,
  quantile,
  recordResult,
  recordResultInPlace,
  rollUp,
  sketchFromLatencies,
  sliCounts,
  summarizeWindow,
  uptimeRatio,
  type ResultCounts,
  type ResultStatus,
  type SliRule,
  type UptimeBucket,
} from './uptime.js';

const minuteMs = 60_000;
const hourMs = 3600_000;
const at = (iso: string): number => Date.parse(iso);

/** mulberry32: a tiny seeded PRNG, so "random" inputs are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Distribution = (random: () => number) => number;
const logUniform: Distribution = (random) => 0.5 * Math.pow(60_000, random());
const aroundHundred: Distribution = (random) => 60 + 20 * (random() + random() + random() + random() + random() + random());
const bimodal: Distribution = (random) => (random() < 0.9 ? 15 + 10 * random() : 1500 + 1000 * random());
const constant: Distribution = () => 42;

function sample(distribution: Distribution, seed: number, count: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => distribution(random));
}

function counts(overrides: Partial<ResultCounts> = {}): ResultCounts {
  return { up: 0, down: 0, degraded: 0, maintenance: 0, ...overrides };
}

/** A bucket with the given results, each as [status, latencyMs?]. */
function bucket(endMs: number, results: [ResultStatus, number?][], thresholdsMs: number[] = []): UptimeBucket {
  return results.reduce((b, [status, latencyMs]) => recordResult(b, status, latencyMs), emptyBucket(endMs, thresholdsMs));
}

describe('latency sketch quantiles against exact sorted data', () => {
  const quantiles = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];
  it.each([
    ['log-uniform 0.5 ms to 30 s', 1, 10_000, logUniform],
    ['around 120 ms', 2, 5_000, aroundHundred],
    ['bimodal fast and slow', 3, 5_000, bimodal],
    ['a constant', 4, 100, constant],
    ['three values', 5, 3, logUniform],
    ['one value', 6, 1, logUniform],
  ])('%s (seed %i, n = %i)', (_name, seed, count, distribution) => {
    const latencies = sample(distribution, seed, count);
    const sorted = [...latencies].sort((a, b) => a - b);
    const sketch = sketchFromLatencies(latencies);
    for (const q of quantiles) {
      const exact = sorted[nearestRankIndex(q, count)] ?? Number.NaN;
      const estimate = quantile(sketch, q) ?? Number.NaN;
      expect(Math.abs(estimate - exact) / exact, `q = ${q}: ${estimate} vs ${exact}`).toBeLessThanOrEqual(
        latencySketchRelativeError + 1e-9,
      );
    }
  });

  it('returns the smallest and largest latency exactly', () => {
    const sketch = sketchFromLatencies([12.345, 0.01, 123_456, 77]);
    expect([quantile(sketch, 0), quantile(sketch, 1)]).toEqual([0.01, 123_456]);
  });

  it.each([
    ['0 ms sits in the lowest bin', [0, 0, 0, 0, 0], 0.5, 0, 0],
    ['below 0.1 ms is reported as at most 0.1 ms', [0.01, 0.02, 0.03, 0.04, 50], 0.5, 0.01, 0.1 * (1 + latencySketchRelativeError)],
    ['above 60 s is reported as about 60 s', [1, 90_000, 90_000, 90_000, 90_000], 0.5, 60_000 * (1 - latencySketchRelativeError), 60_000 * (1 + latencySketchRelativeError)],
  ])('%s', (_name, latencies, q, low, high) => {
    const estimate = quantile(sketchFromLatencies(latencies), q) ?? Number.NaN;
    expect(estimate).toBeGreaterThanOrEqual(low);
    expect(estimate).toBeLessThanOrEqual(high);
  });

  it('has no quantiles when empty', () => {
    expect(quantile(emptySketch(), 0.5)).toBeNull();
  });

  it.each([-0.1, 1.1, Number.NaN])('rejects quantile %d', (q) => {
    expect(() => quantile(sketchFromLatencies([1]), q)).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects latency %d', (latencyMs) => {
    expect(() => addLatency(emptySketch(), latencyMs)).toThrow(/latency must be a finite number of ms/);
    expect(() => sketchFromLatencies([latencyMs])).toThrow(RangeError);
  });

  it('adding one by one gives the same sketch as building at once', () => {
    const latencies = sample(bimodal, 7, 500);
    expect(latencies.reduce(addLatency, emptySketch())).toEqual(sketchFromLatencies(latencies));
  });
});

describe('nearestRankIndex', () => {
  it.each([
    [0, 10, 0],
    [0.5, 10, 4],
    [0.07, 100, 6],
    [0.95, 3, 2],
    [0.99, 100, 98],
    [1, 10, 9],
    [0.5, 1, 0],
  ])('q = %d of n = %i is index %i', (q, count, index) => {
    expect(nearestRankIndex(q, count)).toBe(index);
  });
});

describe('mergeSketches', () => {
  it.each([11, 12, 13])('is associative, commutative and equals the sketch of all data (seed %i)', (seed) => {
    const [a, b, c] = [sample(logUniform, seed, 300), sample(bimodal, seed + 100, 200), sample(aroundHundred, seed + 200, 0)];
    const [sa, sb, sc] = [sketchFromLatencies(a), sketchFromLatencies(b), sketchFromLatencies(c)];
    expect(mergeSketches(mergeSketches(sa, sb), sc)).toEqual(mergeSketches(sa, mergeSketches(sb, sc)));
    expect(mergeSketches(sa, sb)).toEqual(mergeSketches(sb, sa));
    expect(mergeSketches(mergeSketches(sa, sb), sc)).toEqual(sketchFromLatencies([...a, ...b, ...c]));
  });

  it('treats the empty sketch as identity', () => {
    const sketch = sketchFromLatencies([3, 4, 5]);
    expect(mergeSketches(emptySketch(), sketch)).toEqual(sketch);
    expect(mergeSketches(sketch, emptySketch())).toEqual(sketch);
  });
});

describe('recordResult and sliCounts', () => {
  const thresholds = [100, 300];
  const sample1 = bucket(
    minuteMs,
    [['up', 50], ['up', 100], ['degraded', 250], ['up', 400], ['down', 5], ['down'], ['maintenance', 10], ['up']],
    thresholds,
  );

  it('counts every result and records latency of up and degraded results only', () => {
    expect(sample1.counts).toEqual(counts({ up: 4, degraded: 1, down: 2, maintenance: 1 }));
    expect(sample1.latency.count).toBe(4);
    expect([sample1.latency.minMs, sample1.latency.maxMs]).toEqual([50, 400]);
    expect(sample1.latencyUnder).toEqual({ '100': 2, '300': 3 });
  });

  it.each<[string, SliRule, { good: number; total: number } | undefined]>([
    ['availability: up + degraded of all but maintenance', { kind: 'availability' }, { good: 5, total: 7 }],
    ['latency at most 100 ms (inclusive)', { kind: 'latency', thresholdMs: 100 }, { good: 2, total: 7 }],
    ['latency at most 300 ms', { kind: 'latency', thresholdMs: 300 }, { good: 3, total: 7 }],
    ['latency for a threshold the bucket does not track', { kind: 'latency', thresholdMs: 200 }, undefined],
  ])('%s', (_name, rule, expected) => {
    expect(sliCounts(sample1, rule)).toEqual(expected);
  });

  it('counts in place exactly what recordResult returns, and rejects a bad latency before counting', () => {
    const statuses: ResultStatus[] = ['up', 'down', 'degraded', 'maintenance'];
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    let copied = emptyBucket(minuteMs, thresholds);
    const inPlace = emptyBucket(minuteMs, thresholds);
    for (let i = 0; i < 500; i += 1) {
      const status = statuses[Math.floor(next() * 4)] ?? 'up';
      const latencyMs = next() < 0.1 ? undefined : next() * 600;
      copied = recordResult(copied, status, latencyMs);
      recordResultInPlace(inPlace, status, latencyMs);
    }
    expect(inPlace).toEqual(copied);
    expect(() => recordResultInPlace(inPlace, 'up', -1)).toThrow(RangeError);
    expect(inPlace).toEqual(copied);
  });

  it('gives zero of zero for an empty or maintenance-only bucket', () => {
    expect(sliCounts(emptyBucket(minuteMs), { kind: 'availability' })).toEqual({ good: 0, total: 0 });
    expect(sliCounts(bucket(minuteMs, [['maintenance', 5]], [100]), { kind: 'latency', thresholdMs: 100 })).toEqual({ good: 0, total: 0 });
  });
});

describe('uptimeRatio', () => {
  it.each<[string, Partial<ResultCounts>, number | null]>([
    ['nothing counted', {}, null],
    ['only maintenance', { maintenance: 5 }, null],
    ['all up', { up: 10 }, 1],
    ['all down', { down: 3 }, 0],
    ['degraded counts as up', { up: 2, degraded: 2 }, 1],
    ['maintenance excluded', { up: 3, down: 1, maintenance: 100 }, 0.75],
    ['mixed', { up: 6, degraded: 3, down: 1 }, 0.9],
  ])('%s', (_name, overrides, expected) => {
    expect(uptimeRatio(counts(overrides))).toBe(expected);
  });
});

describe('bucketEndMs', () => {
  it.each([
    ['2026-01-01T10:00:00.000Z', minuteMs, '2026-01-01T10:00:00.000Z'],
    ['2026-01-01T10:00:00.001Z', minuteMs, '2026-01-01T10:01:00.000Z'],
    ['2026-01-01T10:00:59.999Z', minuteMs, '2026-01-01T10:01:00.000Z'],
    ['2026-01-01T10:01:00.000Z', hourMs, '2026-01-01T11:00:00.000Z'],
    ['2026-01-01T11:00:00.000Z', hourMs, '2026-01-01T11:00:00.000Z'],
  ])('%s in %i ms buckets ends at %s', (atIso, sizeMs, endIso) => {
    expect(new Date(bucketEndMs(at(atIso), sizeMs)).toISOString()).toBe(endIso);
  });
});

describe('rollUp', () => {
  it.each([
    ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00.000Z'],
    ['2026-01-01T10:01:00Z', '2026-01-01T11:00:00.000Z'],
    ['2026-01-01T10:59:00Z', '2026-01-01T11:00:00.000Z'],
    ['2026-01-01T11:00:00Z', '2026-01-01T11:00:00.000Z'],
    ['2026-01-01T11:01:00Z', '2026-01-01T12:00:00.000Z'],
  ])('a minute bucket ending %s belongs to the hour ending %s', (minuteEndIso, hourEndIso) => {
    const [hour] = rollUp([bucket(at(minuteEndIso), [['up', 10]])], hourMs);
    expect(new Date(hour?.endMs ?? Number.NaN).toISOString()).toBe(hourEndIso);
  });

  it('merges counts, latencies and thresholds of one hour, sorted by end, whatever the input order', () => {
    const minutes = [
      bucket(at('2026-01-01T11:00:00Z'), [['up', 20], ['down']], [100]),
      bucket(at('2026-01-01T11:01:00Z'), [['maintenance']], [100]),
      bucket(at('2026-01-01T10:01:00Z'), [['up', 200], ['degraded', 80]], [100]),
    ];
    const hours = rollUp(minutes, hourMs);
    expect(hours.map((h) => new Date(h.endMs).toISOString())).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
    expect(hours[0]?.counts).toEqual(counts({ up: 2, degraded: 1, down: 1 }));
    expect(hours[0]?.latency).toEqual(sketchFromLatencies([20, 200, 80]));
    expect(hours[0]?.latencyUnder).toEqual({ '100': 2 });
    expect(hours[1]?.counts).toEqual(counts({ maintenance: 1 }));
  });

  it('keeps a latency threshold only when every merged bucket tracked it', () => {
    const [hour] = rollUp(
      [bucket(at('2026-01-01T10:01:00Z'), [['up', 50]], [100, 300]), bucket(at('2026-01-01T10:02:00Z'), [['up', 50]], [300])],
      hourMs,
    );
    expect(hour?.latencyUnder).toEqual({ '300': 2 });
  });

  it('gives nothing for nothing and rejects a size that is not positive', () => {
    expect(rollUp([], hourMs)).toEqual([]);
    expect(() => rollUp([], 0)).toThrow(RangeError);
  });
});

describe('summarizeWindow', () => {
  const from = at('2026-01-01T10:00:00Z');
  const to = at('2026-01-01T11:00:00Z');
  const buckets = [
    bucket(from, [['down', 1000]]),
    bucket(from + minuteMs, [['up', 10]]),
    bucket(to - minuteMs, [['degraded', 30], ['maintenance', 5000]]),
    bucket(to, [['up', 20], ['down']]),
    bucket(to + minuteMs, [['down']]),
  ];

  it.each<[string, number, number, Partial<ResultCounts>, number | null]>([
    ['end == from is excluded, end == to is included', from, to, { up: 2, degraded: 1, down: 1, maintenance: 1 }, 0.75],
    ['a window holding only the bucket ending at to', to - 1, to, { up: 1, down: 1 }, 0.5],
    ['a window holding only the bucket ending at from', from - 1, from, { down: 1 }, 0],
    ['an empty window (from == to)', to, to, {}, null],
    ['a window with no buckets at all', at('2025-01-01T00:00:00Z'), at('2025-01-02T00:00:00Z'), {}, null],
  ])('%s', (_name, fromMs, toMs, expectedCounts, expectedRatio) => {
    const summary = summarizeWindow(buckets, fromMs, toMs);
    expect(summary.counts).toEqual(counts(expectedCounts));
    expect(summary.uptimeRatio).toBe(expectedRatio);
  });

  it('reports nearest-rank percentiles of up and degraded latencies in the window, null when there are none', () => {
    // Window latencies 10, 30, 20 ms: p50 is the 2nd (within the sketch's 2%), p95 and p99 the slowest.
    const summary = summarizeWindow(buckets, from, to);
    expect(Math.abs((summary.latencyP50Ms ?? 0) - 20) / 20).toBeLessThanOrEqual(latencySketchRelativeError);
    expect([summary.latencyP95Ms, summary.latencyP99Ms]).toEqual([30, 30]);
    expect(summarizeWindow(buckets, from - 1, from)).toMatchObject({ latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null });
  });

  it('rejects a window that ends before it starts', () => {
    expect(() => summarizeWindow(buckets, to, from)).toThrow(RangeError);
  });

  it('gives the same answer from minute buckets and their hourly roll-up for whole hours', () => {
    const random = seededRandom(99);
    const statuses: ResultStatus[] = ['up', 'up', 'up', 'degraded', 'down', 'maintenance'];
    const start = at('2026-01-01T00:00:00Z');
    const minutes = Array.from({ length: 6 * 60 }, (_unused, index) =>
      bucket(
        start + (index + 1) * minuteMs,
        Array.from({ length: 3 }, (): [ResultStatus, number] => [statuses[Math.floor(random() * statuses.length)] ?? 'up', logUniform(random)]),
      ),
    );
    const hours = rollUp(minutes, hourMs);
    expect(hours).toHaveLength(6);
    for (const [fromMs, toMs] of [[start, start + 6 * hourMs], [start + hourMs, start + 3 * hourMs]] as const) {
      expect(summarizeWindow(hours, fromMs, toMs)).toEqual(summarizeWindow(minutes, fromMs, toMs));
    }
  });
});
