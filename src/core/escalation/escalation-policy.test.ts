import { describe, expect, it } from 'vitest';
import { describeTarget, levelDueAtMs, levelOffsetsMs, policyNameForSeverity, roundLengthMs, type EscalationPolicy } from './escalation-policy.js';

const minute = 60_000;
const startMs = Date.UTC(2026, 11, 6, 12, 0);

function policy(afterMinutes: number[], overrides: Partial<EscalationPolicy> = {}): EscalationPolicy {
  return {
    name: 'critical',
    levels: afterMinutes.map((after, index) => ({ afterMs: after * minute, targets: [{ receiver: `level-${index}` }] })),
    repeat: 0,
    repeatAfterMs: 0,
    ...overrides,
  };
}

describe('escalation policy timing', () => {
  it.each<[number[], number[]]>([
    [[0], [0]],
    [[0, 15], [0, 15]],
    [[0, 15, 30], [0, 15, 45]],
    [[5, 10], [5, 15]],
  ])('levels with after %j fire at offsets %j minutes', (afters, offsets) => {
    expect(levelOffsetsMs(policy(afters))).toEqual(offsets.map((offset) => offset * minute));
  });

  it.each<[number[], number, number]>([
    [[0, 15], 15, 30],
    [[0, 15, 30], 10, 55],
    [[0], 20, 20],
    [[], 20, 0],
  ])('a round of levels %j with repeat_after %i minutes lasts %i minutes', (afters, repeatAfter, length) => {
    expect(roundLengthMs(policy(afters, { repeatAfterMs: repeatAfter * minute }))).toBe(length * minute);
  });

  it.each<[number, number, number]>([
    [0, 0, 0],
    [0, 1, 15],
    [1, 0, 30],
    [1, 1, 45],
    [2, 1, 75],
  ])('round %i level %i of [0, 15] repeating after 15m is due %i minutes after the start', (round, level, minutes) => {
    const p = policy([0, 15], { repeat: 2, repeatAfterMs: 15 * minute });
    expect(levelDueAtMs(p, startMs, round, level)).toBe(startMs + minutes * minute);
  });

  it('refuses a level the policy does not have', () => {
    expect(() => levelDueAtMs(policy([0]), startMs, 0, 1)).toThrow(RangeError);
  });

  it.each([
    [{ receiver: 'slack' }, { kind: 'receiver', name: 'slack' }],
    [{ person: 'alice' }, { kind: 'person', name: 'alice' }],
    [{ schedule: 'primary' }, { kind: 'schedule', name: 'primary' }],
  ] as const)('describes target %j', (target, described) => {
    expect(describeTarget(target)).toEqual(described);
  });
});

describe('severity to policy', () => {
  const seedMapping = { P1: 'critical', P2: 'high', P3: 'medium' };

  it.each<[Record<string, string>, string | undefined, string | undefined]>([
    [seedMapping, 'P1', 'critical'],
    [seedMapping, 'p1', 'critical'],
    [seedMapping, 'critical', 'critical'],
    [seedMapping, 'CRITICAL', 'critical'],
    [seedMapping, 'high', 'high'],
    [seedMapping, 'warning', 'medium'],
    [seedMapping, 'P4', undefined],
    [seedMapping, 'low', undefined],
    [seedMapping, undefined, undefined],
    [seedMapping, '', undefined],
    [{ ...seedMapping, default: 'catch-all' }, 'P5', 'catch-all'],
    [{ ...seedMapping, default: 'catch-all' }, undefined, 'catch-all'],
    [{ critical: 'by-word', P1: 'by-number' }, 'critical', 'by-word'],
    [{ critical: 'by-word', P1: 'by-number' }, 'P1', 'by-number'],
    [{ SEV1: 'sev-one' }, 'sev1', 'sev-one'],
    [{ SEV1: 'sev-one' }, 'critical', undefined],
  ])('mapping %j sends severity %j to %j', (mapping, severity, expected) => {
    expect(policyNameForSeverity(mapping, severity)).toBe(expected);
  });
});
