import { describe, expect, it } from 'vitest';
import {
  activeBurnRateConditions,
  alertWindowsMs,
  burnRateConditionHolds,
  defaultBurnRateAlerting,
  describeBurnRateCondition,
  validateBurnRateAlerting,
  type BurnRateAlerting,
} from './burn-rate-alerting.js';
import { errorBudgetRatio } from './objective.js';
import { dayMs, hourMs, minuteMs, type SloWindow } from './slo-window.js';

const b = errorBudgetRatio(0.999);
const thirtyDays: SloWindow = { kind: 'rolling', durationMs: 30 * dayMs };
const ratios = (entries: Record<string, number | null>) => (windowMs: number) => {
  const labels: Record<number, string> = { [5 * minuteMs]: '5m', [30 * minuteMs]: '30m', [hourMs]: '1h', [2 * hourMs]: '2h', [6 * hourMs]: '6h', [dayMs]: '1d', [3 * dayMs]: '3d' };
  return entries[labels[windowMs] ?? ''] ?? null;
};

describe('default burn-rate alerts (SRE workbook, Sloth)', () => {
  it('reads 5m, 30m, 1h, 2h, 6h, 1d and 3d', () => {
    expect(alertWindowsMs(defaultBurnRateAlerting)).toEqual([5 * minuteMs, 30 * minuteMs, hourMs, 2 * hourMs, 6 * hourMs, dayMs, 3 * dayMs]);
    expect(defaultBurnRateAlerting.page.map(describeBurnRateCondition)).toEqual(['1h/5m > 14.4x', '6h/30m > 6x']);
    expect(defaultBurnRateAlerting.ticket.map(describeBurnRateCondition)).toEqual(['1d/2h > 3x', '3d/6h > 1x']);
  });

  it.each<[string, Record<string, number | null>, number[], number[]]>([
    ['nothing burns', { '5m': 0, '1h': 0, '30m': 0, '6h': 0, '2h': 0, '1d': 0, '3d': 0 }, [], []],
    ['a sharp outage: 1h and 5m above 14.4x', { '5m': 0.02, '1h': 0.015 }, [0], []],
    ['1h above 14.4x but 5m has recovered', { '5m': 0.001, '1h': 0.015 }, [], []],
    ['5m above but 1h not yet', { '5m': 0.5, '1h': 0.0144 * 0.99 }, [], []],
    ['6h and 30m above 6x', { '6h': 0.007, '30m': 0.0065 }, [1], []],
    ['a slow burn: 1d and 2h above 3x', { '1d': 0.0035, '2h': 0.004 }, [], [0]],
    ['3d and 6h above 1x', { '3d': 0.0011, '6h': 0.0012 }, [], [1]],
    ['exactly at 14.4 × (1 - 0.999): strict > does not fire', { '5m': 14.4 * b, '1h': 14.4 * b }, [], []],
    ['exactly at 1 × b: strict > does not fire', { '3d': b, '6h': b }, [], []],
    ['no events in the short window cannot fire', { '1h': 1, '5m': null }, [], []],
    ['no events in the long window cannot fire', { '1h': null, '5m': 1 }, [], []],
    ['everything burns: page and ticket independently', { '5m': 1, '30m': 1, '1h': 1, '2h': 1, '6h': 1, '1d': 1, '3d': 1 }, [0, 1], [0, 1]],
  ])('%s', (_name, entries, page, ticket) => {
    const ratioOf = ratios(entries);
    const active = (conditions: BurnRateAlerting['page']) => activeBurnRateConditions(conditions, ratioOf, b).map((condition) => conditions.indexOf(condition));
    expect(active(defaultBurnRateAlerting.page)).toEqual(page);
    expect(active(defaultBurnRateAlerting.ticket)).toEqual(ticket);
  });

  it('compares the error ratio with factor × (1 - objective), the way PromQL does', () => {
    const condition = { longWindowMs: hourMs, shortWindowMs: 5 * minuteMs, factor: 14.4 };
    const threshold = 14.4 * (1 - 0.999);
    expect(burnRateConditionHolds(condition, () => threshold, b)).toBe(false);
    expect(burnRateConditionHolds(condition, () => threshold + Number.EPSILON, b)).toBe(true);
  });
});

describe('alert table validation', () => {
  const table = (page: BurnRateAlerting['page'], ticket: BurnRateAlerting['ticket'] = []): BurnRateAlerting => ({ page, ticket });

  it('accepts the defaults for 7d to 90d windows and calendar months', () => {
    for (const window of [{ kind: 'rolling', durationMs: 7 * dayMs }, thirtyDays, { kind: 'rolling', durationMs: 90 * dayMs }, { kind: 'calendar', unit: 'month', timeZone: 'UTC' }] as SloWindow[]) {
      expect(validateBurnRateAlerting(defaultBurnRateAlerting, window)).toEqual([]);
    }
  });

  it.each<[string, BurnRateAlerting, SloWindow, string, string]>([
    ['alert window longer than the SLO window', defaultBurnRateAlerting, { kind: 'rolling', durationMs: dayMs }, 'ticket[1].long', 'longer than the SLO window (1d)'],
    ['short not shorter than long', table([{ longWindowMs: hourMs, shortWindowMs: hourMs, factor: 2 }]), thirtyDays, 'page[0].short', 'must be shorter than the long window (1h)'],
    ['factor 0', table([{ longWindowMs: hourMs, shortWindowMs: 5 * minuteMs, factor: 0 }]), thirtyDays, 'page[0].factor', 'above 0'],
    ['sub-minute window', table([{ longWindowMs: hourMs, shortWindowMs: 30_000, factor: 2 }]), thirtyDays, 'page[0].short', 'whole number of minutes'],
    ['more than 7 days', table([], [{ longWindowMs: 8 * dayMs, shortWindowMs: dayMs, factor: 1 }]), thirtyDays, 'ticket[0].long', 'at most 1w'],
    ['a week window on a calendar week', table([], [{ longWindowMs: 7 * dayMs, shortWindowMs: dayMs, factor: 1 }]), { kind: 'calendar', unit: 'week', timeZone: 'UTC' }, 'ticket[0].long', 'longer than the SLO window'],
  ])('%s', (_name, alerting, window, field, message) => {
    const problems = validateBurnRateAlerting(alerting, window);
    expect(problems.find((problem) => problem.field === field)?.message, JSON.stringify(problems)).toContain(message);
  });
});
