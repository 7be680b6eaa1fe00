import { describe, expect, it } from 'vitest';
import { burnRate, errorRatio, sliRatio, windowBurnRate, windowLabel } from './burn-rate.js';

describe('burn rates', () => {
  it.each<[number, number, number | null, number | null]>([
    [1000, 1000, 0, 1],
    [999, 1000, 0.001, 0.999],
    [0, 10, 1, 0],
    [0, 0, null, null],
  ])('good=%d total=%d: error ratio %d, SLI %d', (good, total, error, sli) => {
    expect(errorRatio({ good, total })).toBe(error);
    expect(sliRatio({ good, total })).toBe(sli);
  });

  it.each<[number | null, number, number | null]>([
    [0.001, 0.001, 1],
    [0.0144, 0.001, 14.4],
    [0.05, 0.01, 5],
    [0, 0.001, 0],
    [null, 0.001, null],
  ])('error ratio %d over budget %d burns at %d', (ratio, budget, expected) => {
    const rate = burnRate(ratio, budget);
    if (expected === null) expect(rate).toBeNull();
    else expect(rate).toBeCloseTo(expected, 12);
  });

  it('reports a window without events as no ratio and no burn', () => {
    expect(windowBurnRate('1h', 3_600_000, { good: 0, total: 0 }, 0.001)).toEqual({ window: '1h', windowMs: 3_600_000, good: 0, total: 0, errorRatio: null, burnRate: null });
  });

  it.each([
    [300_000, '5m'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
    [259_200_000, '3d'],
  ])('labels %d ms as %s', (ms, label) => {
    expect(windowLabel(ms)).toBe(label);
  });
});
