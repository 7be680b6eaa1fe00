/**
 * Silences as Alertmanager's API manages them (silence/silence.go): create, update, expire,
 * list. A silence needs matchers (at least one that does not match the empty string, so it can
 * never silence everything), an end after its start and in the future, a creator and a comment;
 * a start in the past becomes now. Updating keeps the id when Alertmanager would (same matchers;
 * an active silence keeps its start), otherwise the old silence is expired and a new one is
 * created with a new id, so the history of what was muted stays true. Each change is stored
 * before it is published (`silence.created` / `silence.updated` / `silence.expired`); a timer
 * announces silences that expire on their own. The dispatcher reads `current()` at each flush.
 */
import { randomUUID } from 'node:crypto';
import { formatMatcher, matcherMatchesValue, type LabelMatcher } from '../../core/alerting/label-matcher.js';
import { labelNamePattern } from '../../core/alerting/config-reader.js';
import { silenceState, type Silence, type SilenceState } from '../../core/alerting/silence.js';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../../core/errors.js';
import type { SilenceEvent } from '../../core/events/domain-events.js';
import type { SilenceRepository } from '../../adapters/store/alerting-repositories.js';
import type { EventBus } from '../event-bus.js';
import type { TimerHandle, Timers } from '../timers.js';

export interface SilenceInput {
  matchers: LabelMatcher[];
  /** Defaults to now; a time in the past becomes now. */
  startsAtMs?: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
}

export interface SilenceListFilter {
  state?: SilenceState;
  /**
   * As Alertmanager's `GET /api/v2/silences?filter=`: every filter matcher names a label the
   * silence has a matcher for, and matches that matcher's value.
   */
  matchers?: readonly LabelMatcher[];
}

export type SilenceChangeListener = (silence: Silence) => void;

export interface SilenceService {
  /** Loads the stored silences (start-up). */
  load(): Promise<void>;
  create(input: SilenceInput): Promise<Silence>;
  /** Alertmanager's update: the same id when possible, else the old one expires and a new one is returned. */
  update(id: string, input: SilenceInput): Promise<Silence>;
  /** Ends a pending or active silence now; ConflictError when it already expired. */
  expire(id: string): Promise<Silence>;
  get(id: string): Silence | undefined;
  /** Silences with their state at now, newest start first. */
  list(filter?: SilenceListFilter): Array<Silence & { state: SilenceState }>;
  /** Pending and active silences: what the dispatcher checks alerts against. */
  current(): readonly Silence[];
  onChange(listener: SilenceChangeListener): () => void;
  /** Announces silences that expired by time; `start` schedules it at each next end. */
  start(): void;
  stop(): void;
}

export interface SilenceServiceOptions {
  repository: SilenceRepository;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  newId?: () => string;
  /** Expired silences are deleted this long after they ended (Alertmanager's `--data.retention`); default 120 hours. */
  retainExpiredMs?: number;
  onError?: (error: unknown, context: string) => void;
}

/** The `silence.*` event payload. */
export function silenceEvent(silence: Silence): SilenceEvent {
  return {
    id: silence.id,
    matchers: silence.matchers.map(formatMatcher),
    startsAt: new Date(silence.startsAtMs).toISOString(),
    endsAt: new Date(silence.endsAtMs).toISOString(),
    createdBy: silence.createdBy,
    comment: silence.comment,
  };
}

