import { describe, expect, it } from 'vitest';
import { createSloCounts } from './slo-counts.js';
import { baseSlo, load, minuteAt } from './slo-builders.contract.js';
import { minuteMs } from './slo-window.js';

const spec = baseSlo({ budgeting: { kind: 'timeslices', sliceMs: minuteMs, sliceTargetRatio: 0.99 } });

describe('time slices', () => {
  it.each<[string, string, number, number]>([
    ['every slice meets the target', '1..10 99/100', 10, 10],
    ['a slice below the target is bad', '1..5 100/100, 6 98/100, 7..10 100/100', 9, 10],
    ['a slice without events counts neither way', '1..5 100/100, 7..10 100/100', 9, 9],
    ['exactly at the target is good', '1 99/100', 1, 1],
  ])('%s', (_name, series, good, total) => {
    const counts = createSloCounts(spec);
    load(counts, series);
    counts.advanceTo(minuteAt(10));
    expect(counts.sum(minuteAt(0), minuteAt(10))).toEqual({ good, total });
  });

  it('judges a slice again when late counts change it', () => {
    const counts = createSloCounts(spec);
    load(counts, '1..10 100/100');
    counts.advanceTo(minuteAt(10));
    expect(counts.sum(minuteAt(0), minuteAt(10))).toEqual({ good: 10, total: 10 });
    expect(counts.add(minuteAt(3), 0, 50).ok).toBe(true);
    expect(counts.sum(minuteAt(0), minuteAt(10))).toEqual({ good: 9, total: 10 });
    expect(counts.add(minuteAt(12), 0, 0).ok).toBe(true);
    expect(counts.eventSum(minuteAt(2), minuteAt(3))).toEqual({ good: 100, total: 150 });
  });

  it('does not judge an open slice', () => {
    const counts = createSloCounts(baseSlo({ budgeting: { kind: 'timeslices', sliceMs: 5 * minuteMs, sliceTargetRatio: 0.99 } }));
    load(counts, '1..3 100/100');
    counts.advanceTo(minuteAt(3));
    expect(counts.sum(minuteAt(0) - minuteMs, minuteAt(3))).toEqual({ good: 0, total: 0 });
    counts.advanceTo(minuteAt(5));
    expect(counts.sum(minuteAt(0), minuteAt(5))).toEqual({ good: 1, total: 1 });
  });

  it('sizes the slice series for the window and the events for the slices only', () => {
    const occurrences = createSloCounts(baseSlo());
    const slices = createSloCounts(spec);
    expect(slices.memoryBytes).toBeLessThan(occurrences.memoryBytes * 1.2);
  });
});
