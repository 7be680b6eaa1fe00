import { describe, expect, it } from 'vitest';
import { budgetMinutes, errorBudget } from './error-budget.js';
import { errorBudgetRatio } from './objective.js';
import { dayMs, hourMs, windowPeriod, type SloWindow } from './slo-window.js';

const b999 = errorBudgetRatio(0.999);
const at = (iso: string): number => Date.parse(iso);

describe('error budget in minutes', () => {
  it.each<[string, number, SloWindow, string, number]>([
    ['99.9% over 30 days', 0.999, { kind: 'rolling', durationMs: 30 * dayMs }, '2026-03-10T00:00:00Z', 43.2],
    ['99.9% over 28 days', 0.999, { kind: 'rolling', durationMs: 28 * dayMs }, '2026-03-10T00:00:00Z', 40.32],
    ['99.95% over 30 days', 0.9995, { kind: 'rolling', durationMs: 30 * dayMs }, '2026-03-10T00:00:00Z', 21.6],
    ['95% over 30 days (36 hours)', 0.95, { kind: 'rolling', durationMs: 30 * dayMs }, '2026-03-10T00:00:00Z', 2160],
    ['99.9% over a 30-day calendar month', 0.999, { kind: 'calendar', unit: 'month', timeZone: 'UTC' }, '2026-04-10T00:00:00Z', 43.2],
    ['99.9% over a 31-day calendar month', 0.999, { kind: 'calendar', unit: 'month', timeZone: 'UTC' }, '2026-05-10T00:00:00Z', 44.64],
    ['99.9% over February', 0.999, { kind: 'calendar', unit: 'month', timeZone: 'UTC' }, '2026-02-10T00:00:00Z', 40.32],
    ['99.9% over March in Berlin (31 days less the DST hour)', 0.999, { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' }, '2026-03-10T00:00:00Z', 44.58],
    ['99.9% over a calendar week', 0.999, { kind: 'calendar', unit: 'week', timeZone: 'UTC' }, '2026-03-10T00:00:00Z', 10.08],
  ])('%s allows %s -> %d minutes', (_name, objective, window, t, minutes) => {
    const budget = errorBudget({ budgetRatio: errorBudgetRatio(objective), period: windowPeriod(window, at(t)), windowErrorRatio: null, currentBurnRate: null, calendar: window.kind === 'calendar' });
    expect(budget.totalMinutes).toBe(minutes);
    expect(budget).toMatchObject({ consumedRatio: 0, remainingRatio: 1, consumedMinutes: 0, remainingMinutes: minutes, exhaustionAtMs: null });
  });

  it('rounds away float noise only in minutes', () => {
    expect(b999 * 43_200).not.toBe(43.2);
    expect(budgetMinutes(b999, 30 * dayMs)).toBe(43.2);
  });
});

describe('spent and remaining budget', () => {
  const rolling = windowPeriod({ kind: 'rolling', durationMs: 30 * dayMs }, at('2026-03-31T00:00:00Z'));
  const calendarWindow: SloWindow = { kind: 'calendar', unit: 'month', timeZone: 'UTC' };

  it.each<[string, number | null, number, number, number]>([
    ['no events', null, 0, 1, 43.2],
    ['on budget (0.1% errors)', 0.001, 1, 0, 0],
    ['half the budget', 0.0005, 0.5, 0.5, 21.6],
    ['overspent twice', 0.002, 2, -1, -43.2],
  ])('rolling 30d, %s', (_name, ratio, consumed, remaining, remainingMinutes) => {
    const budget = errorBudget({ budgetRatio: b999, period: rolling, windowErrorRatio: ratio, currentBurnRate: null, calendar: false });
    expect(budget.consumedRatio).toBeCloseTo(consumed, 12);
    expect(budget.remainingRatio).toBeCloseTo(remaining, 12);
    expect(budget.remainingMinutes).toBeCloseTo(remainingMinutes, 6);
  });

  it('a calendar month spends only what has elapsed: 10 days at 0.1% errors is a third', () => {
    const period = windowPeriod(calendarWindow, at('2026-04-11T00:00:00Z'));
    const budget = errorBudget({ budgetRatio: b999, period, windowErrorRatio: 0.001, currentBurnRate: 1, calendar: true });
    expect(budget.consumedMinutes).toBeCloseTo(14.4, 6);
    expect(budget.consumedRatio).toBeCloseTo(1 / 3, 12);
    expect(budget.remainingMinutes).toBeCloseTo(28.8, 6);
  });

  it.each<[string, number, number | null, number | null]>([
    // remaining 1 - 0.5 = 0.5 of a 30-day window at burn 10: 0.5 × 30d / 10 = 1.5 days
    ['burning at 10x with half left', 0.0005, 10, 1.5 * dayMs],
    ['burning at 1x with half left', 0.0005, 1, 15 * dayMs],
    ['not burning', 0.0005, 0, null],
    ['no recent events', 0.0005, null, null],
    ['already exhausted', 0.002, 5, 0],
  ])('time to exhaustion: %s', (_name, ratio, burn, inMs) => {
    const budget = errorBudget({ budgetRatio: b999, period: rolling, windowErrorRatio: ratio, currentBurnRate: burn, calendar: false });
    expect(budget.exhaustionAtMs === null ? null : budget.exhaustionAtMs - rolling.atMs).toBe(inMs === null ? null : Math.round(inMs));
  });

  it('a calendar budget that outlasts the month has no exhaustion time', () => {
    const period = windowPeriod(calendarWindow, at('2026-04-29T00:00:00Z'));
    const budget = errorBudget({ budgetRatio: b999, period, windowErrorRatio: 0, currentBurnRate: 1, calendar: true });
    expect(budget.exhaustionAtMs).toBeNull();
    const fast = errorBudget({ budgetRatio: b999, period, windowErrorRatio: 0, currentBurnRate: 1000, calendar: true });
    expect(fast.exhaustionAtMs! - period.atMs).toBeCloseTo((30 * dayMs) / 1000, -1);
    expect(hourMs).toBeGreaterThan(0);
  });
});
