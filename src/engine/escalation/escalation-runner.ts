/**
 * src/engine/escalation: runs escalation policies for any subject, an alert group (issue 6) or
 * an incident (issue 7), with an injected Clock and Timers. One timer for all escalations, set
 * to the earliest due level; each tick reads the clock once and fires every level due at that
 * instant (a level due at minute 15 fires at minute 15, never a millisecond before). States are
 * written through `EscalationStateRepository` so a restart resumes them: levels that fell due
 * while the process was down fire once when `restore()` runs.
 *
 * Delivery is at-least-once: a state is saved before its first level fires, and again after each
 * tick's notifications. A crash between notifying and saving fires that level again on restart,
 * with the same `idempotencyKey`; pass it on as the outbox key and receivers see it once.
 */
import type { Clock } from '../../core/clock.js';
import { NotFoundError } from '../../core/errors.js';
import { describeTarget, type EscalationPolicy, type EscalationTarget } from '../../core/escalation/escalation-policy.js';
import {
  acknowledgeEscalation,
  advanceEscalation,
  escalationDueAtMs,
  resolveEscalation,
  startEscalation,
  type AcknowledgeOutcome,
  type EscalationFiring,
  type EscalationState,
  type EscalationSubject,
  type ResolveOutcome,
} from '../../core/escalation/escalation-state.js';
import type { Timers, TimerHandle } from '../timers.js';

/** What the runner keeps per subject: the pure state plus what the caller wants back in `notify`. */
export interface EscalationRecord<TContext> {
  state: EscalationState;
  /** Whatever `start` was given (group labels, incident title ...); stored, so it must be JSON. */
  context: TContext;
}

/**
 * Where escalation states outlive the process. The lead backs it with the store; until then
 * the runner without one keeps states in memory only (lost on restart).
 */
export interface EscalationStateRepository<TContext> {
  /** Inserts or replaces the record of `record.state.subject`; resolves once durable. */
  save(record: EscalationRecord<TContext>): Promise<void>;
  all(): Promise<Array<EscalationRecord<TContext>>>;
  delete(subject: EscalationSubject): Promise<void>;
}

/** The level being notified, as `notify` gets it. */
export interface EscalationStep extends Omit<EscalationFiring, 'targets'> {
  policy: string;
  /** Stable for this subject, start, round, level and target: use it as the outbox idempotency key. */
  idempotencyKey: string;
}

export interface EscalationRunnerOptions<TContext> {
  clock: Clock;
  timers: Timers;
  policies: readonly EscalationPolicy[];
  /** Hands one target of a level that fell due to delivery (the outbox); a rejection is reported, the chain goes on. */
  notify(target: EscalationTarget, subject: EscalationSubject, step: EscalationStep, context: TContext): Promise<void>;
  store?: EscalationStateRepository<TContext>;
  /**
   * Called once per level that fired, before its targets are notified: one timeline entry or
   * bus event per level ("escalated to level 2: pagerduty, schedule primary"), not per target.
   */
  onFired?(subject: EscalationSubject, firing: EscalationFiring & { policy: string }, context: TContext): void;
  /** Failures the runner survives: a notify that rejected, a save that failed inside a tick (subject null: the tick itself). */
  onError?(error: unknown, subject: EscalationSubject | null): void;
}

/** One held escalation as the API shows it. */
export interface EscalationView<TContext> extends EscalationState {
  context: TContext;
  /** When the next level fires (ms since the epoch); null once acknowledged or exhausted. */
  nextDueAtMs: number | null;
}

export interface EscalationRunner<TContext> {
  /** Loads saved states (call once before use) and fires what fell due meanwhile; lists escalations stopped because their policy is gone. */
  restore(): Promise<{ restored: number; stopped: EscalationSubject[] }>;
  /** Starts escalating `subject` (a level with after 0 fires before this resolves); a subject already held is left as it is. */
  start(subject: EscalationSubject, policyName: string, context: TContext): Promise<{ started: boolean; state: EscalationState }>;
  /** Stops further levels; undefined when the subject has no escalation. */
  acknowledge(subject: EscalationSubject, actor: string): Promise<{ state: EscalationState; outcome: AcknowledgeOutcome } | undefined>;
  /** Stops and forgets the escalation (the subject ended); undefined when it had none. */
  resolve(subject: EscalationSubject): Promise<{ state: EscalationState; outcome: ResolveOutcome } | undefined>;
  /** Held escalations (active, exhausted, acknowledged), oldest first. */
  active(): Array<EscalationView<TContext>>;
  get(subject: EscalationSubject): EscalationView<TContext> | undefined;
  /**
   * New policies (config reload): running escalations keep their start and fired levels and
   * follow the new timing, firing at once what is now overdue; those whose policy is gone stop.
   */
  reconfigure(policies: readonly EscalationPolicy[]): Promise<{ stopped: EscalationSubject[] }>;
  /** Cancels the timer and waits for a running tick; nothing fires afterwards. */
  stop(): Promise<void>;
}

const subjectKey = (subject: EscalationSubject) => `${subject.kind}\u0000${subject.id}`;

