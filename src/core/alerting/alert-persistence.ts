/**
 * Which alert changes must be stored before the sender is answered (decision 27).
 *
 * Prometheus re-sends every firing alert at each evaluation (at least once a `resend_delay`,
 * 1 minute by default) with an end about four such intervals ahead; nothing but the end and the
 * update time changes. Writing each of those refreshes was the largest cost of the ingest path.
 * A refresh that only moves the end later is written once the stored end is less than half as
 * far ahead as the new one; until then the store keeps the earlier end.
 *
 * What that guarantees: after a crash, an alert whose refresh was not written still fires until
 * the stored end, which is at least half of the time its sender last granted. A sender that
 * re-sends more often than half its end horizon (Prometheus: every minute, four minutes ahead)
 * refreshes it before then, so no alert resolves early because of a deferred write. Everything
 * else is written at once: a new alert, any change of annotations, start, generator URL,
 * source or acknowledgement, an end moved earlier, an end that has passed (a resolve), and a
 * switch between an explicit end and one from the resolve timeout.
 */
import { sameLabelSet } from './label-matcher.js';
import type { Alert } from './alert.js';

/**
 * True when `next` (the alert as the registry now holds it) must be written before answering,
 * given `stored`, the version last written (undefined: never written).
 */
export function mustPersistAlert(stored: Alert | undefined, next: Alert, nowMs: number): boolean {
  if (stored === undefined) return true;
  if (stored === next) return false;
  // The fingerprint stands for the labels (it is their hash), so they need no comparison of their own.
  if (
    next.fingerprint !== stored.fingerprint ||
    next.startsAtMs !== stored.startsAtMs ||
    next.endsAtFromTimeout !== stored.endsAtFromTimeout ||
    next.generatorUrl !== stored.generatorUrl ||
    next.source !== stored.source ||
    next.acknowledgedBy !== stored.acknowledgedBy ||
    next.acknowledgedAtMs !== stored.acknowledgedAtMs ||
    !sameLabelSet(next.annotations, stored.annotations)
  ) {
    return true;
  }
  // An end moved earlier, or reached: the store must not keep the alert firing longer.
  if (next.endsAtMs < stored.endsAtMs || next.endsAtMs <= nowMs) return true;
  if (next.endsAtMs === stored.endsAtMs) return false;
  // Only the end moved later: wait while the stored end is at least half as far ahead.
  return stored.endsAtMs - nowMs < (next.endsAtMs - nowMs) / 2;
}