/** Problems with a silence to be stored at `nowMs` (its start already moved to now if past). */
export function checkSilence(input: SilenceInput, startsAtMs: number, nowMs: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.matchers.length === 0) problems.push({ field: 'matchers', message: 'at least one matcher is required' });
  else if (input.matchers.every((matcher) => matcherMatchesValue(matcher, ''))) {
    problems.push({ field: 'matchers', message: 'at least one matcher must not match the empty string (else the silence would mute every alert)' });
  }
  input.matchers.forEach((matcher, index) => {
    if (!labelNamePattern.test(matcher.name)) problems.push({ field: `matchers[${index}].name`, message: `${JSON.stringify(matcher.name)} is not a valid label name` });
  });
  if (!Number.isFinite(input.endsAtMs)) problems.push({ field: 'endsAt', message: 'must be a time' });
  else if (input.endsAtMs <= startsAtMs) problems.push({ field: 'endsAt', message: 'must be after startsAt' });
  else if (input.endsAtMs <= nowMs) problems.push({ field: 'endsAt', message: 'is in the past; a silence must end in the future' });
  if (input.createdBy.trim() === '') problems.push({ field: 'createdBy', message: 'is required (who creates the silence)' });
  if (input.comment.trim() === '') problems.push({ field: 'comment', message: 'is required (why the alerts are silenced)' });
  return problems;
}

function sameMatchers(left: readonly LabelMatcher[], right: readonly LabelMatcher[]): boolean {
  const key = (matchers: readonly LabelMatcher[]) => matchers.map(formatMatcher).sort().join('\n');
  return key(left) === key(right);
}

