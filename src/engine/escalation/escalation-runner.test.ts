import { beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import type { EscalationPolicy, EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { EscalationSubject } from '../../core/escalation/escalation-state.js';
import { NotFoundError } from '../../core/errors.js';
import { registerEscalationStateCases } from './escalation-state-repository.contract.js';
import { createEscalationRunner, type EscalationRecord, type EscalationRunner, type EscalationStateRepository, type EscalationStep } from './escalation-runner.js';

const minute = 60_000;
const startMs = Date.UTC(2026, 11, 6, 12, 0);
const group: EscalationSubject = { kind: 'group', id: '{}/{team="db"}:{alertname="DatabaseDown"}' };
const incident: EscalationSubject = { kind: 'incident', id: 'INC-2026-1206-001' };

interface Context {
  title: string;
}

/** Seed 000's P1: SMS and Slack now, PagerDuty and the primary on-call after 15 minutes. */
function critical(overrides: Partial<EscalationPolicy> = {}): EscalationPolicy {
  return {
    name: 'critical',
    levels: [
      { afterMs: 0, targets: [{ receiver: 'sms' }, { receiver: 'slack' }] },
      { afterMs: 15 * minute, targets: [{ receiver: 'pagerduty' }, { schedule: 'primary' }] },
    ],
    repeat: 0,
    repeatAfterMs: 15 * minute,
    ...overrides,
  };
}

/** Records in memory, copied on the way in and out as a database would; `crash()` stops writes landing. */
function memoryRepository(): EscalationStateRepository<Context> & { rows: Map<string, EscalationRecord<Context>>; crash(): void; failWrites(fail: boolean): void } {
  const rows = new Map<string, EscalationRecord<Context>>();
  let crashed = false;
  let failing = false;
  const key = (subject: EscalationSubject) => `${subject.kind}/${subject.id}`;
  const write = (change: () => void) => {
    if (failing) return Promise.reject(new Error('database is unavailable'));
    if (!crashed) change();
    return Promise.resolve();
  };
  return {
    rows,
    crash: () => {
      crashed = true;
    },
    failWrites: (fail) => {
      failing = fail;
    },
    save: (record) => write(() => rows.set(key(record.state.subject), structuredClone(record))),
    all: () => Promise.resolve([...rows.values()].map((record) => structuredClone(record))),
    delete: (subject) => write(() => rows.delete(key(subject))),
  };
}

describe('the in-memory repository of these tests', () => {
  let repository = memoryRepository();
  beforeEach(() => {
    repository = memoryRepository();
  });
  registerEscalationStateCases(() => repository);
});

interface Sent {
  atMinute: number;
  subject: string;
  target: string;
  level: number;
  round: number;
  lateMs: number;
  key: string;
  title: string;
}

interface Harness {
  timers: ManualTimers;
  runner: EscalationRunner<Context>;
  sent: Sent[];
  errors: unknown[];
}

function harness(options: { policies?: EscalationPolicy[]; store?: EscalationStateRepository<Context>; timers?: ManualTimers; failFor?: string } = {}): Harness {
  const timers = options.timers ?? createManualTimers(startMs);
  const sent: Sent[] = [];
  const errors: unknown[] = [];
  const runner = createEscalationRunner<Context>({
    clock: timers.clock,
    timers,
    policies: options.policies ?? [critical()],
    store: options.store,
    onError: (error) => errors.push(error),
    notify: (target: EscalationTarget, subject: EscalationSubject, step: EscalationStep, context: Context) => {
      const name = Object.values(target).join('');
      if (name === options.failFor) return Promise.reject(new Error(`${name} is down`));
      sent.push({
        atMinute: (timers.clock.nowMs() - startMs) / minute,
        subject: subject.id,
        target: `${Object.keys(target).join('')}:${name}`,
        level: step.level,
        round: step.round,
        lateMs: step.lateMs,
        key: step.idempotencyKey,
        title: context.title,
      });
      return Promise.resolve();
    },
  });
  return { timers, runner, sent, errors };
}

const short = (sent: Sent[]) => sent.map((entry) => `${entry.atMinute}m ${entry.target}`);

describe('escalation runner timing', () => {
  it('pages at once and escalates at exactly minute 15, not a millisecond before', async () => {
    const { timers, runner, sent } = harness();
    const started = await runner.start(group, 'critical', { title: 'DatabaseDown' });
    expect(started).toMatchObject({ started: true, state: { status: 'active', level: 0 } });
    expect(short(sent)).toEqual(['0m receiver:sms', '0m receiver:slack']);
    await timers.advanceMs(15 * minute - 1);
    expect(sent).toHaveLength(2);
    expect(runner.get(group)?.nextDueAtMs).toBe(startMs + 15 * minute);
    await timers.advanceMs(1);
    expect(short(sent.slice(2))).toEqual(['15m receiver:pagerduty', '15m schedule:primary']);
    expect(sent[2]).toMatchObject({ level: 1, round: 0, lateMs: 0, title: 'DatabaseDown' });
    expect(runner.get(group)).toMatchObject({ status: 'exhausted', nextDueAtMs: null });
    expect(timers.pendingCount()).toBe(0);
  });

  it('a timer that wakes a millisecond early fires nothing and waits for the minute', async () => {
    const timers = createManualTimers(startMs);
    // As Node's timers may: a wait of more than a millisecond ends one millisecond short.
    const early: ManualTimers = { ...timers, after: (delayMs, callback) => timers.after(delayMs > 1 ? delayMs - 1 : delayMs, callback) };
    const { runner, sent } = harness({ timers: early });
    await runner.start(group, 'critical', { title: 'x' });
    await timers.advanceMs(15 * minute - 1);
    expect(sent).toHaveLength(2);
    await timers.advanceMs(1);
    expect(short(sent.slice(2))).toEqual(['15m receiver:pagerduty', '15m schedule:primary']);
  });

  it('acknowledgement stops the chain', async () => {
    const { timers, runner, sent } = harness({ policies: [critical({ repeat: 3 })] });
    await runner.start(group, 'critical', { title: 'x' });
    await timers.advanceMs(10 * minute);
    const acked = await runner.acknowledge(group, 'alice');
    expect(acked).toMatchObject({ outcome: 'acknowledged', state: { acknowledgedBy: 'alice', acknowledgedAtMs: startMs + 10 * minute } });
    await timers.advanceMs(600 * minute);
    expect(short(sent)).toEqual(['0m receiver:sms', '0m receiver:slack']);
    expect(timers.pendingCount()).toBe(0);
    expect((await runner.acknowledge(group, 'bob'))?.outcome).toBe('already_acknowledged');
    expect(await runner.acknowledge(incident, 'bob')).toBeUndefined();
  });

  it('repeats the whole chain, then stops', async () => {
    const { timers, runner, sent } = harness({ policies: [critical({ repeat: 1, levels: [critical().levels[0]!, { afterMs: 15 * minute, targets: [{ person: 'manager' }] }] })] });
    await runner.start(incident, 'critical', { title: 'x' });
    await timers.advanceMs(300 * minute);
    expect(sent.map((entry) => `${entry.atMinute}m ${entry.level}@${entry.round} ${entry.target}`)).toEqual([
      '0m 0@0 receiver:sms',
      '0m 0@0 receiver:slack',
      '15m 1@0 person:manager',
      '30m 0@1 receiver:sms',
      '30m 0@1 receiver:slack',
      '45m 1@1 person:manager',
    ]);
    expect(runner.get(incident)?.status).toBe('exhausted');
  });

  it('runs several subjects on their own schedules with one timer', async () => {
    const { timers, runner, sent } = harness();
    await runner.start(group, 'critical', { title: 'g' });
    await timers.advanceMs(7 * minute);
    await runner.start(incident, 'critical', { title: 'i' });
    await timers.advanceMs(30 * minute);
    expect(sent.filter((entry) => entry.level === 1).map((entry) => `${entry.atMinute}m ${entry.title}`)).toEqual(['15m g', '15m g', '22m i', '22m i']);
    expect(runner.active().map((view) => view.subject)).toEqual([group, incident]);
  });

  it('reports each fired level once, for a timeline', async () => {
    const timers = createManualTimers(startMs);
    const levels: string[] = [];
    const runner = createEscalationRunner<Context>({
      clock: timers.clock,
      timers,
      policies: [critical()],
      notify: () => Promise.resolve(),
      onFired: (subject, firing, context) => levels.push(`${subject.id} ${context.title} ${firing.policy} level ${firing.level} -> ${firing.targets.length} targets`),
    });
    await runner.start(incident, 'critical', { title: 'db' });
    await timers.advanceMs(15 * minute);
    expect(levels).toEqual([`${incident.id} db critical level 0 -> 2 targets`, `${incident.id} db critical level 1 -> 2 targets`]);
  });

  it('leaves a subject that already escalates alone', async () => {
    const { timers, runner, sent } = harness();
    await runner.start(group, 'critical', { title: 'first' });
    await timers.advanceMs(5 * minute);
    expect(await runner.start(group, 'critical', { title: 'second' })).toMatchObject({ started: false, state: { startedAtMs: startMs } });
    await timers.advanceMs(60 * minute);
    expect(sent.map((entry) => entry.title)).toEqual(['first', 'first', 'first', 'first']);
  });

  it('refuses an unknown policy', async () => {
    const { runner } = harness();
    await expect(runner.start(group, 'nope', { title: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect(runner.active()).toEqual([]);
  });

  it('a failing target is reported and the others still hear', async () => {
    const { timers, runner, sent, errors } = harness({ failFor: 'sms' });
    await runner.start(group, 'critical', { title: 'x' });
    await timers.advanceMs(15 * minute);
    expect(short(sent)).toEqual(['0m receiver:slack', '15m receiver:pagerduty', '15m schedule:primary']);
    expect(errors).toEqual([new Error('sms is down')]);
  });

  it('resolve stops and forgets it', async () => {
    const store = memoryRepository();
    const { timers, runner, sent } = harness({ store });
    await runner.start(group, 'critical', { title: 'x' });
    expect(store.rows.size).toBe(1);
    expect((await runner.resolve(group))?.state).toMatchObject({ status: 'resolved', resolvedAtMs: startMs });
    await timers.advanceMs(60 * minute);
    expect(sent).toHaveLength(2);
    expect(runner.active()).toEqual([]);
    expect(store.rows.size).toBe(0);
    expect(await runner.resolve(group)).toBeUndefined();
  });

  it('after stop nothing fires', async () => {
    const { timers, runner, sent } = harness();
    await runner.start(group, 'critical', { title: 'x' });
    await runner.stop();
    await timers.advanceMs(60 * minute);
    expect(sent).toHaveLength(2);
  });
});

describe('escalation runner across restarts', () => {
  const threeLevels = critical({ levels: [...critical().levels, { afterMs: 15 * minute, targets: [{ person: 'manager' }] }] });

  it('resumes mid-escalation: a level due while down fires once at restore, the next on time', async () => {
    const store = memoryRepository();
    const timers = createManualTimers(startMs);
    const before = harness({ store, timers, policies: [threeLevels] });
    await before.runner.start(incident, 'critical', { title: 'db down' });
    await timers.advanceMs(5 * minute);
    await before.runner.stop();
    await timers.advanceMs(15 * minute); // down from minute 5 to 20: level 1 (minute 15) was missed
    const after = harness({ store, timers, policies: [threeLevels] });
    expect(await after.runner.restore()).toEqual({ restored: 1, stopped: [] });
    expect(after.sent.map((entry) => `${entry.atMinute}m ${entry.target} late ${entry.lateMs / minute}m`)).toEqual([
      '20m receiver:pagerduty late 5m',
      '20m schedule:primary late 5m',
    ]);
    await timers.advanceMs(10 * minute - 1);
    expect(after.sent).toHaveLength(2);
    await timers.advanceMs(1);
    expect(short(after.sent.slice(2))).toEqual(['30m person:manager']);
    await timers.advanceMs(60 * minute);
    expect(after.sent).toHaveLength(3);
    expect(before.sent).toHaveLength(2);
  });

  it('an acknowledgement survives the restart', async () => {
    const store = memoryRepository();
    const timers = createManualTimers(startMs);
    const before = harness({ store, timers });
    await before.runner.start(group, 'critical', { title: 'x' });
    await before.runner.acknowledge(group, 'alice');
    await before.runner.stop();
    await timers.advanceMs(60 * minute);
    const after = harness({ store, timers });
    await after.runner.restore();
    await timers.advanceMs(60 * minute);
    expect(after.sent).toEqual([]);
    expect(after.runner.get(group)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', context: { title: 'x' } });
  });

  it('a crash between notifying and saving repeats the level with the same idempotency key', async () => {
    const store = memoryRepository();
    const timers = createManualTimers(startMs);
    const before = harness({ store, timers });
    await before.runner.start(group, 'critical', { title: 'x' });
    store.crash();
    await timers.advanceMs(15 * minute);
    await before.runner.stop();
    const after = harness({ store, timers });
    await after.runner.restore();
    expect(after.sent.map((entry) => entry.key)).toEqual(before.sent.slice(2).map((entry) => entry.key));
    expect(after.sent[0]?.key).toBe(`escalation:group:${group.id}:${startMs}:0:1:receiver:pagerduty`);
  });

  it('a start, acknowledgement or resolve the store refused did not happen', async () => {
    const store = memoryRepository();
    const { runner, sent } = harness({ store });
    store.failWrites(true);
    await expect(runner.start(group, 'critical', { title: 'x' })).rejects.toThrow('database is unavailable');
    expect(runner.active()).toEqual([]);
    expect(sent).toEqual([]);
    store.failWrites(false);
    await runner.start(group, 'critical', { title: 'x' });
    store.failWrites(true);
    await expect(runner.acknowledge(group, 'alice')).rejects.toThrow('database is unavailable');
    await expect(runner.resolve(group)).rejects.toThrow('database is unavailable');
    expect(runner.get(group)?.status).toBe('active');
  });

  it('a save that fails in a tick is reported and does not notify the level again', async () => {
    const store = memoryRepository();
    const { timers, runner, sent, errors } = harness({ store, policies: [critical({ repeat: 1 })] });
    await runner.start(group, 'critical', { title: 'x' });
    store.failWrites(true);
    await timers.advanceMs(20 * minute);
    expect(errors).toEqual([new Error('database is unavailable')]);
    store.failWrites(false);
    await timers.advanceMs(40 * minute);
    expect(short(sent)).toEqual(['0m receiver:sms', '0m receiver:slack', '15m receiver:pagerduty', '15m schedule:primary', '30m receiver:sms', '30m receiver:slack', '45m receiver:pagerduty', '45m schedule:primary']);
    expect(store.rows.get(`group/${group.id}`)?.state).toMatchObject({ status: 'exhausted', level: 1, round: 1 });
  });

  it('restore stops escalations whose policy is gone', async () => {
    const store = memoryRepository();
    const timers = createManualTimers(startMs);
    await harness({ store, timers }).runner.start(group, 'critical', { title: 'x' });
    const after = harness({ store, timers, policies: [critical({ name: 'other' })] });
    expect(await after.runner.restore()).toEqual({ restored: 0, stopped: [group] });
    expect(store.rows.size).toBe(0);
  });
});

describe('escalation runner reconfigure', () => {
  it.each<[string, EscalationPolicy[], string[]]>([
    ['a longer wait moves the level', [critical({ levels: [critical().levels[0]!, { afterMs: 30 * minute, targets: [{ receiver: 'pagerduty' }] }] })], ['30m receiver:pagerduty']],
    ['a shorter wait already passed fires at once', [critical({ levels: [critical().levels[0]!, { afterMs: 5 * minute, targets: [{ receiver: 'pagerduty' }] }] })], ['10m receiver:pagerduty']],
    ['a removed policy stops it', [critical({ name: 'other' })], []],
  ])('%s', async (_case, policies, expected) => {
    const { timers, runner, sent } = harness();
    await runner.start(group, 'critical', { title: 'x' });
    await timers.advanceMs(10 * minute);
    const { stopped } = await runner.reconfigure(policies);
    expect(stopped).toEqual(policies.some((policy) => policy.name === 'critical') ? [] : [group]);
    await timers.advanceMs(120 * minute);
    expect(short(sent.slice(2))).toEqual(expected);
  });
});
