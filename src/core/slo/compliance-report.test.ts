import { describe, expect, it } from 'vitest';
import { alertFirings, complianceRow, reportBuckets } from './compliance-report.js';
import { baseSlo } from './slo-builders.contract.js';

const m = 60_000;
const h = 60 * m;
const t0 = Date.UTC(2026, 10, 1);

describe('reportBuckets', () => {
  const recent = t0 - 10 * 24 * h; // minutes kept for everything below
  it.each<[string, number, number, number, object]>([
    ['whole hours only', t0, t0 + 3 * h, recent, { fromMs: t0, toMs: t0 + 3 * h, hours: [{ fromMs: t0, toMs: t0 + 3 * h }], minutes: [] }],
    [
      'ragged edges from minutes',
      t0 + 10 * m,
      t0 + 3 * h + 5 * m,
      recent,
      { fromMs: t0 + 10 * m, toMs: t0 + 3 * h + 5 * m, hours: [{ fromMs: t0 + h, toMs: t0 + 3 * h }], minutes: [{ fromMs: t0 + 10 * m, toMs: t0 + h }, { fromMs: t0 + 3 * h, toMs: t0 + 3 * h + 5 * m }] },
    ],
    ['inside one hour: minutes only', t0 + 10 * m, t0 + 40 * m, recent, { fromMs: t0 + 10 * m, toMs: t0 + 40 * m, hours: [], minutes: [{ fromMs: t0 + 10 * m, toMs: t0 + 40 * m }] }],
    ['seconds round out to whole minutes', t0 + 10 * m + 5_000, t0 + 20 * m + 1, recent, { fromMs: t0 + 10 * m, toMs: t0 + 21 * m, hours: [], minutes: [{ fromMs: t0 + 10 * m, toMs: t0 + 21 * m }] }],
    ['edges older than the minutes widen to whole hours', t0 + 10 * m, t0 + 3 * h + 5 * m, t0 + 10 * h, { fromMs: t0, toMs: t0 + 4 * h, hours: [{ fromMs: t0, toMs: t0 + 4 * h }], minutes: [] }],
    [
      'only the old edge widens',
      t0 + 10 * m,
      t0 + 3 * h + 5 * m,
      t0 + 2 * h,
      { fromMs: t0, toMs: t0 + 3 * h + 5 * m, hours: [{ fromMs: t0, toMs: t0 + 3 * h }], minutes: [{ fromMs: t0 + 3 * h, toMs: t0 + 3 * h + 5 * m }] },
    ],
  ])('%s', (_name, from, to, kept, expected) => {
    expect(reportBuckets(from, to, kept)).toEqual(expected);
  });
});

describe('alertFirings', () => {
  const p = (atMs: number, page: string, ticket = 'resolved') => ({ atMs, page, ticket });
  it.each<[string, ReturnType<typeof p> | undefined, Array<ReturnType<typeof p>>, { page: number; ticket: number }]>([
    ['nothing kept', undefined, [], { page: 0, ticket: 0 }],
    ['one firing, kept firing', undefined, [p(1, 'firing'), p(2, 'firing'), p(3, 'resolved')], { page: 1, ticket: 0 }],
    ['firing before the range is not counted again', p(0, 'firing'), [p(1, 'firing'), p(2, 'resolved'), p(3, 'firing', 'firing')], { page: 1, ticket: 1 }],
    ['flapping counts each firing', p(0, 'resolved'), [p(1, 'firing'), p(2, 'resolved'), p(3, 'firing'), p(4, 'resolved')], { page: 2, ticket: 0 }],
  ])('%s', (_name, start, points, expected) => {
    expect(alertFirings(start, points)).toEqual(expected);
  });
});

describe('complianceRow', () => {
  const range = { fromMs: t0, toMs: t0 + 30 * 24 * h };
  it('99.9% over 30 days allows 43.2 minutes; 999 of 1,000 meets it with the whole budget spent', () => {
    const row = complianceRow(baseSlo({ objectiveRatio: 0.999 }), range, { good: 999, total: 1000 }, { page: 0, ticket: 1 });
    expect(row.allowedDowntimeMinutes).toBeCloseTo(43.2, 9);
    expect(row.sli).toBe(0.999);
    expect(row.objectiveMet).toBe(true);
    expect(row.budgetConsumedRatio).toBeCloseTo(1, 9);
    expect(row.ticketAlerts).toBe(1);
  });
  it('a miss: 990 of 1,000 spends ten budgets', () => {
    const row = complianceRow(baseSlo({ objectiveRatio: 0.999 }), range, { good: 990, total: 1000 }, { page: 2, ticket: 2 });
    expect([row.objectiveMet, row.badEvents]).toEqual([false, 10]);
    expect(row.budgetConsumedRatio).toBeCloseTo(10, 9);
    expect(row.budgetRemainingRatio).toBeCloseTo(-9, 9);
  });
  it('no events: no SLI, no verdict', () => {
    const row = complianceRow(baseSlo(), range, { good: 0, total: 0 }, { page: 0, ticket: 0 });
    expect([row.sli, row.objectiveMet, row.budgetConsumedRatio, row.budgetRemainingRatio]).toEqual([null, null, null, null]);
  });
});
