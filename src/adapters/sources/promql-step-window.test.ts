import { describe, expect, it } from 'vitest';
import { formatPrometheusDuration, hasWindowPlaceholder, renderWindowPlaceholder } from './promql-step-window.js';

describe('PromQL {{.window}} placeholder', () => {
  it.each([
    [60_000, '1m'],
    [300_000, '5m'],
    [90_000, '90s'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [86_400_000, '1d'],
    [259_200_000, '3d'],
    [1_500, '1500ms'],
    [1, '1ms'],
  ])('formats %i ms as %s', (durationMs, expected) => {
    expect(formatPrometheusDuration(durationMs)).toBe(expected);
  });

  it.each([0, -60_000, 1.5, Number.NaN])('refuses %s ms', (durationMs) => {
    expect(() => formatPrometheusDuration(durationMs)).toThrow(/positive whole number of ms/);
  });

  it('replaces every placeholder, Sloth spacing included, and nothing else', () => {
    const promql = 'sum(increase(a[{{.window}}])) / sum(increase(b[{{ .window }}] offset {{.window}})) + c{l="{{.other}}"}';
    expect(renderWindowPlaceholder(promql, 60_000)).toBe('sum(increase(a[1m])) / sum(increase(b[1m] offset 1m)) + c{l="{{.other}}"}');
    expect(hasWindowPlaceholder(promql)).toBe(true);
    expect(hasWindowPlaceholder('sum(increase(a[1m]))')).toBe(false);
  });

  it('leaves a query without the placeholder unchanged', () => {
    expect(renderWindowPlaceholder('sum(increase(a[5m]))', 60_000)).toBe('sum(increase(a[5m]))');
  });
});
