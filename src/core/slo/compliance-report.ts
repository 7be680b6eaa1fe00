/**
 * SLO compliance over an arbitrary range, for SLA reports: the events of the range, whether the
 * objective was met, how much of the range's error budget was spent, and how often the burn-rate
 * alerts fired. Counts come from stored buckets: whole hours from the 1-hour buckets, the ragged
 * edges from 1-minute buckets while those are kept; an older edge is widened to its whole hour,
 * and the report says which range it really covers.
 */
import { errorBudgetRatio } from './objective.js';
import type { SloSpec } from './slo.js';
import { hourMs, minuteMs } from './slo-window.js';

/** Bucket ranges `(fromMs, toMs]` to sum: hour buckets and minute buckets, by their end times. */
export interface ReportBuckets {
  /** What the report covers: the asked range, widened to whole hours where minutes are gone. */
  fromMs: number;
  toMs: number;
  hours: Array<{ fromMs: number; toMs: number }>;
  minutes: Array<{ fromMs: number; toMs: number }>;
}

/**
 * Splits `(fromMs, toMs]` into whole hours and minute edges. Minute buckets exist for ends after
 * `minutesKeptAfterMs`; an edge before that is widened outward to the hour (from down, to up).
 */
export function reportBuckets(fromMs: number, toMs: number, minutesKeptAfterMs: number): ReportBuckets {
  const floorMinute = (ms: number) => Math.floor(ms / minuteMs) * minuteMs;
  let from = floorMinute(fromMs);
  let to = Math.ceil(toMs / minuteMs) * minuteMs;
  if (from < minutesKeptAfterMs) from = Math.floor(from / hourMs) * hourMs;
  if (to - minuteMs < minutesKeptAfterMs) to = Math.ceil(to / hourMs) * hourMs;
  const firstHourEnd = Math.ceil(from / hourMs) * hourMs;
  const lastHourEnd = Math.floor(to / hourMs) * hourMs;
  if (firstHourEnd >= lastHourEnd) return { fromMs: from, toMs: to, hours: [], minutes: [{ fromMs: from, toMs: to }] };
  const minutes = [
    ...(from < firstHourEnd ? [{ fromMs: from, toMs: firstHourEnd }] : []),
    ...(lastHourEnd < to ? [{ fromMs: lastHourEnd, toMs: to }] : []),
  ];
  return { fromMs: from, toMs: to, hours: [{ fromMs: firstHourEnd, toMs: lastHourEnd }], minutes };
}

/** A kept evaluation, as far as alert counting needs it. */
export interface AlertStatePoint {
  atMs: number;
  page: string;
  ticket: string;
}

/** Times each alert went to firing within the points (the point before the range gives the start state). */
export function alertFirings(start: AlertStatePoint | undefined, points: readonly AlertStatePoint[]): { page: number; ticket: number } {
  const firings = { page: 0, ticket: 0 };
  let previous = { page: start?.page ?? 'resolved', ticket: start?.ticket ?? 'resolved' };
  for (const point of points) {
    if (point.page === 'firing' && previous.page !== 'firing') firings.page += 1;
    if (point.ticket === 'firing' && previous.ticket !== 'firing') firings.ticket += 1;
    previous = { page: point.page, ticket: point.ticket };
  }
  return firings;
}

export interface ComplianceRow {
  slo: string;
  service: string;
  objective: number;
  sliSource: string;
  fromMs: number;
  toMs: number;
  good: number;
  total: number;
  /** good / total; null without events. */
  sli: number | null;
  /** sli >= objective; null without events. */
  objectiveMet: boolean | null;
  /** Bad events the objective allows over the range's events: (1 - objective) * total. */
  budgetEvents: number;
  badEvents: number;
  /** bad / allowed bad; null without events. Above 1 means the budget was overspent. */
  budgetConsumedRatio: number | null;
  budgetRemainingRatio: number | null;
  /** Time-based reading of the same budget: (1 - objective) * range minutes. */
  allowedDowntimeMinutes: number;
  pageAlerts: number;
  ticketAlerts: number;
}

export function complianceRow(spec: SloSpec, covered: { fromMs: number; toMs: number }, counts: { good: number; total: number }, firings: { page: number; ticket: number }): ComplianceRow {
  const budgetRatio = errorBudgetRatio(spec.objectiveRatio);
  const { good, total } = counts;
  const bad = Math.max(0, total - good);
  const budgetEvents = budgetRatio * total;
  // Objectives lie in (0, 1), so events always allow some bad ones.
  const consumed = total === 0 ? null : bad / budgetEvents;
  const sli = total === 0 ? null : good / total;
  return {
    slo: spec.name,
    service: spec.service,
    objective: spec.objectiveRatio,
    sliSource: spec.sli.kind,
    fromMs: covered.fromMs,
    toMs: covered.toMs,
    good,
    total,
    sli,
    // Compared as bad <= allowed bad, the engine's own arithmetic: 999 of 1000 meets 99.9%.
    objectiveMet: total === 0 ? null : bad <= budgetEvents * (1 + 1e-12),
    budgetEvents,
    badEvents: bad,
    budgetConsumedRatio: consumed,
    budgetRemainingRatio: consumed === null ? null : 1 - consumed,
    allowedDowntimeMinutes: (budgetRatio * (covered.toMs - covered.fromMs)) / minuteMs,
    pageAlerts: firings.page,
    ticketAlerts: firings.ticket,
  };
}
