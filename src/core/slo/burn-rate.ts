/**
 * Error ratio and burn rate of one window. Burn rate 1 spends the budget exactly over the SLO
 * window; 14.4 spends 2% of a 30-day budget in one hour. A window without events has no ratio
 * (null), never 0: silence is not success, and a null window cannot fire an alert.
 */
import { formatDurationMs } from '../duration.js';
import type { WindowCounts } from './sli-count-buffer.js';
import { dayMs, hourMs, minuteMs } from './slo-window.js';

/** The windows every SLO status reports a burn rate for, shortest first. */
export const burnRateWindowsMs: readonly number[] = [5 * minuteMs, 30 * minuteMs, hourMs, 2 * hourMs, 6 * hourMs, dayMs, 3 * dayMs];

/** `5m` ... `3d`, the labels of `burnRateWindowsMs`, computed once. */
export const burnRateWindowLabels: readonly string[] = burnRateWindowsMs.map((ms) => formatDurationMs(ms));

/** The window whose burn rate is "the current burn": budget level and time to exhaustion. */
export const currentBurnWindowMs = hourMs;

/** One window's numbers. `window` is `5m` ... `3d`, or `window` for the whole SLO window. */
export interface WindowBurnRate {
  window: string;
  /** Length in ms; for a calendar window, the part of the period elapsed so far. */
  windowMs: number;
  good: number;
  total: number;
  /** Bad / total, null without events. */
  errorRatio: number | null;
  /** errorRatio / budget ratio, null without events. */
  burnRate: number | null;
}

/** (total - good) / total, or null when total is 0. */
export function errorRatio(counts: WindowCounts): number | null {
  return counts.total > 0 ? Math.max(0, counts.total - counts.good) / counts.total : null;
}

/** good / total, or null when total is 0. */
export function sliRatio(counts: WindowCounts): number | null {
  return counts.total > 0 ? counts.good / counts.total : null;
}

/** How many times faster than "exactly on budget" the window spends: errorRatio / budgetRatio. */
export function burnRate(windowErrorRatio: number | null, budgetRatio: number): number | null {
  return windowErrorRatio === null ? null : windowErrorRatio / budgetRatio;
}

/** The numbers of one window from its counts. */
export function windowBurnRate(window: string, windowMs: number, counts: WindowCounts, budgetRatio: number): WindowBurnRate {
  const ratio = errorRatio(counts);
  return { window, windowMs, good: counts.good, total: counts.total, errorRatio: ratio, burnRate: burnRate(ratio, budgetRatio) };
}

/** `5m`, `1h`, `1d`: the label of a standard window. */
export function windowLabel(windowMs: number): string {
  return formatDurationMs(windowMs);
}
