import { describe, expect, it } from 'vitest';
import { durationStats, percentileNearestRank } from './duration-stats.js';

describe('percentileNearestRank', () => {
  it.each([
    [[], 50, null],
    [[7], 90, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[10, 20], 90, 20],
  ])('%j p%d -> %s', (values, percent, expected) => {
    expect(percentileNearestRank(values, percent)).toBe(expected);
  });
});

describe('durationStats', () => {
  it('gives nulls, never NaN, for no durations', () => {
    expect(durationStats([])).toEqual({ count: 0, meanMs: null, p50Ms: null, p90Ms: null });
  });

  it('sorts before taking percentiles and rounds the mean to a millisecond', () => {
    expect(durationStats([3, 1, 2])).toEqual({ count: 3, meanMs: 2, p50Ms: 2, p90Ms: 3 });
    expect(durationStats([1, 2]).meanMs).toBe(2);
  });
});
