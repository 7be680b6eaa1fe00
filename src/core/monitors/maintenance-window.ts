/**
 * Maintenance windows: periods in which monitor results are marked `maintenance` and down
 * events are suppressed. A window is either one-off (a fixed [start, end) interval) or recurring
 * (a cron expression read in an IANA time zone, each occurrence lasting `durationMs`).
 *
 * Which monitors or services a window covers is decided by the engine; this file only answers
 * "is a window open at this instant, and since/until when". Schedules are computed with croner,
 * a pure library (no timers are started: jobs are created paused and without a callback).
 *
 * Daylight-saving time (croner's rules, with `fixedTimeRule: 'no-wildcard'`):
 * - A cron whose second, minute and hour fields have no `*` and no step (`0 2 * * *`,
 *   `30 2,14 * * *`) is a fixed-time schedule. When its local time does not exist (spring
 *   forward), the occurrence starts at the instant the clock jumps (02:00 in Berlin becomes
 *   03:00 CEST); when its local time occurs twice (fall back), it starts once, at the first pass.
 * - Other crons (`0 * * * *`, every hour) are interval schedules: times in the gap are skipped
 *   and times that repeat occur on both passes, like the wall clock itself.
 * - `durationMs` is elapsed time, not wall-clock time: a 2h window starting at 02:00 CEST on the
 *   fall-back day ends at 03:00 CET, two real hours later.
 */
import { Cron } from 'croner';
import type { FieldProblem } from '../errors.js';
import { formatPath, type PathSegment } from '../validation/field-path.js';

/** A one-off window, open from `startMs` (inclusive) to `endMs` (exclusive), ms since the epoch. */
export interface OnceMaintenanceWindow {
  id: string;
  kind: 'once';
  startMs: number;
  endMs: number;
}

/**
 * A recurring window: each occurrence of `cron` (5 fields, or 6 with seconds first, croner
 * syntax) read in `timeZone` (IANA name, e.g. `Europe/Berlin`) opens the window for `durationMs`
 * milliseconds of elapsed time.
 */
export interface RecurringMaintenanceWindow {
  id: string;
  kind: 'recurring';
  cron: string;
  durationMs: number;
  timeZone: string;
}

export type MaintenanceWindow = OnceMaintenanceWindow | RecurringMaintenanceWindow;

/** One opening of a window: from `startedAtMs` (inclusive) to `endsAtMs` (exclusive), ms since the epoch. */
export interface MaintenanceWindowOccurrence {
  window: MaintenanceWindow;
  startedAtMs: number;
  endsAtMs: number;
}

/**
 * Checks a window and names each bad field the way config and API spell it: `id`, `start`,
 * `end`, `cron`, `duration`, `time_zone`, under the optional `at` path (e.g.
 * `['maintenance_windows', 2]`). Returns no problems for a valid window.
 */
export function validateMaintenanceWindow(
  window: MaintenanceWindow,
  at: readonly PathSegment[] = [],
): FieldProblem[] {
  const field = (name: string): string => formatPath([...at, name]);
  const problems: FieldProblem[] = [];
  if (window.id.trim() === '') problems.push({ field: field('id'), message: 'must not be empty' });
  if (window.kind === 'once') {
    if (!Number.isFinite(window.startMs)) problems.push({ field: field('start'), message: 'must be a valid time' });
    if (!Number.isFinite(window.endMs)) problems.push({ field: field('end'), message: 'must be a valid time' });
    else if (Number.isFinite(window.startMs) && window.endMs <= window.startMs) {
      problems.push({ field: field('end'), message: 'must be after start' });
    }
    return problems;
  }
  if (!Number.isFinite(window.durationMs) || window.durationMs <= 0) {
    problems.push({ field: field('duration'), message: 'must be longer than 0s' });
  }
  const timeZoneProblem = checkTimeZone(window.timeZone);
  if (timeZoneProblem !== undefined) problems.push({ field: field('time_zone'), message: timeZoneProblem });
  try {
    // Parsing needs no time zone; a bad zone is already reported above.
    buildSchedule({ ...window, timeZone: 'UTC' });
  } catch (error) {
    problems.push({ field: field('cron'), message: error instanceof Error ? error.message : String(error) });
  }
  return problems;
}

