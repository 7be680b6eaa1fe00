/**
 * The error budget of one SLO at one time. The budget is b = 1 - objective of the window's
 * events (or time slices); in time, b × the window's length: 99.9% over 30 days allows 43.2
 * minutes, over a calendar month 40.3 (February) to 44.6 minutes (31 days).
 *
 * Spent budget counts the window's error ratio over the time it covers: a rolling window always
 * covers its whole length, so consumed = errorRatio / b; a calendar period covers the part
 * elapsed so far, so consumed = errorRatio × elapsed / (b × period length): a month starts with
 * its whole budget and spends it as bad minutes accumulate.
 */
import type { WindowPeriod } from './slo-window.js';
import { minuteMs } from './slo-window.js';

export interface ErrorBudget {
  /** b = 1 - objective, as PromQL computes it. */
  budgetRatio: number;
  /** Allowed bad time over the full window or period, in minutes (b × length). */
  totalMinutes: number;
  /** Share of the budget spent: 0 untouched, 1 exhausted, above 1 overspent. */
  consumedRatio: number;
  /** 1 - consumedRatio; negative when overspent. */
  remainingRatio: number;
  consumedMinutes: number;
  /** totalMinutes - consumedMinutes; negative when overspent. */
  remainingMinutes: number;
  /**
   * When the remaining budget runs out if the current burn rate holds (linear projection:
   * remaining × window length / burn rate); the evaluation time when already exhausted; null
   * when nothing burns, or for a calendar period when the budget outlasts the period.
   */
  exhaustionAtMs: number | null;
}

export interface ErrorBudgetInput {
  budgetRatio: number;
  period: WindowPeriod;
  /** Error ratio over the whole window so far; null without events (nothing spent). */
  windowErrorRatio: number | null;
  /** Burn rate over the current-burn window (1h); null without events there. */
  currentBurnRate: number | null;
  /** Calendar periods end and refill; rolling windows never end. */
  calendar: boolean;
}

/** Minutes rounded to the microminute: strips float noise (43.20000000000004) from answers. */
export function roundMinutes(minutes: number): number {
  return Math.round(minutes * 1e6) / 1e6;
}

/** Allowed bad minutes over a window of `lengthMs`: b × length. */
export function budgetMinutes(budgetRatio: number, lengthMs: number): number {
  return roundMinutes((budgetRatio * lengthMs) / minuteMs);
}

export function errorBudget(input: ErrorBudgetInput): ErrorBudget {
  const { budgetRatio, period } = input;
  const totalMinutes = budgetMinutes(budgetRatio, period.lengthMs);
  const ratio = input.windowErrorRatio ?? 0;
  const spentMinutes = (ratio * period.elapsedMs) / minuteMs;
  // elapsed/length is exactly 1 for rolling windows, so consumed is exactly ratio / b there.
  const consumedRatio = (ratio / budgetRatio) * (period.elapsedMs / period.lengthMs);
  const remainingRatio = 1 - consumedRatio;
  return {
    budgetRatio,
    totalMinutes,
    consumedRatio,
    remainingRatio,
    consumedMinutes: roundMinutes(spentMinutes),
    remainingMinutes: roundMinutes(totalMinutes - spentMinutes),
    exhaustionAtMs: exhaustionAt(remainingRatio, input),
  };
}

function exhaustionAt(remainingRatio: number, input: ErrorBudgetInput): number | null {
  const { period, currentBurnRate } = input;
  if (remainingRatio <= 0) return period.atMs;
  if (currentBurnRate === null || currentBurnRate <= 0) return null;
  const at = Math.round(period.atMs + (remainingRatio * period.lengthMs) / currentBurnRate);
  return input.calendar && at > period.endMs ? null : at;
}
