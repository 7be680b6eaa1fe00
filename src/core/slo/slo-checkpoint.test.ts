// Restart checkpoints: counts restored from a snapshot (cut at C, through the codec) plus the
// minutes after C must sum, and evaluate, exactly like counts restored from the stored rows the
// old way (hours, then 3 days of minutes) and like the counts that never stopped.
import { describe, expect, it } from 'vitest';
import { evaluateSlo } from './evaluate-slo.js';
import { createDecodeBuffers, decodeCountSnapshot, encodeCountSnapshot } from './slo-checkpoint-codec.js';
import { baseSlo, t0 } from './slo-builders.contract.js';
import { createSloCounts, type SloCounts } from './slo-counts.js';
import { dayMs, hourMs, minuteMs } from './slo-window.js';

const latenessMinutes = 60;
const spec = baseSlo();

/** A small deterministic generator (the data must be the same on every run). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Scenario {
  /** Final counts per minute index (what the store's minute rows hold). */
  rows: Map<number, { good: number; total: number }>;
  live: SloCounts;
  /** Snapshot bytes taken at minute `checkpointAt`, cut `cut`. */
  bytes: Uint8Array;
  cut: number;
  end: number;
}

/**
 * Ten days of minutes fed as a running server gets them: each minute on time, and now and then
 * extra counts for a minute up to 50 minutes back (late data within the lateness). A checkpoint
 * is taken at `checkpointAt` with the cut lateness + 2 minutes behind, as the engine cuts.
 */
function runScenario(seed: number, options: { fractional?: boolean; checkpointAt?: number; gapFrom?: number } = {}): Scenario {
  const random = generator(seed);
  const end = 10 * 1440;
  const checkpointAt = options.checkpointAt ?? end - 700;
  const cut = checkpointAt - latenessMinutes - 2;
  const rows = new Map<number, { good: number; total: number }>();
  const live = createSloCounts(spec);
  let bytes: Uint8Array = new Uint8Array(0);
  const add = (minute: number, good: number, total: number) => {
    const row = rows.get(minute) ?? { good: 0, total: 0 };
    rows.set(minute, { good: row.good + good, total: row.total + total });
    expect(live.add(t0 + minute * minuteMs, good, total).ok).toBe(true);
  };
  for (let minute = 1; minute <= end; minute++) {
    const quiet = options.gapFrom !== undefined && minute >= options.gapFrom && minute < options.gapFrom + 300;
    if (!quiet && random() < 0.9) {
      const total = options.fractional === true ? Math.round(random() * 10_000) / 7 : Math.floor(random() * 200);
      const good = random() < 0.05 ? total * random() : total;
      add(minute, options.fractional === true ? good : Math.floor(good), total);
    }
    if (random() < 0.1) add(minute - 1 - Math.floor(random() * 50), 2, 3);
    if (minute === checkpointAt) {
      live.advanceTo(t0 + minute * minuteMs);
      const snapshot = live.snapshot(t0 + cut * minuteMs);
      if (snapshot === null) throw new Error('no snapshot');
      bytes = encodeCountSnapshot(snapshot);
    }
  }
  return { rows, live, bytes, cut, end };
}

/** The evaluator's old restore: hour rows before the minutes, then 3 days (from an hour) of minute rows. */
function restoreFromRows(rows: Scenario['rows'], nowMs: number): SloCounts {
  const counts = createSloCounts(spec);
  const minutesFrom = Math.floor((nowMs - 3 * dayMs) / hourMs) * hourMs;
  const hoursFrom = nowMs - 35 * dayMs;
  const hours = new Map<number, { good: number; total: number }>();
  const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
  for (const [minute, row] of sorted) {
    const hourEnd = Math.ceil((t0 + minute * minuteMs) / hourMs) * hourMs;
    const hour = hours.get(hourEnd) ?? { good: 0, total: 0 };
    hours.set(hourEnd, { good: hour.good + row.good, total: hour.total + row.total });
  }
  for (const [endMs, hour] of [...hours.entries()].sort((a, b) => a[0] - b[0])) if (endMs > hoursFrom && endMs <= minutesFrom) counts.add(endMs, hour.good, hour.total);
  for (const [minute, row] of sorted) if (t0 + minute * minuteMs > minutesFrom) counts.add(t0 + minute * minuteMs, row.good, row.total);
  return counts;
}

function restoreFromCheckpoint(scenario: Scenario): SloCounts {
  const decoded = decodeCountSnapshot(scenario.bytes);
  if (typeof decoded === 'string') throw new Error(decoded);
  const counts = createSloCounts(spec);
  expect(counts.restoreSnapshot(decoded)).toBe(true);
  const tail = [...scenario.rows.entries()].filter(([minute]) => minute > scenario.cut).sort((a, b) => a[0] - b[0]);
  for (const [minute, row] of tail) expect(counts.add(t0 + minute * minuteMs, row.good, row.total).ok).toBe(true);
  return counts;
}

const windowsMs = [5, 30, 60, 120, 360, 1440, 3 * 1440, 30 * 1440].map((minutes) => minutes * minuteMs);

function sumsAt(counts: SloCounts, atMs: number) {
  counts.advanceTo(atMs);
  return windowsMs.map((windowMs) => counts.sum(atMs - windowMs, atMs));
}

