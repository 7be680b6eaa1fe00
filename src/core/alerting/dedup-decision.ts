/**
 * Whether an integration must be told about an aggregation group again: Alertmanager's
 * DedupStage (`needsUpdate` in notify/notify.go) as a pure function that says why, plus two
 * sre-monitor rules on top:
 * - the dedup window (seed 000/001: 5 minutes): the same set of firing fingerprints is notified
 *   once inside the window, so an alert that flaps (fires, resolves, fires again) within it, or a
 *   repeat_interval shorter than it, does not page again;
 * - acknowledgement: once every firing alert of the group is acknowledged, one notification
 *   says so (PagerDuty `acknowledge`) and repeats stop until something new fires. The
 *   integration has heard of the acknowledgement when its log entry is newer than the latest
 *   acknowledgement (any notification built after it says `acknowledged`), so this holds
 *   across restarts without extra state.
 *
 * Alertmanager compares the log entry's timestamp with `now - repeat_interval` strictly; here the
 * entry's time is the flush's `now`, and a repeat is due once `now - sentAt >= repeat_interval`,
 * so a repeat_interval that is a multiple of group_interval repeats exactly on time.
 */

/** What the integration was last told (the notification log entry). */
export interface NotifiedState {
  firingFingerprints: readonly string[];
  resolvedFingerprints: readonly string[];
  /** The `now` of the flush that sent it, ms since the epoch. */
  sentAtMs: number;
}

/** Reasons to notify: first, new_firing, resolved, repeat_elapsed, acknowledged. Reasons not to: none, dedup_window. */
export type DedupReason = 'first' | 'new_firing' | 'resolved' | 'repeat_elapsed' | 'acknowledged' | 'none' | 'dedup_window';

export interface DedupInput {
  entry: NotifiedState | undefined;
  /** Fingerprints of the group's alerts firing at `nowMs` (after muting). */
  firing: ReadonlySet<string>;
  /** Fingerprints of the group's alerts resolved at `nowMs` (after muting). */
  resolved: ReadonlySet<string>;
  repeatIntervalMs: number;
  nowMs: number;
  /** The integration's `send_resolved`. */
  sendResolved: boolean;
  /** sre-monitor's dedup window; 0 turns it off. */
  dedupWindowMs?: number;
  /**
   * The last notification that carried firing alerts, when it is newer than `entry` (the entry
   * is used when this is absent and it had firing alerts).
   */
  lastFiring?: { fingerprints: readonly string[]; sentAtMs: number };
  /** Every firing alert is acknowledged. */
  acknowledged?: boolean;
  /** The latest `acknowledgedAtMs` among the firing alerts (when `acknowledged`). */
  lastAcknowledgedAtMs?: number;
}

/** Default dedup window: 5 minutes (seed 000). */
export const defaultDedupWindowMs = 5 * 60_000;

function isSubset(items: ReadonlySet<string>, of: readonly string[]): boolean {
  if (items.size === 0) return true;
  const known = new Set(of);
  for (const item of items) if (!known.has(item)) return false;
  return true;
}

function sameSet(items: ReadonlySet<string>, other: readonly string[]): boolean {
  return items.size === new Set(other).size && isSubset(items, other);
}

/** Alertmanager's decision, plus acknowledgement. */
function alertmanagerReason(input: DedupInput): DedupReason {
  const { entry, firing, resolved } = input;
  if (entry === undefined) return firing.size > 0 ? 'first' : 'none';
  if (!isSubset(firing, entry.firingFingerprints)) return 'new_firing';
  // All resolved: tell the integration (whatever send_resolved says, so the log forgets the
  // firing alerts) unless it never heard of them.
  if (firing.size === 0) return entry.firingFingerprints.length > 0 ? 'resolved' : 'none';
  if (input.sendResolved && !isSubset(resolved, entry.resolvedFingerprints)) return 'resolved';
  if (input.acknowledged === true) return entry.sentAtMs > (input.lastAcknowledgedAtMs ?? Infinity) ? 'none' : 'acknowledged';
  return input.nowMs - entry.sentAtMs >= input.repeatIntervalMs ? 'repeat_elapsed' : 'none';
}

/** Why (or why not) to notify the integration at `nowMs`. */
export function needsUpdate(input: DedupInput): DedupReason {
  const reason = alertmanagerReason(input);
  if (reason !== 'first' && reason !== 'new_firing' && reason !== 'repeat_elapsed') return reason;
  const windowMs = input.dedupWindowMs ?? 0;
  const entry = input.entry;
  const recent = input.lastFiring ?? (entry !== undefined && entry.firingFingerprints.length > 0 ? { fingerprints: entry.firingFingerprints, sentAtMs: entry.sentAtMs } : undefined);
  if (windowMs > 0 && recent !== undefined && input.nowMs - recent.sentAtMs < windowMs && sameSet(input.firing, recent.fingerprints)) return 'dedup_window';
  return reason;
}

/** True for the reasons that send a notification. */
export function shouldNotify(reason: DedupReason): boolean {
  return reason !== 'none' && reason !== 'dedup_window';
}
