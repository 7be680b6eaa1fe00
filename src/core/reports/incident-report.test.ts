import { describe, expect, it } from 'vitest';
import type { Incident } from '../incidents/incident.js';
import { baseIncident } from '../incidents/incident-builders.contract.js';
import { buildIncidentReport, meanTimeBetweenFailures } from './incident-report.js';

const minute = 60_000;
const day = 86_400_000;
const fromMs = Date.UTC(2026, 10, 1);
const toMs = Date.UTC(2026, 11, 1);

/** An incident starting `startDay` days after fromMs, detected 1 min later, acked and resolved after the given minutes from detection. */
function incident(id: string, startDay: number, overrides: Partial<Incident> & { ackMin?: number | null; resolveMin?: number | null } = {}): Incident {
  const { ackMin = 5, resolveMin = 20, ...rest } = overrides;
  const startedAtMs = fromMs + startDay * day;
  const detectedAtMs = startedAtMs + minute;
  return baseIncident({
    id,
    startedAtMs,
    detectedAtMs,
    acknowledgedAtMs: ackMin === null ? null : detectedAtMs + ackMin * minute,
    resolvedAtMs: resolveMin === null ? null : detectedAtMs + resolveMin * minute,
    status: resolveMin === null ? 'investigating' : 'resolved',
    ...rest,
  });
}

describe('buildIncidentReport', () => {
  const incidents = [
    incident('a', 1, { resolveMin: 10, services: ['checkout'], severity: 'P1' }),
    incident('b', 3, { resolveMin: 40, ackMin: 15, services: ['checkout', 'payments'], severity: 'P2' }),
    incident('c', 12, { resolveMin: null, ackMin: null, services: ['checkout'], severity: 'P2' }),
    incident('d', 20, { resolveMin: 30, services: ['search'], severity: 'P3', reopenCount: 1 }),
    // Started in October, resolved on 1 November: carried over, kept out of the means.
    incident('old', -2, { resolveMin: 3 * 24 * 60, services: ['checkout'] }),
    // Started after the range: ignored.
    incident('late', 31, { services: ['checkout'] }),
  ];
  const report = buildIncidentReport(incidents, { fromMs, toMs, bucket: 'week' });

  it('counts incidents started in the range: open ones excluded from MTTR, reopened and carried-over ones counted', () => {
    expect(report.totals).toEqual({ started: 4, open: 1, resolved: 3, acknowledged: 3, reopened: 1, carriedOver: 1 });
  });

  it('measures MTTA from detection to acknowledgement and MTTR from detection (and from start) to resolution', () => {
    expect(report.timeToAcknowledge).toEqual({ count: 3, meanMs: Math.round((25 / 3) * minute), p50Ms: 5 * minute, p90Ms: 15 * minute });
    expect(report.timeToResolve).toEqual({ count: 3, meanMs: Math.round((80 / 3) * minute), p50Ms: 30 * minute, p90Ms: 40 * minute });
    expect(report.timeToResolveFromStart.meanMs).toBe(Math.round((83 / 3) * minute));
  });

  it('gives MTBF per service from consecutive starts, and null with a reason under two incidents', () => {
    const mtbf = Object.fromEntries(report.byService.map((row) => [row.service, row.timeBetweenFailures]));
    expect(mtbf.checkout).toMatchObject({ incidents: 3, meanMs: 5.5 * day, reason: null });
    expect(mtbf.payments).toMatchObject({ incidents: 1, meanMs: null, reason: 'only one incident of service payments started in the range; MTBF needs at least two' });
    expect(mtbf.search?.meanMs).toBeNull();
    expect(report.timeBetweenFailures.meanMs).toBe(Math.round((19 / 3) * day));
  });

  it('checks the targets: MTTR below 30 min, MTBF above 7 days for every measurable service', () => {
    expect(report.targets.mttr).toEqual({ targetMs: 30 * minute, valueMs: Math.round((80 / 3) * minute), status: 'met' });
    expect(report.targets.mtbf.status).toBe('missed');
    expect(report.targets.mtbf.valueMs).toBe(5.5 * day);
    expect(report.targets.mtbf.services.map((row) => [row.service, row.status])).toEqual([
      ['checkout', 'missed'],
      ['payments', 'no_data'],
      ['search', 'no_data'],
    ]);
  });

  it('counts by severity and by ISO week (1 November 2026 is a Sunday), including empty weeks', () => {
    expect(report.bySeverity.map((row) => [row.severity, row.count, row.open])).toEqual([
      ['P1', 1, 0],
      ['P2', 2, 1],
      ['P3', 1, 0],
    ]);
    expect(report.byPeriod.map((row) => [new Date(row.startMs).toISOString().slice(0, 10), row.count])).toEqual([
      ['2026-10-26', 0],
      ['2026-11-02', 2],
      ['2026-11-09', 1],
      ['2026-11-16', 1],
      ['2026-11-23', 0],
      ['2026-11-30', 0],
    ]);
    expect(report.byPeriod[1]!.bySeverity).toEqual({ P1: 1, P2: 1 });
  });

  it('limits everything to one service when asked', () => {
    const one = buildIncidentReport(incidents, { fromMs, toMs, bucket: 'month', service: 'payments' });
    expect(one.totals.started).toBe(1);
    expect(one.byService.map((row) => row.service)).toEqual(['payments']);
    expect(one.targets.mtbf.status).toBe('no_data');
  });

  it.each([
    ['no incidents at all', [], 0],
    ['only open incidents', [incident('x', 1, { resolveMin: null })], 1],
  ])('reports no data, not NaN, for %s', (_name, input, started) => {
    const empty = buildIncidentReport(input, { fromMs, toMs, bucket: 'month' });
    expect(empty.totals.started).toBe(started);
    expect(empty.timeToResolve.meanMs).toBeNull();
    expect(empty.targets.mttr.status).toBe('no_data');
    expect(JSON.stringify(empty)).not.toContain('NaN');
  });

  it('misses the MTTR target at exactly 30 minutes (the target is strictly below)', () => {
    const slow = buildIncidentReport([incident('s', 1, { resolveMin: 30 })], { fromMs, toMs, bucket: 'day' });
    expect(slow.targets.mttr.status).toBe('missed');
  });

  it('treats a reopened incident that is open again as open, whatever its earlier resolution time', () => {
    const reopened = incident('r', 2, { resolveMin: 10, status: 'investigating', reopenCount: 1 });
    const result = buildIncidentReport([reopened], { fromMs, toMs, bucket: 'month' });
    expect(result.totals).toMatchObject({ open: 1, resolved: 0, reopened: 1 });
    expect(result.timeToResolve.count).toBe(0);
  });
});

describe('meanTimeBetweenFailures', () => {
  it('meets the 7-day target only above 7 days', () => {
    const spaced = [incident('a', 0), incident('b', 8), incident('c', 16)];
    expect(meanTimeBetweenFailures(spaced, 'x').meanMs).toBe(8 * day);
    const report = buildIncidentReport(spaced, { fromMs, toMs, bucket: 'month' });
    expect(report.targets.mtbf.status).toBe('met');
  });
});