/**
 * The window open at `nowMs` (ms since the epoch), or undefined. A one-off window is open on
 * [startMs, endMs). A recurring window is open when its most recent occurrence at or before
 * `nowMs` started less than `durationMs` ago; overlapping occurrences therefore merge, and
 * `startedAtMs` is the start of the latest one. When several windows are open, the one that
 * stays open longest wins (ties: the first in the list), so suppression lasts until
 * `endsAtMs`. Windows must have passed `validateMaintenanceWindow`; a bad cron or zone throws.
 */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  nowMs: number,
): MaintenanceWindowOccurrence | undefined {
  let best: MaintenanceWindowOccurrence | undefined;
  for (const window of windows) {
    const occurrence = occurrenceAt(window, nowMs);
    if (occurrence !== undefined && (best === undefined || occurrence.endsAtMs > best.endsAtMs)) best = occurrence;
  }
  return best;
}

/**
 * The next window opening strictly after `nowMs` (ms since the epoch), for display ("next
 * maintenance: ..."); the earliest start wins, ties go to the first in the list. An open window
 * is not reported again, only its next occurrence. Undefined when nothing is scheduled.
 */
export function nextWindowStart(
  windows: readonly MaintenanceWindow[],
  nowMs: number,
): MaintenanceWindowOccurrence | undefined {
  let best: MaintenanceWindowOccurrence | undefined;
  for (const window of windows) {
    const occurrence = nextOccurrence(window, nowMs);
    if (occurrence !== undefined && (best === undefined || occurrence.startedAtMs < best.startedAtMs)) best = occurrence;
  }
  return best;
}

function occurrenceAt(window: MaintenanceWindow, nowMs: number): MaintenanceWindowOccurrence | undefined {
  if (window.kind === 'once') {
    return window.startMs <= nowMs && nowMs < window.endMs
      ? { window, startedAtMs: window.startMs, endsAtMs: window.endMs }
      : undefined;
  }
  // croner's previousRuns is strictly before the reference (to the second); +1 ms makes an
  // occurrence exactly at nowMs count, so the start is inclusive.
  const [latest] = scheduleOf(window).previousRuns(1, new Date(nowMs + 1));
  if (latest === undefined) return undefined;
  const startedAtMs = latest.getTime();
  const endsAtMs = startedAtMs + window.durationMs;
  return nowMs < endsAtMs ? { window, startedAtMs, endsAtMs } : undefined;
}

function nextOccurrence(window: MaintenanceWindow, nowMs: number): MaintenanceWindowOccurrence | undefined {
  if (window.kind === 'once') {
    return window.startMs > nowMs ? { window, startedAtMs: window.startMs, endsAtMs: window.endMs } : undefined;
  }
  const next = scheduleOf(window).nextRun(new Date(nowMs));
  if (next === null) return undefined;
  const startedAtMs = next.getTime();
  return { window, startedAtMs, endsAtMs: startedAtMs + window.durationMs };
}

/**
 * Building a Cron costs about 0.2 ms and the scheduler asks before every check, so each window
 * object keeps its own (keyed weakly: a replaced monitor's windows are collected with it).
 */
const schedules = new WeakMap<RecurringMaintenanceWindow, Cron>();

function scheduleOf(window: RecurringMaintenanceWindow): Cron {
  let schedule = schedules.get(window);
  if (schedule === undefined || schedule.getPattern() !== window.cron) {
    schedule = buildSchedule(window);
    schedules.set(window, schedule);
  }
  return schedule;
}

function buildSchedule(window: RecurringMaintenanceWindow): Cron {
  return new Cron(window.cron, {
    timezone: window.timeZone,
    paused: true,
    mode: '5-or-6-parts',
    // Lists and ranges of fixed times (`0 2,14 * * *`) are fixed-time too, as in Vixie cron:
    // with croner's default they would be skipped entirely on the spring-forward day.
    fixedTimeRule: 'no-wildcard',
  });
}

/** Intl throws a RangeError for a zone it does not know; no I/O, the zone data is built in. */
function checkTimeZone(timeZone: string): string | undefined {
  if (timeZone.trim() === '') return 'must be an IANA time zone such as Europe/Berlin';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return `unknown time zone '${timeZone}' (use an IANA name such as Europe/Berlin)`;
    throw error;
  }
}
