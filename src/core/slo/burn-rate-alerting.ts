/**
 * Multi-window, multi-burn-rate alerting as data (Google SRE workbook, chapter 5; Sloth's
 * defaults). An alert of a severity is active when any of its conditions holds; a condition
 * holds when the error ratio over both its long and its short window is strictly above
 * `factor × budget`. The short window makes the alert resolve soon after the burn stops.
 * Comparing ratios (not burn rates) with `factor * (1 - objective)` is exactly the PromQL rule
 * `ratio_rate1h > 14.4 * (1 - 0.999)`, so a ratio at the threshold fires in neither.
 */
import { formatDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';
import { dayMs, describeSloWindow, hourMs, minuteMs, shortestWindowMs, type SloWindow } from './slo-window.js';

export const alertSeverities = ['page', 'ticket'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** One (long window, short window, factor) row of a table. */
export interface BurnRateCondition {
  longWindowMs: number;
  shortWindowMs: number;
  /** Burn-rate multiple of the budget both windows must exceed. */
  factor: number;
}

/** Conditions per severity; an empty list turns that severity off. */
export type BurnRateAlerting = Record<AlertSeverity, BurnRateCondition[]>;

/** page: 2% of a 30-day budget in 1h or 5% in 6h; ticket: 10% in 1d or 10% in 3d. */
export const defaultBurnRateAlerting: BurnRateAlerting = {
  page: [
    { longWindowMs: hourMs, shortWindowMs: 5 * minuteMs, factor: 14.4 },
    { longWindowMs: 6 * hourMs, shortWindowMs: 30 * minuteMs, factor: 6 },
  ],
  ticket: [
    { longWindowMs: dayMs, shortWindowMs: 2 * hourMs, factor: 3 },
    { longWindowMs: 3 * dayMs, shortWindowMs: 6 * hourMs, factor: 1 },
  ],
};

/** Alert windows are kept at minute resolution, so their length is bounded (memory per SLO). */
export const maximumAlertWindowMs = 7 * dayMs;
export const maximumConditionsPerSeverity = 10;

/**
 * Problems with a table for an SLO window, fields as written (`page[0].long`). Every window is
 * whole minutes, short < long, long <= 7d and no longer than the shortest the SLO window can be.
 */
export function validateBurnRateAlerting(alerting: BurnRateAlerting, window: SloWindow): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const sloWindowMs = shortestWindowMs(window);
  for (const severity of alertSeverities) {
    const conditions = alerting[severity];
    if (conditions.length > maximumConditionsPerSeverity) {
      problems.push({ field: severity, message: `has ${conditions.length} conditions; at most ${maximumConditionsPerSeverity}` });
    }
    conditions.forEach((condition, index) => {
      const at = (name: string): string => `${severity}[${index}].${name}`;
      for (const [name, ms] of [['long', condition.longWindowMs], ['short', condition.shortWindowMs]] as const) {
        if (!(ms >= minuteMs) || ms % minuteMs !== 0) problems.push({ field: at(name), message: `must be a whole number of minutes, at least 1m, got ${formatDurationMs(ms)}` });
      }
      if (condition.shortWindowMs >= condition.longWindowMs) {
        problems.push({ field: at('short'), message: `must be shorter than the long window (${formatDurationMs(condition.longWindowMs)})` });
      }
      if (condition.longWindowMs > maximumAlertWindowMs) {
        problems.push({ field: at('long'), message: `must be at most ${formatDurationMs(maximumAlertWindowMs)}, got ${formatDurationMs(condition.longWindowMs)}` });
      } else if (condition.longWindowMs > sloWindowMs) {
        problems.push({
          field: at('long'),
          message: `${formatDurationMs(condition.longWindowMs)} is longer than the SLO window (${describeSloWindow(window)}); use shorter alert windows or a longer SLO window`,
        });
      }
      if (!Number.isFinite(condition.factor) || condition.factor <= 0) {
        problems.push({ field: at('factor'), message: `must be a number above 0, got ${String(condition.factor)}` });
      }
    });
  }
  return problems;
}

/** Every distinct window a table reads, shortest first. */
export function alertWindowsMs(alerting: BurnRateAlerting | null): number[] {
  if (alerting === null) return [];
  const windows = new Set<number>();
  for (const severity of alertSeverities) {
    for (const condition of alerting[severity]) {
      windows.add(condition.longWindowMs);
      windows.add(condition.shortWindowMs);
    }
  }
  return [...windows].sort((a, b) => a - b);
}

/** The longest window a table reads (0 for none). */
export function longestAlertWindowMs(alerting: BurnRateAlerting | null): number {
  return alertWindowsMs(alerting).at(-1) ?? 0;
}

/** Whether one condition holds: both error ratios strictly above factor × budget; null never holds. */
export function burnRateConditionHolds(condition: BurnRateCondition, errorRatioOf: (windowMs: number) => number | null, budgetRatio: number): boolean {
  const threshold = condition.factor * budgetRatio;
  const long = errorRatioOf(condition.longWindowMs);
  if (long === null || !(long > threshold)) return false;
  const short = errorRatioOf(condition.shortWindowMs);
  return short !== null && short > threshold;
}

/** The conditions of one severity that hold now (empty: the alert is not active). */
export function activeBurnRateConditions(conditions: readonly BurnRateCondition[], errorRatioOf: (windowMs: number) => number | null, budgetRatio: number): BurnRateCondition[] {
  return conditions.filter((condition) => burnRateConditionHolds(condition, errorRatioOf, budgetRatio));
}

/** `1h/5m > 14.4x`, for logs and event payloads. */
export function describeBurnRateCondition(condition: BurnRateCondition): string {
  return `${formatDurationMs(condition.longWindowMs)}/${formatDurationMs(condition.shortWindowMs)} > ${condition.factor}x`;
}
