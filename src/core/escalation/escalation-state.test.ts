import { describe, expect, it } from 'vitest';
import type { EscalationPolicy } from './escalation-policy.js';
import {
  acknowledgeEscalation,
  advanceEscalation,
  escalationDueAtMs,
  nextEscalationStep,
  resolveEscalation,
  startEscalation,
  type EscalationState,
} from './escalation-state.js';

const minute = 60_000;
const startMs = Date.UTC(2026, 11, 6, 12, 0);
const subject = { kind: 'incident', id: 'INC-2026-1206-001' };

/** Seed 000's P1: page now, PagerDuty after 15 minutes; `repeat` rounds 15 minutes apart. */
function p1(overrides: Partial<EscalationPolicy> = {}): EscalationPolicy {
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

/** Advances at each of `atMinutes` and lists what fired as `level@round`. */
function walk(policy: EscalationPolicy, atMinutes: number[], state = startEscalation(policy, subject, startMs)): { fired: string[][]; state: EscalationState } {
  const fired: string[][] = [];
  let current = state;
  for (const at of atMinutes) {
    const step = advanceEscalation(current, policy, startMs + at * minute);
    fired.push(step.fired.map((firing) => `${firing.level}@${firing.round}`));
    current = step.state;
  }
  return { fired, state: current };
}

describe('an escalation fires each level at its minute', () => {
  it('fires level 0 at the start and level 1 at exactly 15 minutes, not a millisecond before', () => {
    const policy = p1();
    const started = startEscalation(policy, subject, startMs);
    expect(escalationDueAtMs(started, policy)).toBe(startMs);
    const first = advanceEscalation(started, policy, startMs);
    expect(first.fired).toEqual([{ level: 0, round: 0, dueAtMs: startMs, lateMs: 0, foldedRounds: 0, targets: [{ receiver: 'sms' }, { receiver: 'slack' }] }]);
    expect(escalationDueAtMs(first.state, policy)).toBe(startMs + 15 * minute);
    expect(advanceEscalation(first.state, policy, startMs + 15 * minute - 1).fired).toEqual([]);
    const second = advanceEscalation(first.state, policy, startMs + 15 * minute);
    expect(second.fired.map((firing) => firing.targets)).toEqual([[{ receiver: 'pagerduty' }, { schedule: 'primary' }]]);
    expect(second.state).toMatchObject({ status: 'exhausted', level: 1, round: 0, lastFiredAtMs: startMs + 15 * minute });
    expect(escalationDueAtMs(second.state, policy)).toBeNull();
  });

  it.each<[string, Partial<EscalationPolicy>, number[], string[][]]>([
    ['one pass', {}, [0, 14, 15, 30, 60], [['0@0'], [], ['1@0'], [], []]],
    ['repeat 1: the chain runs again 15 minutes after its last level', { repeat: 1 }, [0, 15, 29, 30, 44, 45, 90], [['0@0'], ['1@0'], [], ['0@1'], [], ['1@1'], []]],
    ['repeat 2 with repeat_after 1h', { repeat: 2, repeatAfterMs: 60 * minute }, [0, 15, 75, 90, 150, 165, 500], [['0@0'], ['1@0'], ['0@1'], ['1@1'], ['0@2'], ['1@2'], []]],
    ['a first level that waits', { levels: [{ afterMs: 5 * minute, targets: [{ person: 'alice' }] }, { afterMs: 10 * minute, targets: [{ person: 'bob' }] }] }, [0, 4, 5, 14, 15], [[], [], ['0@0'], [], ['1@0']]],
    ['two levels on the same minute', { levels: [{ afterMs: 0, targets: [{ receiver: 'a' }] }, { afterMs: 0, targets: [{ receiver: 'b' }] }] }, [0, 10], [['0@0', '1@0'], []]],
  ])('%s', (_case, overrides, atMinutes, expected) => {
    expect(walk(p1(overrides), atMinutes).fired).toEqual(expected);
  });

  it('catches up after an outage: every level that fell due fires once, saying how late', () => {
    const policy = p1({ levels: [...p1().levels, { afterMs: 15 * minute, targets: [{ person: 'manager' }] }] });
    const { state } = walk(policy, [0]);
    const late = advanceEscalation(state, policy, startMs + 40 * minute);
    expect(late.fired.map(({ level, lateMs, foldedRounds }) => ({ level, lateMs, foldedRounds }))).toEqual([
      { level: 1, lateMs: 25 * minute, foldedRounds: 0 },
      { level: 2, lateMs: 10 * minute, foldedRounds: 0 },
    ]);
    expect(late.state.status).toBe('exhausted');
  });

  it('folds missed rounds of a level into one firing after a long outage', () => {
    const policy = p1({ repeat: 3 });
    const late = advanceEscalation(startEscalation(policy, subject, startMs), policy, startMs + 100 * minute);
    // Rounds are 30 minutes long: due were 0@0 1@0 0@1 1@1 0@2 1@2 0@3 (90 min); 1@3 is due at 105.
    expect(late.fired.map(({ level, round, foldedRounds, lateMs }) => ({ level, round, foldedRounds, lateMs }))).toEqual([
      { level: 1, round: 2, foldedRounds: 2, lateMs: 25 * minute },
      { level: 0, round: 3, foldedRounds: 3, lateMs: 10 * minute },
    ]);
    expect(escalationDueAtMs(late.state, policy)).toBe(startMs + 105 * minute);
  });
});

describe('acknowledging or resolving stops it', () => {
  it('an acknowledged escalation fires nothing more', () => {
    const policy = p1({ repeat: 5 });
    const { state } = walk(policy, [0]);
    const acked = acknowledgeEscalation(state, 'alice', startMs + 3 * minute);
    expect(acked).toMatchObject({ outcome: 'acknowledged', state: { status: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAtMs: startMs + 3 * minute } });
    expect(escalationDueAtMs(acked.state, policy)).toBeNull();
    expect(advanceEscalation(acked.state, policy, startMs + 600 * minute).fired).toEqual([]);
  });

  it.each<[string, (state: EscalationState) => EscalationState, string, string]>([
    ['active', (state) => state, 'acknowledged', 'resolved'],
    ['exhausted', (state) => ({ ...state, status: 'exhausted' }), 'acknowledged', 'resolved'],
    ['acknowledged', (state) => acknowledgeEscalation(state, 'bob', startMs + minute).state, 'already_acknowledged', 'resolved'],
    ['resolved', (state) => resolveEscalation(state, startMs + minute).state, 'already_resolved', 'already_resolved'],
  ])('from %s: acknowledge gives %s, resolve gives %s', (_case, prepare, ackOutcome, resolveOutcome) => {
    const state = prepare(startEscalation(p1(), subject, startMs));
    const acked = acknowledgeEscalation(state, 'alice', startMs + 2 * minute);
    expect(acked.outcome).toBe(ackOutcome);
    if (ackOutcome !== 'acknowledged') expect(acked.state).toBe(state);
    expect(resolveEscalation(state, startMs + 2 * minute).outcome).toBe(resolveOutcome);
  });

  it('the first acknowledgement is kept', () => {
    const first = acknowledgeEscalation(startEscalation(p1(), subject, startMs), 'alice', startMs + minute).state;
    expect(acknowledgeEscalation(first, 'bob', startMs + 2 * minute).state).toMatchObject({ acknowledgedBy: 'alice', acknowledgedAtMs: startMs + minute });
  });
});

describe('a changed policy applies to running escalations', () => {
  it.each<[string, Partial<EscalationPolicy>, number | null]>([
    ['a longer wait moves the next level', { levels: [p1().levels[0]!, { afterMs: 30 * minute, targets: [{ receiver: 'pagerduty' }] }] }, 30],
    ['a level removed ends the chain', { levels: [p1().levels[0]!] }, null],
    ['a repeat added continues it', { levels: [p1().levels[0]!], repeat: 1, repeatAfterMs: 20 * minute }, 20],
  ])('%s', (_case, overrides, dueMinutes) => {
    const { state } = walk(p1(), [0]);
    expect(escalationDueAtMs(state, p1({ ...overrides }))).toBe(dueMinutes === null ? null : startMs + dueMinutes * minute);
  });

  it('a state past the end of a shortened policy goes to the next round', () => {
    expect(nextEscalationStep({ level: 3, round: 0 }, p1({ repeat: 1 }))).toEqual({ level: 0, round: 1 });
    expect(nextEscalationStep({ level: 3, round: 0 }, p1())).toBeNull();
  });

  it('a policy without levels starts exhausted', () => {
    const empty = p1({ levels: [] });
    const state = startEscalation(empty, subject, startMs);
    expect(state.status).toBe('exhausted');
    expect(advanceEscalation(state, empty, startMs).fired).toEqual([]);
  });
});
