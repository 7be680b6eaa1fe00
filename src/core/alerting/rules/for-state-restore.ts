/**
 * Restoring a rule alert's `for` progress after a restart, with Prometheus' rules (its
 * ALERTS_FOR_STATE series and `RestoreForState`): without it every pending alert would start its
 * `for` again and every firing alert would go back to pending, so a restart could hold a page
 * back by the whole `for` duration.
 *
 * The stored state says when the alert became active and when it was last seen active (the last
 * evaluation before the process went down). Rules:
 * - a rule whose `for` is shorter than the grace period is not restored (it waits its own `for`);
 * - a state last seen longer ago than the outage tolerance is not restored;
 * - an alert that had already waited its whole `for` keeps its original activeAt, so it fires
 *   at the next evaluation;
 * - one that had less than the grace period left gets exactly the grace period from now;
 * - otherwise the downtime is added to activeAt: time spent down does not count as pending.
 */

/** What is kept per rule alert between runs (ms since the epoch). */
export interface StoredForState {
  activeAtMs: number;
  /** The last evaluation at which the alert was pending or firing. */
  lastSeenAtMs: number;
}

export interface ForRestoreSettings {
  /** Prometheus' --rules.alert.for-outage-tolerance; default 1 hour. */
  outageToleranceMs: number;
  /** Prometheus' --rules.alert.for-grace-period; default 10 minutes. */
  gracePeriodMs: number;
}

export const defaultForRestoreSettings: ForRestoreSettings = { outageToleranceMs: 3_600_000, gracePeriodMs: 600_000 };

/** The activeAt to give an alert that is active at `nowMs`, the first evaluation after a restart; null to keep its fresh one. */
export function restoredActiveAtMs(stored: StoredForState, nowMs: number, forMs: number, settings: ForRestoreSettings = defaultForRestoreSettings): number | null {
  if (forMs <= 0 || forMs < settings.gracePeriodMs) return null;
  if (stored.lastSeenAtMs > nowMs || nowMs - stored.lastSeenAtMs > settings.outageToleranceMs) return null;
  const remainingMs = forMs - (stored.lastSeenAtMs - stored.activeAtMs);
  if (remainingMs <= 0) return stored.activeAtMs;
  if (remainingMs < settings.gracePeriodMs) return nowMs + settings.gracePeriodMs - forMs;
  return stored.activeAtMs + (nowMs - stored.lastSeenAtMs);
}
