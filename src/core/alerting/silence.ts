/**
 * Silences as Alertmanager has them: matchers plus a time range, a creator and a comment. A
 * silence mutes every alert whose labels all its matchers match while it is active
 * (`startsAt <= now < endsAt`). Expiring a silence sets its end to now; it is kept (expired) so
 * the API can still show it. Times are milliseconds since the Unix epoch.
 */
import { matchersMatch, type LabelMatcher, type LabelSet } from './label-matcher.js';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  /** UUID, as Alertmanager's API gives it. */
  id: string;
  matchers: LabelMatcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  updatedAtMs: number;
}

export function silenceState(silence: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): SilenceState {
  if (nowMs >= silence.endsAtMs) return 'expired';
  if (nowMs < silence.startsAtMs) return 'pending';
  return 'active';
}

/** The ids of the active silences that mute an alert with `labels`, in the order given. */
export function silencesMuting(silences: readonly Silence[], labels: LabelSet, nowMs: number): string[] {
  return silences.filter((silence) => silenceState(silence, nowMs) === 'active' && matchersMatch(silence.matchers, labels)).map((silence) => silence.id);
}
