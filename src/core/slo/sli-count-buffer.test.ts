import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countProblem, minuteEndOf, SliCountBuffer } from './sli-count-buffer.js';
import { dayMs, hourMs, minuteMs } from './slo-window.js';

const t0 = Date.parse('2026-03-01T00:00:00Z');
const minute = (n: number): number => t0 + n * minuteMs;

describe('SliCountBuffer', () => {
  it('puts an event in the bucket (end - 1m, end]', () => {
    expect(minuteEndOf(minute(5))).toBe(minute(5));
    expect(minuteEndOf(minute(5) + 1)).toBe(minute(6));
    expect(minuteEndOf(minute(5) + 59_999)).toBe(minute(6));
  });

  it.each<[string, number, number, number, number]>([
    // window (from, to] in minutes after t0, and the counts expected from minutes 1..10 = (n, 10n)
    ['one minute', 4, 5, 5, 50],
    ['five minutes', 5, 10, 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 - 15, 400],
    ['everything', 0, 10, 55, 550],
    ['beyond the head', 8, 20, 19, 190],
    ['before the data', -30, 0, 0, 0],
    ['empty range', 5, 5, 0, 0],
  ])('sums %s', (_name, from, to, good, total) => {
    const buffer = new SliCountBuffer();
    for (let n = 1; n <= 10; n++) expect(buffer.add(minute(n), n, 10 * n).ok).toBe(true);
    expect(buffer.sum(minute(from), minute(to))).toEqual({ good, total });
  });

  it('answers zeros before any data', () => {
    expect(new SliCountBuffer().sum(0, t0)).toEqual({ good: 0, total: 0 });
  });

  it('lands late counts in their own minute, up to the lateness', () => {
    const buffer = new SliCountBuffer({ latenessMs: hourMs });
    buffer.advanceTo(minute(120));
    expect(buffer.add(minute(60), 1, 1)).toEqual({ ok: true, minuteEndMs: minute(60) });
    expect(buffer.add(minute(59), 1, 1)).toMatchObject({ ok: false, reason: 'too_late' });
    expect(buffer.sum(minute(59), minute(60))).toEqual({ good: 1, total: 1 });
    expect(buffer.sum(minute(60), minute(120))).toEqual({ good: 0, total: 0 });
  });

  it.each<[number, number, string]>([
    [-1, 1, 'good must be a finite number from 0'],
    [2, 1, 'must not exceed total'],
    [Number.NaN, 1, 'good must be'],
    [1, Number.NaN, 'total must be'],
    [1, Number.POSITIVE_INFINITY, 'total must be'],
    [1.5, 1, 'must not exceed total'],
    [0, -3, 'total must be'],
    [0, 2 ** 53, 'total must be'],
  ])('refuses good=%d total=%d', (good, total, message) => {
    expect(countProblem(good, total)).toContain(message);
    expect(new SliCountBuffer().add(minute(1), good, total)).toMatchObject({ ok: false, reason: 'invalid_counts' });
  });

  it('switches to 64-bit minutes for more than 2^32 - 1 events in an hour, rather than wrapping', () => {
    const buffer = new SliCountBuffer();
    expect(buffer.add(minute(1), 0, 0xffff_ffff).ok).toBe(true);
    expect(buffer.wide).toBe(false);
    expect(buffer.add(minute(2), 3, 5).ok).toBe(true);
    expect(buffer.wide).toBe(true);
    expect(buffer.sum(minute(0), minute(2))).toEqual({ good: 3, total: 0xffff_ffff + 5 });
    expect(buffer.sum(minute(1), minute(2))).toEqual({ good: 3, total: 5 });
  });

  it('keeps fractional counts (PromQL increases) exactly enough', () => {
    const buffer = new SliCountBuffer();
    buffer.add(minute(1), 10, 10);
    buffer.add(minute(2), 99.5, 100.25);
    buffer.add(minute(3), 0.1, 0.2);
    expect(buffer.wide).toBe(true);
    const counts = buffer.sum(minute(1), minute(3));
    expect(counts.good).toBeCloseTo(99.6, 9);
    expect(counts.total).toBeCloseTo(100.45, 9);
    expect(buffer.sum(minute(0), minute(1))).toEqual({ good: 10, total: 10 });
  });

  it('keeps 3 days of minutes exact and sums 30 days from hour buckets', () => {
    const buffer = new SliCountBuffer({ hourRetentionMs: 35 * dayMs });
    const minutes = 31 * 24 * 60;
    for (let n = 1; n <= minutes; n++) buffer.add(minute(n), 1, 2);
    const end = minute(minutes);
    expect(buffer.sum(end - 3 * dayMs, end)).toEqual({ good: 3 * 1440, total: 6 * 1440 });
    expect(buffer.sum(end - 30 * dayMs, end)).toEqual({ good: 30 * 1440, total: 60 * 1440 });
    // Ending at 23:43, 30 days back starts at 23:43 inside an hour whose minutes are gone: the
    // whole hour bucket (23:00, 24:00] ends after the start and counts, 43 minutes more.
    expect(buffer.sum(end - 17 * minuteMs - 30 * dayMs, end - 17 * minuteMs)).toEqual({ good: 30 * 1440 + 43, total: 2 * (30 * 1440 + 43) });
  });

  it('holds 90 + 5 days of hours and 3 days of minutes in about 71 KB', () => {
    const buffer = new SliCountBuffer({ hourRetentionMs: 95 * dayMs });
    expect(buffer.memoryBytes).toBeLessThan(72_000);
    // 10,000 such SLOs: about 0.71 GB of typed arrays; a 30-day SLO needs about 48 KB.
    expect(new SliCountBuffer({ hourRetentionMs: 35 * dayMs }).memoryBytes).toBeLessThan(49_000);
  });
});

