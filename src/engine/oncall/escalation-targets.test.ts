import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import type { EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { OncallSchedule, Person } from '../../core/oncall/oncall-model.js';
import { createEscalationTargetResolver, type UnresolvedReason } from './escalation-targets.js';

const person = (name: string, notify: string[]): Person => ({ name, fullName: name, email: null, phone: null, chat: null, timeZone: 'UTC', notify });
const people = [person('alice', ['alice-sms', 'alice-email']), person('bob', ['bob-slack'])];
const schedules: OncallSchedule[] = [
  {
    name: 'primary',
    description: null,
    timeZone: 'Europe/Berlin',
    layers: [{ name: 'weekly', rotation: 'weekly', shiftDays: 7, startDate: { year: 2026, month: 1, day: 5 }, handoffMinute: 540, members: ['alice', 'bob'], restrictions: [] }],
    overrides: [],
  },
];

describe('createEscalationTargetResolver', () => {
  it.each<[string, EscalationTarget, string, string[], UnresolvedReason | null]>([
    ['a receiver is itself', { receiver: 'ops-slack' }, '2026-01-06T00:00:00Z', ['ops-slack'], null],
    ['a person: their notify receivers', { person: 'alice' }, '2026-01-06T00:00:00Z', ['alice-sms', 'alice-email'], null],
    ['a schedule: the receivers of whoever is on call then', { schedule: 'primary' }, '2026-01-12T08:00:00Z', ['bob-slack'], null],
    ['a schedule a millisecond before the hand-off', { schedule: 'primary' }, '2026-01-12T07:59:59.999Z', ['alice-sms', 'alice-email'], null],
    ['a schedule nobody covers yet', { schedule: 'primary' }, '2026-01-01T00:00:00Z', [], 'nobody-on-call'],
    ['a schedule gone after a reload', { schedule: 'nights' }, '2026-01-06T00:00:00Z', [], 'unknown-schedule'],
    ['a person gone after a reload', { person: 'zed' }, '2026-01-06T00:00:00Z', [], 'unknown-person'],
  ])('%s', (_name, target, at, receivers, reason) => {
    const told: Array<[UnresolvedReason, string]> = [];
    const resolver = createEscalationTargetResolver({ people: () => people, schedules: () => schedules, clock: createManualClock(Date.parse(at)), onUnresolved: (_target, why, message) => told.push([why, message]) });
    expect(resolver.resolveTargetReceivers(target, Date.parse(at))).toEqual(receivers);
    expect(resolver.resolveNow(target)).toEqual(receivers);
    expect(told.map(([why]) => why)).toEqual(reason === null ? [] : [reason, reason]);
  });

  it('says why nobody was reached', () => {
    const resolver = createEscalationTargetResolver({ people: () => people, schedules: () => schedules, clock: createManualClock() });
    expect(resolver.resolve({ schedule: 'primary' }, Date.parse('2026-01-01T00:00:00Z'))).toEqual({
      receivers: [],
      person: null,
      reason: 'nobody-on-call',
      message: "nobody is on call in schedule 'primary' at 2026-01-01T00:00:00.000Z",
    });
  });
});
