/**
 * One evaluation of one SLO at time t: the SLI over the window, the burn rate over every
 * standard window, the error budget, its level and policy, and the alert states with their
 * transitions. The server's evaluator loop and `sre-monitor slo replay` both call this, so
 * replayed alerts are the alerts the server would have sent.
 */
import { activeBurnRateConditions, alertSeverities, type AlertSeverity } from './burn-rate-alerting.js';
import { budgetLevel, budgetPolicy, defaultBurnRateThresholds, type BudgetLevel, type BudgetPolicy, type BurnRateThresholds } from './budget-policy.js';
import { burnRateWindowLabels, burnRateWindowsMs, currentBurnWindowMs, errorRatio, sliRatio, windowBurnRate, type WindowBurnRate } from './burn-rate.js';
import { errorBudget, type ErrorBudget } from './error-budget.js';
import { errorBudgetRatio } from './objective.js';
import type { WindowCounts } from './sli-count-buffer.js';
import { initialAlertStatus, nextAlertStatus, type SloAlertStatus, type SloAlertTransition } from './slo-alert-state.js';
import type { WindowSums } from './slo-counts.js';
import type { Budgeting, SloSpec } from './slo.js';
import { windowPeriod, type WindowPeriod } from './slo-window.js';

export type SloAlertStatuses = Record<AlertSeverity, SloAlertStatus>;

export interface SloStatus {
  slo: string;
  service: string;
  /** Evaluation time, ms since the epoch. */
  atMs: number;
  objectiveRatio: number;
  budgeting: Budgeting['kind'];
  /** Where the window stands: (startMs, atMs], full length, elapsed part. */
  window: WindowPeriod;
  /** Over the whole window, in budgeting units (events, or time slices). */
  sli: { good: number; total: number; ratio: number | null };
  /** 5m, 30m, 1h, 2h, 6h, 1d, 3d, then `window` (the whole SLO window). */
  burnRates: WindowBurnRate[];
  errorBudget: ErrorBudget;
  /** Grade of the current (1h) burn rate. */
  level: BudgetLevel;
  policy: BudgetPolicy;
  alerts: SloAlertStatuses;
  /** Alert state changes at this evaluation, page before ticket. */
  transitions: SloAlertTransition[];
}

export interface EvaluateSloOptions {
  /** Alert states after the previous evaluation; all resolved when omitted. */
  previousAlerts?: SloAlertStatuses;
  burnRateThresholds?: BurnRateThresholds;
}

/** All severities resolved: the state before the first evaluation. */
export function initialAlertStatuses(): SloAlertStatuses {
  return { page: initialAlertStatus('page'), ticket: initialAlertStatus('ticket') };
}

/**
 * Evaluates `spec` at `atMs` from `sums` (already advanced to `atMs`). Pure apart from reading
 * `sums`; the caller keeps `status.alerts` for the next call.
 */
export function evaluateSlo(spec: SloSpec, sums: WindowSums, atMs: number, options: EvaluateSloOptions = {}): SloStatus {
  const budgetRatio = errorBudgetRatio(spec.objectiveRatio);
  // Each window is summed once: the standard ones first, alert windows mostly reuse them.
  const windows: number[] = [];
  const counted: WindowCounts[] = [];
  const countsOver = (windowMs: number): WindowCounts => {
    const index = windows.indexOf(windowMs);
    if (index >= 0) return counted[index]!;
    const counts = sums.sum(atMs - windowMs, atMs);
    windows.push(windowMs);
    counted.push(counts);
    return counts;
  };

  const period = windowPeriod(spec.window, atMs);
  const whole = sums.sum(period.startMs, atMs);
  const burnRates: WindowBurnRate[] = [];
  let current: number | null = null;
  for (let index = 0; index < burnRateWindowsMs.length; index++) {
    const windowMs = burnRateWindowsMs[index]!;
    const entry = windowBurnRate(burnRateWindowLabels[index]!, windowMs, countsOver(windowMs), budgetRatio);
    if (windowMs === currentBurnWindowMs) current = entry.burnRate;
    burnRates.push(entry);
  }
  const wholeBurn = windowBurnRate('window', period.elapsedMs, whole, budgetRatio);
  burnRates.push(wholeBurn);
  const budget = errorBudget({ budgetRatio, period, windowErrorRatio: wholeBurn.errorRatio, currentBurnRate: current, calendar: spec.window.kind === 'calendar' });

  const previous = options.previousAlerts ?? initialAlertStatuses();
  const ratioOf = (windowMs: number): number | null => errorRatio(countsOver(windowMs));
  const alerts = { ...previous };
  const transitions: SloAlertTransition[] = [];
  for (const severity of alertSeverities) {
    const conditions = spec.alerting === null ? [] : activeBurnRateConditions(spec.alerting[severity], ratioOf, budgetRatio);
    const next = nextAlertStatus(previous[severity], conditions, atMs);
    alerts[severity] = next.status;
    if (next.transition !== null) transitions.push(next.transition);
  }

  return {
    slo: spec.name,
    service: spec.service,
    atMs,
    objectiveRatio: spec.objectiveRatio,
    budgeting: spec.budgeting.kind,
    window: period,
    sli: { good: whole.good, total: whole.total, ratio: sliRatio(whole) },
    burnRates,
    errorBudget: budget,
    level: budgetLevel(current, options.burnRateThresholds ?? defaultBurnRateThresholds),
    policy: budgetPolicy(budget.remainingRatio),
    alerts,
    transitions,
  };
}
