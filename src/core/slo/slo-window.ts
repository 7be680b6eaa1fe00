/**
 * The period an SLO is judged over: a rolling window (`30d`: always the last 30 days) or a
 * calendar period (the current month or ISO week in an IANA time zone, restarting at local
 * midnight on the 1st or on Monday). Window membership follows DESIGN.md: at time t the window
 * holds the buckets whose end lies in (start, t].
 */
import { DateTime, IANAZone } from 'luxon';
import { formatDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';

export const calendarUnits = ['month', 'week'] as const;
export type CalendarUnit = (typeof calendarUnits)[number];

export type SloWindow =
  | { kind: 'rolling'; durationMs: number }
  | { kind: 'calendar'; unit: CalendarUnit; timeZone: string };

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
export const minimumRollingWindowMs = hourMs;
export const maximumRollingWindowMs = 90 * dayMs;
/** The longest a calendar period can be (31 days plus a DST hour); sizes the hour ring. */
export const longestCalendarPeriodMs = 31 * dayMs + hourMs;

/** The window's position at one evaluation time. */
export interface WindowPeriod {
  /** Exclusive start: buckets ending after this time count. Rolling: t - duration. */
  startMs: number;
  /** The evaluation time t (inclusive end). */
  atMs: number;
  /** Full length of the window in ms: the duration, or this month's or week's real length. */
  lengthMs: number;
  /** How much of the window has passed at t: the duration for rolling windows. */
  elapsedMs: number;
  /** When the period ends: t for rolling windows, the next 1st or Monday for calendar ones. */
  endMs: number;
}

/** Problems with a window, with `field` relative to the window (`''` or `time_zone`). */
export function validateSloWindow(window: SloWindow): FieldProblem[] {
  if (window.kind === 'calendar') {
    return IANAZone.isValidZone(window.timeZone) ? [] : [{ field: 'time_zone', message: `unknown time zone '${window.timeZone}' (use an IANA name like Europe/Berlin or UTC)` }];
  }
  const { durationMs } = window;
  if (durationMs < minimumRollingWindowMs || durationMs > maximumRollingWindowMs) {
    return [{ field: '', message: `must be from 1h to 90d, got ${formatDurationMs(durationMs)}` }];
  }
  if (durationMs % minuteMs !== 0) return [{ field: '', message: `must be a whole number of minutes, got ${formatDurationMs(durationMs)}` }];
  return [];
}

/**
 * Where the window stands at `atMs`. A calendar period is the one with start < t <= end, so at
 * exactly midnight on the 1st the month that just ended is still reported, complete.
 */
export function windowPeriod(window: SloWindow, atMs: number): WindowPeriod {
  if (window.kind === 'rolling') {
    return { startMs: atMs - window.durationMs, atMs, lengthMs: window.durationMs, elapsedMs: window.durationMs, endMs: atMs };
  }
  const { startMs, endMs } = calendarPeriod(window, atMs);
  return { startMs, atMs, lengthMs: endMs - startMs, elapsedMs: atMs - startMs, endMs };
}

/** Time-zone arithmetic costs microseconds; a period is reused until t leaves it. */
const lastPeriods = new WeakMap<SloWindow, { startMs: number; endMs: number }>();

function calendarPeriod(window: SloWindow & { kind: 'calendar' }, atMs: number): { startMs: number; endMs: number } {
  const cached = lastPeriods.get(window);
  if (cached !== undefined && cached.startMs < atMs && atMs <= cached.endMs) return cached;
  const start = DateTime.fromMillis(atMs - 1, { zone: window.timeZone }).startOf(window.unit);
  const period = { startMs: start.toMillis(), endMs: start.plus(window.unit === 'month' ? { months: 1 } : { weeks: 1 }).toMillis() };
  lastPeriods.set(window, period);
  return period;
}

/** The longest the window can be, for sizing buffers: the duration, or 31 days (+1h DST). */
export function longestWindowMs(window: SloWindow): number {
  if (window.kind === 'rolling') return window.durationMs;
  return window.unit === 'month' ? longestCalendarPeriodMs : 7 * dayMs + hourMs;
}

/** The shortest the window can be: alert windows must fit in it (a February, a DST week). */
export function shortestWindowMs(window: SloWindow): number {
  if (window.kind === 'rolling') return window.durationMs;
  return window.unit === 'month' ? 28 * dayMs - hourMs : 7 * dayMs - hourMs;
}

/** `30d`, or `calendar month (Europe/Berlin)`, for messages and docs. */
export function describeSloWindow(window: SloWindow): string {
  return window.kind === 'rolling' ? formatDurationMs(window.durationMs) : `calendar ${window.unit} (${window.timeZone})`;
}