export function createSilenceService(options: SilenceServiceOptions): SilenceService {
  const { repository, bus, clock, timers } = options;
  const newId = options.newId ?? randomUUID;
  const onError = options.onError ?? (() => undefined);
  const retainExpiredMs = options.retainExpiredMs ?? 120 * 3600_000;
  const silences = new Map<string, Silence>();
  const announcedExpired = new Set<string>();
  const listeners = new Set<SilenceChangeListener>();
  let expiryTimer: TimerHandle | undefined;
  let running = false;

  const changed = (silence: Silence, event: 'silence.created' | 'silence.updated' | 'silence.expired'): void => {
    silences.set(silence.id, silence);
    if (event === 'silence.expired') announcedExpired.add(silence.id);
    bus.publish(event, silenceEvent(silence));
    for (const listener of [...listeners]) {
      try {
        listener(silence);
      } catch (error) {
        onError(error, 'silence change listener');
      }
    }
    scheduleExpiry();
  };

  /** Announces silences that ended by time, and deletes those past the retention. */
  const announceExpired = (): void => {
    const nowMs = clock.nowMs();
    const forgetBeforeMs = nowMs - retainExpiredMs;
    let forgotten = 0;
    for (const silence of silences.values()) {
      if (!announcedExpired.has(silence.id) && silenceState(silence, nowMs) === 'expired') changed(silence, 'silence.expired');
      if (silence.endsAtMs < forgetBeforeMs) {
        silences.delete(silence.id);
        announcedExpired.delete(silence.id);
        forgotten += 1;
      }
    }
    if (forgotten > 0) repository.deleteExpiredBefore(forgetBeforeMs, Math.max(1000, forgotten)).catch((error: unknown) => onError(error, 'silence clean-up'));
  };

  /** Wakes at the next end of a silence, or when the next expired one is due for deletion. */
  function scheduleExpiry(): void {
    expiryTimer?.cancel();
    expiryTimer = undefined;
    if (!running) return;
    let nextWakeMs = Infinity;
    for (const silence of silences.values()) {
      nextWakeMs = Math.min(nextWakeMs, announcedExpired.has(silence.id) ? silence.endsAtMs + retainExpiredMs + 1 : silence.endsAtMs);
    }
    if (nextWakeMs === Infinity) return;
    expiryTimer = timers.after(nextWakeMs - clock.nowMs(), () => {
      expiryTimer = undefined;
      announceExpired();
      scheduleExpiry();
    });
  }

  const checked = (input: SilenceInput, nowMs: number): number => {
    const startsAtMs = Math.max(input.startsAtMs ?? nowMs, nowMs);
    const problems = checkSilence(input, startsAtMs, nowMs);
    if (problems.length > 0) throw new ValidationError(problems);
    return startsAtMs;
  };

  const create = async (input: SilenceInput): Promise<Silence> => {
    const nowMs = clock.nowMs();
    const startsAtMs = checked(input, nowMs);
    const silence: Silence = { id: newId(), matchers: [...input.matchers], startsAtMs, endsAtMs: input.endsAtMs, createdBy: input.createdBy, comment: input.comment, updatedAtMs: nowMs };
    await repository.upsert(silence);
    changed(silence, 'silence.created');
    return silence;
  };

  const expireNow = async (silence: Silence, nowMs: number): Promise<Silence> => {
    const state = silenceState(silence, nowMs);
    if (state === 'expired') throw new ConflictError(`silence '${silence.id}' has already expired`);
    const expired = { ...silence, startsAtMs: state === 'pending' ? nowMs : silence.startsAtMs, endsAtMs: nowMs, updatedAtMs: nowMs };
    await repository.upsert(expired);
    changed(expired, 'silence.expired');
    return expired;
  };

  /**
   * Alertmanager's `canUpdate`: the same matchers; an active silence keeps its start (an absent
   * start means unchanged) and must not end in the past; a pending one must not start in the past.
   */
  const inPlaceStart = (previous: Silence, input: SilenceInput, nowMs: number): number | undefined => {
    if (!sameMatchers(previous.matchers, input.matchers)) return undefined;
    const state = silenceState(previous, nowMs);
    const startsAtMs = input.startsAtMs ?? previous.startsAtMs;
    if (state === 'active') return startsAtMs === previous.startsAtMs ? startsAtMs : undefined;
    if (state === 'pending') return startsAtMs >= nowMs ? startsAtMs : undefined;
    return undefined;
  };

  const filterMatches = (silence: Silence, matchers: readonly LabelMatcher[]): boolean => {
    const values = new Map(silence.matchers.map((matcher) => [matcher.name, matcher.value]));
    return matchers.every((matcher) => {
      const value = values.get(matcher.name);
      return value !== undefined && matcherMatchesValue(matcher, value);
    });
  };

  return {
    async load() {
      const nowMs = clock.nowMs();
      for (const silence of await repository.all()) {
        silences.set(silence.id, silence);
        if (silenceState(silence, nowMs) === 'expired') announcedExpired.add(silence.id);
      }
      scheduleExpiry();
    },
    create,
    async update(id, input) {
      const previous = silences.get(id);
      if (previous === undefined) throw new NotFoundError('silence', id);
      const nowMs = clock.nowMs();
      const startsAtMs = inPlaceStart(previous, input, nowMs);
      if (startsAtMs !== undefined) {
        const problems = checkSilence(input, startsAtMs, nowMs);
        if (problems.length > 0) throw new ValidationError(problems);
        const updated: Silence = { ...previous, startsAtMs, endsAtMs: input.endsAtMs, createdBy: input.createdBy, comment: input.comment, updatedAtMs: nowMs };
        await repository.upsert(updated);
        changed(updated, 'silence.updated');
        return updated;
      }
      checked(input, nowMs);
      if (silenceState(previous, nowMs) !== 'expired') await expireNow(previous, nowMs);
      return create(input);
    },
    async expire(id) {
      const silence = silences.get(id);
      if (silence === undefined) throw new NotFoundError('silence', id);
      return expireNow(silence, clock.nowMs());
    },
    get: (id) => silences.get(id),
    list(filter = {}) {
      const nowMs = clock.nowMs();
      const out: Array<Silence & { state: SilenceState }> = [];
      for (const silence of silences.values()) {
        const state = silenceState(silence, nowMs);
        if (filter.state !== undefined && state !== filter.state) continue;
        if (filter.matchers !== undefined && !filterMatches(silence, filter.matchers)) continue;
        out.push({ ...silence, state });
      }
      return out.sort((a, b) => b.startsAtMs - a.startsAtMs || (a.id < b.id ? -1 : 1));
    },
    current() {
      const nowMs = clock.nowMs();
      return [...silences.values()].filter((silence) => silence.endsAtMs > nowMs);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    start() {
      running = true;
      announceExpired();
      scheduleExpiry();
    },
    stop() {
      running = false;
      expiryTimer?.cancel();
      expiryTimer = undefined;
    },
  };
}