/**
 * Property: whatever arrives (in order, late within the lateness, too late, or after gaps longer
 * than the rings), the O(1) sums equal a brute-force sum over every accepted count by the rule:
 * minute buckets ending in (from, to] while `from` is within minute retention, else hour buckets
 * ending after `from`.
 */
describe('SliCountBuffer against brute force', () => {
  const minuteRetention = 180;
  const hourRetention = 12; // more than the deepest query (10h20m) plus an hour bucket
  const lateness = 30;

  type Step = { kind: 'add'; back: number; ahead: number; good: number; bad: number } | { kind: 'advance'; minutes: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), back: fc.integer({ min: 0, max: lateness + 5 }), ahead: fc.integer({ min: 0, max: 3 }), good: fc.integer({ min: 0, max: 50 }), bad: fc.integer({ min: 0, max: 5 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 0, max: 90 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 200, max: 2000 }) }) },
  );
  // Windows reach at most 10h20m back: well within the 12h of hour buckets kept.
  const query = fc.record({ back: fc.integer({ min: 0, max: 20 }), length: fc.integer({ min: 1, max: 10 * 60 }) });

  it('matches for random data, late arrivals and windows', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), fc.array(query, { minLength: 1, maxLength: 20 }), (steps, queries) => {
        const buffer = new SliCountBuffer({ minuteRetentionMs: minuteRetention * minuteMs, hourRetentionMs: hourRetention * hourMs, latenessMs: lateness * minuteMs });
        const counts = new Map<number, { good: number; total: number }>();
        let head = 1000;
        buffer.advanceTo(minute(head));
        for (const item of steps) {
          if (item.kind === 'advance') {
            head += item.minutes;
            buffer.advanceTo(minute(head));
            continue;
          }
          const target = head - item.back + item.ahead;
          const outcome = buffer.add(minute(target), item.good, item.good + item.bad);
          expect(outcome.ok).toBe(target >= head - lateness);
          if (!outcome.ok) continue;
          head = Math.max(head, target);
          const entry = counts.get(target) ?? { good: 0, total: 0 };
          counts.set(target, { good: entry.good + item.good, total: entry.total + item.good + item.bad });
        }
        for (const { back, length } of queries) {
          const to = head - back;
          const from = to - length;
          expect(buffer.sum(minute(from), minute(to))).toEqual(bruteForce(counts, from, to, head));
        }
      }),
      { numRuns: 300 },
    );
  });

  function bruteForce(counts: Map<number, { good: number; total: number }>, from: number, to: number, head: number): { good: number; total: number } {
    const exact = from >= head - minuteRetention;
    let good = 0;
    let total = 0;
    for (const [m, entry] of counts) {
      const hour = Math.ceil(m / 60);
      const inside = exact ? m > from && m <= to : hour > Math.floor(from / 60) && m <= to;
      if (inside) {
        good += entry.good;
        total += entry.total;
      }
    }
    return { good, total };
  }
});
