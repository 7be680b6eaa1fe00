import { describe, expect, it } from 'vitest';
import { errorBudgetRatio, formatObjectivePercent, parseObjective, parseSliceTarget } from './objective.js';

describe('objectives', () => {
  it.each<[number | string, number]>([
    [0.999, 0.999],
    [99.9, 0.999],
    ['99.9%', 0.999],
    ['99.9 %', 0.999],
    ['0.999', 0.999],
    ['99.9', 0.999],
    [99.95, 0.9995],
    ['99.99%', 0.9999],
    [95, 0.95],
    ['95%', 0.95],
    [99.5, 0.995],
    [0.5, 0.5],
    ['1%', 0.01],
    [99.999, 0.99999],
  ])('reads %j as the ratio %d, with no float noise', (input, ratio) => {
    const parsed = parseObjective(input);
    expect(parsed).toEqual({ ok: true, ratio });
  });

  it('gives 99.9% the same budget as PromQL 1 - 0.999 (and not 100 - 99.9 noise)', () => {
    const parsed = parseObjective('99.9%');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(errorBudgetRatio(parsed.ratio)).toBe(1 - 0.999);
    expect(errorBudgetRatio(parsed.ratio)).not.toBe((100 - 99.9) / 100);
    expect(99.9 / 100).not.toBe(parsed.ratio);
  });

  it.each<[number | string, string]>([
    [0, 'above 0'],
    [-1, 'above 0'],
    [100, 'below 100%'],
    ['100%', 'below 100%'],
    [1, 'ambiguous'],
    ['1', 'ambiguous'],
    [120, 'below 100%'],
    ['abc', 'must be a number'],
    ['99.9%%', 'must be a number'],
    ['', 'must be a number'],
    [Number.NaN, 'finite'],
    ['0%', 'above 0%'],
  ])('refuses %j (%s)', (input, message) => {
    const parsed = parseObjective(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it.each<[number | string, number]>([
    [1, 1],
    ['100%', 1],
    [0.95, 0.95],
    ['95%', 0.95],
  ])('reads the slice target %j as %d (100%% allowed there)', (input, ratio) => {
    expect(parseSliceTarget(input)).toEqual({ ok: true, ratio });
  });

  it.each([
    [0.999, '99.9%'],
    [0.9995, '99.95%'],
    [0.95, '95%'],
  ])('prints %d as %s', (ratio, text) => {
    expect(formatObjectivePercent(ratio)).toBe(text);
  });
});
