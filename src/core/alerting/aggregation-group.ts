/**
 * When an aggregation group flushes, as Alertmanager's aggrGroup decides it (dispatch.go), as
 * pure functions of `now` (ms since the epoch):
 * - a new group first flushes `group_wait` after it was created, so alerts that arrive together
 *   go out together;
 * - before that first flush, an alert that started more than `group_wait` ago makes the group
 *   flush at once (it has waited long enough; this is what happens after a restart or reload);
 * - after each flush the next one is `group_interval` later; alerts that arrive in between wait
 *   for it. Repeats (`repeat_interval`) are decided at these flushes by the dedup decision.
 */
import { isAlertResolved, type Alert } from './alert.js';

export interface GroupTiming {
  createdAtMs: number;
  /** When the group flushes next. */
  nextFlushAtMs: number;
  /** The `now` of the last flush; null before the first. */
  lastFlushAtMs: number | null;
  /** Flushes so far. */
  flushCount: number;
}

/** A group created at `nowMs`. */
export function newGroupTiming(nowMs: number, groupWaitMs: number): GroupTiming {
  return { createdAtMs: nowMs, nextFlushAtMs: nowMs + groupWaitMs, lastFlushAtMs: null, flushCount: 0 };
}

/** The timing after an alert that started at `alertStartsAtMs` joined the group at `nowMs`. */
export function timingAfterInsert(timing: GroupTiming, alertStartsAtMs: number, groupWaitMs: number, nowMs: number): GroupTiming {
  if (timing.flushCount > 0 || timing.nextFlushAtMs <= nowMs) return timing;
  if (alertStartsAtMs + groupWaitMs < nowMs) return { ...timing, nextFlushAtMs: nowMs };
  return timing;
}

/** The timing after a flush whose `now` was `nowMs`. */
export function timingAfterFlush(timing: GroupTiming, nowMs: number, groupIntervalMs: number): GroupTiming {
  return { ...timing, nextFlushAtMs: nowMs + groupIntervalMs, lastFlushAtMs: nowMs, flushCount: timing.flushCount + 1 };
}

/** The group's alerts split by their state at `nowMs` (one `now` per flush). */
export function partitionAlerts<T extends Pick<Alert, 'endsAtMs'>>(alerts: Iterable<T>, nowMs: number): { firing: T[]; resolved: T[] } {
  const firing: T[] = [];
  const resolved: T[] = [];
  for (const alert of alerts) (isAlertResolved(alert, nowMs) ? resolved : firing).push(alert);
  return { firing, resolved };
}