/** Builds a runner; only src/app.ts should call this. */
export function createEscalationRunner<TContext>(options: EscalationRunnerOptions<TContext>): EscalationRunner<TContext> {
  const { clock, timers, store } = options;
  const records = new Map<string, EscalationRecord<TContext>>();
  let policies = byName(options.policies);
  let timer: TimerHandle | null = null;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it: ticks, starts and acknowledgements never interleave. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  const report = (error: unknown, subject: EscalationSubject | null) => options.onError?.(error, subject);

  // Store first, memory second: a failed write leaves memory as the store has it, and the
  // caller (start, acknowledge, resolve) sees the error.
  const save = async (record: EscalationRecord<TContext>) => {
    await store?.save(record);
    records.set(subjectKey(record.state.subject), record);
  };

  const forget = async (subject: EscalationSubject) => {
    await store?.delete(subject);
    records.delete(subjectKey(subject));
  };

  async function fire(record: EscalationRecord<TContext>, nowMs: number): Promise<void> {
    const policy = policies.get(record.state.policy);
    if (policy === undefined) return;
    const { state, fired } = advanceEscalation(record.state, policy, nowMs);
    if (state === record.state) return;
    const subject = state.subject;
    for (const firing of fired) {
      try {
        options.onFired?.(subject, { ...firing, policy: policy.name }, record.context);
      } catch (error) {
        report(error, subject);
      }
      const { targets, ...timing } = firing;
      for (const target of targets) {
        const step: EscalationStep = { ...timing, policy: policy.name, idempotencyKey: idempotencyKey(state, firing, target) };
        try {
          await options.notify(target, subject, step, record.context);
        } catch (error) {
          report(error, subject);
        }
      }
    }
    const next = { state, context: record.context };
    try {
      await save(next);
    } catch (error) {
      // The levels were notified: remember that in memory, or every tick would notify again.
      records.set(subjectKey(subject), next);
      throw error;
    }
  }

  async function fireAllDue(nowMs: number): Promise<void> {
    for (const record of [...records.values()]) {
      try {
        await fire(record, nowMs);
      } catch (error) {
        report(error, record.state.subject);
      }
    }
  }

  function schedule(): void {
    timer?.cancel();
    timer = null;
    if (stopped) return;
    let earliest: number | null = null;
    for (const record of records.values()) {
      const policy = policies.get(record.state.policy);
      const due = policy === undefined ? null : escalationDueAtMs(record.state, policy);
      if (due !== null && (earliest === null || due < earliest)) earliest = due;
    }
    if (earliest === null) return;
    timer = timers.after(earliest - clock.nowMs(), () => {
      timer = null;
      exclusive(async () => {
        if (stopped) return;
        await fireAllDue(clock.nowMs());
        schedule();
      }).catch((error: unknown) => report(error, null));
    });
  }

  /** Stops (and forgets) escalations whose policy no longer exists. */
  async function dropOrphans(): Promise<EscalationSubject[]> {
    const orphans = [...records.values()].filter((record) => !policies.has(record.state.policy)).map((record) => record.state.subject);
    for (const subject of orphans) await forget(subject);
    return orphans;
  }

  const view = (record: EscalationRecord<TContext>): EscalationView<TContext> => {
    const policy = policies.get(record.state.policy);
    return { ...record.state, context: record.context, nextDueAtMs: policy === undefined ? null : escalationDueAtMs(record.state, policy) };
  };

  return {
    restore: () =>
      exclusive(async () => {
        const saved = (await store?.all()) ?? [];
        for (const record of saved) records.set(subjectKey(record.state.subject), record);
        const orphans = await dropOrphans();
        await fireAllDue(clock.nowMs());
        schedule();
        return { restored: saved.length - orphans.length, stopped: orphans };
      }),

    start: (subject, policyName, context) =>
      exclusive(async () => {
        const held = records.get(subjectKey(subject));
        if (held !== undefined) return { started: false, state: held.state };
        const policy = policies.get(policyName);
        if (policy === undefined) throw new NotFoundError('escalation policy', policyName);
        const nowMs = clock.nowMs();
        const record = { state: startEscalation(policy, subject, nowMs), context };
        await save(record);
        // The start is durable; a failure from here on is the tick's kind of failure, not the caller's.
        await fire(record, nowMs).catch((error: unknown) => report(error, subject));
        schedule();
        return { started: true, state: records.get(subjectKey(subject))?.state ?? record.state };
      }),

    acknowledge: (subject, actor) =>
      exclusive(async () => {
        const held = records.get(subjectKey(subject));
        if (held === undefined) return undefined;
        const result = acknowledgeEscalation(held.state, actor, clock.nowMs());
        if (result.state !== held.state) await save({ state: result.state, context: held.context });
        schedule();
        return result;
      }),

    resolve: (subject) =>
      exclusive(async () => {
        const held = records.get(subjectKey(subject));
        if (held === undefined) return undefined;
        const result = resolveEscalation(held.state, clock.nowMs());
        await forget(subject);
        schedule();
        return result;
      }),

    active: () => [...records.values()].map(view).sort((a, b) => a.startedAtMs - b.startedAtMs),

    get: (subject) => {
      const record = records.get(subjectKey(subject));
      return record === undefined ? undefined : view(record);
    },

    reconfigure: (next) =>
      exclusive(async () => {
        policies = byName(next);
        const orphans = await dropOrphans();
        await fireAllDue(clock.nowMs());
        schedule();
        return { stopped: orphans };
      }),

    stop: async () => {
      stopped = true;
      timer?.cancel();
      timer = null;
      await exclusive(() => Promise.resolve());
    },
  };
}

function byName(policies: readonly EscalationPolicy[]): Map<string, EscalationPolicy> {
  return new Map(policies.map((policy) => [policy.name, policy]));
}

function idempotencyKey(state: EscalationState, firing: EscalationFiring, target: EscalationTarget): string {
  const { kind, name } = describeTarget(target);
  return ['escalation', state.subject.kind, state.subject.id, state.startedAtMs, firing.round, firing.level, kind, name].join(':');
}