describe('restart checkpoints of SLO counts', () => {
  it.each([
    { seed: 1 },
    { seed: 2, fractional: true },
    { seed: 3, checkpointAt: 4 * 1440 },
    { seed: 4, gapFrom: 10 * 1440 - 900 },
    { seed: 5, checkpointAt: 10 * 1440 - 63 },
  ])('restores the same window sums and evaluation as the stored rows ($seed)', (options) => {
    const scenario = runScenario(options.seed, options);
    const restartMs = t0 + (scenario.end + 3) * minuteMs;
    const fromRows = restoreFromRows(scenario.rows, restartMs);
    const fromCheckpoint = restoreFromCheckpoint(scenario);
    for (let step = 0; step <= 180; step += 7) {
      const atMs = restartMs + step * minuteMs;
      const expected = sumsAt(fromRows, atMs);
      const close = (values: Array<{ good: number; total: number }>) => values.map((v) => [Number(v.good.toPrecision(12)), Number(v.total.toPrecision(12))]);
      expect(close(sumsAt(fromCheckpoint, atMs))).toEqual(close(expected));
      expect(close(sumsAt(scenario.live, atMs))).toEqual(close(expected));
      if (options.fractional !== true) expect(evaluateSlo(spec, fromCheckpoint, atMs)).toEqual(evaluateSlo(spec, fromRows, atMs));
    }
  });

  it('writes 3 days of busy minutes in about 2-3 bytes a minute', () => {
    const scenario = runScenario(7);
    expect(scenario.bytes.length).toBeGreaterThan(4000 * 2);
    expect(scenario.bytes.length).toBeLessThan(16_000);
  });

  it('restores an empty buffer as empty, and refuses counts sized for another window or lateness', () => {
    const empty = createSloCounts(spec).snapshot(t0);
    expect(empty?.headMinute).toBe(-1);
    const decoded = decodeCountSnapshot(encodeCountSnapshot(empty!));
    if (typeof decoded === 'string') throw new Error(decoded);
    const restored = createSloCounts(spec);
    expect(restored.restoreSnapshot(decoded)).toBe(true);
    expect(restored.sum(t0 - dayMs, t0 + dayMs)).toEqual({ good: 0, total: 0 });

    const scenario = runScenario(8);
    const snapshot = decodeCountSnapshot(scenario.bytes);
    if (typeof snapshot === 'string') throw new Error(snapshot);
    expect(createSloCounts(baseSlo({ window: { kind: 'rolling', durationMs: 7 * dayMs } })).restoreSnapshot(snapshot)).toBe(false);
    expect(createSloCounts(spec, { latenessMs: 2 * hourMs }).restoreSnapshot(snapshot)).toBe(false);
    expect(createSloCounts(baseSlo({ budgeting: { kind: 'timeslices', sliceMs: minuteMs, sliceTargetRatio: 0.95 } })).snapshot(t0)).toBeNull();
  });

  it('decodes exactly what it encoded, whatever minute of the hour the snapshot starts and ends at', () => {
    const counts = createSloCounts(spec);
    const random = generator(11);
    const last = 4 * 1440 + 37;
    for (let minute = 1; minute <= last; minute++) counts.add(t0 + minute * minuteMs, Math.floor(random() * 150), 150 + Math.floor(random() * 300));
    for (let back = 0; back < 61; back++) {
      const snapshot = counts.snapshot(t0 + (last - back) * minuteMs);
      if (snapshot === null) throw new Error('no snapshot');
      expect(decodeCountSnapshot(encodeCountSnapshot(snapshot))).toEqual(snapshot);
    }
  });

  it('decodes into reused buffers the same snapshots as into fresh arrays, one after another', () => {
    const buffers = createDecodeBuffers();
    for (const scenario of [runScenario(12), runScenario(13, { checkpointAt: 4 * 1440 }), runScenario(14)]) {
      const fresh = decodeCountSnapshot(scenario.bytes);
      const reused = decodeCountSnapshot(scenario.bytes, buffers);
      if (typeof fresh === 'string' || typeof reused === 'string') throw new Error('unreadable');
      expect({ ...reused, hourGood: [...reused.hourGood], hourTotal: [...reused.hourTotal], minuteGood: [...reused.minuteGood], minuteTotal: [...reused.minuteTotal] })
        .toEqual({ ...fresh, hourGood: [...fresh.hourGood], hourTotal: [...fresh.hourTotal], minuteGood: [...fresh.minuteGood], minuteTotal: [...fresh.minuteTotal] });
      expect(createSloCounts(spec).restoreSnapshot(reused)).toBe(true);
    }
  });

  it('takes no snapshot cut behind the minutes the ring still holds', () => {
    const counts = createSloCounts(spec);
    counts.add(t0 + 10 * dayMs, 1, 1);
    expect(counts.snapshot(t0 + 5 * dayMs)).toBeNull();
    expect(counts.snapshot(t0 + 9 * dayMs)?.headMinute).toBe((t0 + 9 * dayMs) / minuteMs);
  });

  it.each([
    ['an unknown version', [9, 1]],
    ['an unknown kind', [1, 7, 10, 10, 60, 5, 0]],
    ['a truncated body', [1, 1, 10, 10, 60, 5, 0, 3]],
    ['a number that never ends', [1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ])('reports %s instead of restoring it', (_name, bytes) => {
    expect(typeof decodeCountSnapshot(Uint8Array.from(bytes))).toBe('string');
  });
});
