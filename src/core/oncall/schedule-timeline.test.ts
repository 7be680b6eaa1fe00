import { describe, expect, it } from 'vitest';
import type { OncallSchedule, ScheduleLayer } from './oncall-model.js';
import { rotationShifts, whoIsOnCall } from './schedule-timeline.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
const at = (text: string) => Date.parse(text);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function layer(overrides: Partial<ScheduleLayer> = {}): ScheduleLayer {
  return {
    name: 'primary',
    rotation: 'weekly',
    shiftDays: 7,
    startDate: { year: 2026, month: 1, day: 5 },
    handoffMinute: 9 * 60,
    members: ['alice', 'bob', 'carol'],
    restrictions: [],
    ...overrides,
  };
}

function schedule(overrides: Partial<OncallSchedule> = {}): OncallSchedule {
  return { name: 'ops', description: null, timeZone: 'Europe/Berlin', layers: [layer()], overrides: [], ...overrides };
}

const shiftHours = (s: OncallSchedule, from: string, to: string) =>
  rotationShifts(s, at(from), at(to)).layers[0]?.shifts.map((shift) => [shift.person, iso(shift.startMs), (shift.endMs - shift.startMs) / hourMs]);

describe('rotations across DST changes: hand-offs at the local hand-off time', () => {
  it.each<[string, OncallSchedule, string, string, Array<[string, string | null, number]>]>([
    [
      'Berlin weekly 09:00 over spring forward: the shift is 167 h',
      schedule({ layers: [layer({ startDate: { year: 2026, month: 3, day: 23 } })] }),
      '2026-03-23T08:00:00Z', '2026-04-06T07:00:00Z',
      [['alice', '2026-03-23T08:00:00.000Z', 167], ['bob', '2026-03-30T07:00:00.000Z', 168]],
    ],
    [
      'Berlin weekly 09:00 over fall back: the shift is 169 h',
      schedule({ layers: [layer({ startDate: { year: 2026, month: 10, day: 19 } })] }),
      '2026-10-19T07:00:00Z', '2026-11-02T08:00:00Z',
      [['alice', '2026-10-19T07:00:00.000Z', 169], ['bob', '2026-10-26T08:00:00.000Z', 168]],
    ],
    [
      'New York weekly 09:00 over spring forward (March 8): 167 h',
      schedule({ timeZone: 'America/New_York', layers: [layer({ startDate: { year: 2026, month: 3, day: 2 } })] }),
      '2026-03-02T14:00:00Z', '2026-03-09T13:00:00Z',
      [['alice', '2026-03-02T14:00:00.000Z', 167]],
    ],
    [
      'New York weekly 09:00 over fall back (November 1): 169 h',
      schedule({ timeZone: 'America/New_York', layers: [layer({ startDate: { year: 2026, month: 10, day: 26 } })] }),
      '2026-10-26T13:00:00Z', '2026-11-02T14:00:00Z',
      [['alice', '2026-10-26T13:00:00.000Z', 169]],
    ],
    [
      'Berlin daily hand-off at 02:30, inside the spring-forward gap: handed over at the jump (03:00 CEST)',
      schedule({ layers: [layer({ rotation: 'daily', shiftDays: 1, startDate: { year: 2026, month: 3, day: 28 }, handoffMinute: 150, members: ['alice', 'bob', 'carol'] })] }),
      '2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z',
      [['alice', '2026-03-28T01:30:00.000Z', 23.5], ['bob', '2026-03-29T01:00:00.000Z', 23.5]],
    ],
    [
      'Berlin daily hand-off at 02:30, inside the repeated fall-back hour: the first 02:30 (CEST)',
      schedule({ layers: [layer({ rotation: 'daily', shiftDays: 1, startDate: { year: 2026, month: 10, day: 24 }, handoffMinute: 150 })] }),
      '2026-10-24T00:30:00Z', '2026-10-26T01:30:00Z',
      [['alice', '2026-10-24T00:30:00.000Z', 24], ['bob', '2026-10-25T00:30:00.000Z', 25]],
    ],
    [
      'New York daily hand-off at 01:30 in the repeated hour: the first 01:30 (EDT)',
      schedule({ timeZone: 'America/New_York', layers: [layer({ rotation: 'daily', shiftDays: 1, startDate: { year: 2026, month: 10, day: 31 }, handoffMinute: 90 })] }),
      '2026-10-31T05:30:00Z', '2026-11-02T06:30:00Z',
      [['alice', '2026-10-31T05:30:00.000Z', 24], ['bob', '2026-11-01T05:30:00.000Z', 25]],
    ],
  ])('%s', (_name, s, from, to, expected) => {
    expect(shiftHours(s, from, to)).toEqual(expected);
  });

  it('answers who is on call at the instants around a DST hand-off exactly', () => {
    const s = schedule({ layers: [layer({ startDate: { year: 2026, month: 3, day: 23 } })] });
    expect(whoIsOnCall(s, at('2026-03-30T06:59:59.999Z')).final.person).toBe('alice');
    expect(whoIsOnCall(s, at('2026-03-30T07:00:00Z')).final.person).toBe('bob');
  });
});

describe('whoIsOnCall', () => {
  const twoWeeks = layer({ name: 'secondary', rotation: 'custom', shiftDays: 14, members: ['dave', 'erin'] });
  const businessHours = layer({
    name: 'business-hours',
    rotation: 'daily',
    shiftDays: 1,
    members: ['frank'],
    restrictions: [{ days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 }],
  });

  it.each<[string, OncallSchedule, string, string | null, string | null, string | null]>([
    ['weekly, first shift', schedule(), '2026-01-05T08:00:00Z', 'alice', '2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
    ['weekly, a millisecond before the hand-off', schedule(), '2026-01-12T07:59:59.999Z', 'alice', '2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
    ['weekly, wraps round the members', schedule(), '2026-01-27T12:00:00Z', 'alice', '2026-01-26T08:00:00.000Z', '2026-02-02T08:00:00.000Z'],
    ['two-week rotation, day 13', schedule({ layers: [twoWeeks] }), '2026-01-18T12:00:00Z', 'dave', '2026-01-05T08:00:00.000Z', '2026-01-19T08:00:00.000Z'],
    ['two-week rotation, day 14', schedule({ layers: [twoWeeks] }), '2026-01-19T08:00:00Z', 'erin', '2026-01-19T08:00:00.000Z', '2026-02-02T08:00:00.000Z'],
    ['two-week rotation, day 28 back to the first', schedule({ layers: [twoWeeks] }), '2026-02-02T08:00:00Z', 'dave', '2026-02-02T08:00:00.000Z', '2026-02-16T08:00:00.000Z'],
    ['a higher restricted layer wins inside its window', schedule({ layers: [layer(), businessHours] }), '2026-01-07T10:00:00Z', 'frank', '2026-01-07T08:00:00.000Z', '2026-01-07T16:00:00.000Z'],
    ['outside the window the layer below shows through', schedule({ layers: [layer(), businessHours] }), '2026-01-07T17:00:00Z', 'alice', '2026-01-07T16:00:00.000Z', '2026-01-08T08:00:00.000Z'],
    ['weekends are outside a Monday-Friday restriction', schedule({ layers: [layer(), businessHours] }), '2026-01-10T10:00:00Z', 'alice', '2026-01-09T16:00:00.000Z', '2026-01-12T08:00:00.000Z'],
    ['before the layer starts nobody is on call', schedule(), '2026-01-01T12:00:00Z', null, null, '2026-01-05T08:00:00.000Z'],
    ['only a restricted layer, at night: nobody', schedule({ layers: [businessHours] }), '2026-01-07T20:00:00Z', null, '2026-01-07T16:00:00.000Z', '2026-01-08T08:00:00.000Z'],
  ])('%s', (_name, s, when, person, since, until) => {
    const answer = whoIsOnCall(s, at(when));
    expect([answer.final.person, iso(answer.final.sinceMs), iso(answer.final.untilMs)]).toEqual([person, since, until]);
    expect(answer.nextHandoffAtMs).toBe(answer.final.untilMs);
  });

  it('an override wins over every layer, and the layers still show who it replaced', () => {
    const s = schedule({ layers: [layer(), businessHours], overrides: [{ person: 'zoe', startMs: at('2026-01-07T06:00:00Z'), endMs: at('2026-01-07T12:00:00Z') }] });
    const answer = whoIsOnCall(s, at('2026-01-07T10:00:00Z'));
    expect(answer.final).toEqual({ person: 'zoe', source: { kind: 'override' }, sinceMs: at('2026-01-07T06:00:00Z'), untilMs: at('2026-01-07T12:00:00Z') });
    expect(answer.layers.map((entry) => [entry.layer, entry.person, iso(entry.sinceMs), iso(entry.untilMs)])).toEqual([
      ['primary', 'alice', '2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['business-hours', 'frank', '2026-01-07T08:00:00.000Z', '2026-01-07T16:00:00.000Z'],
    ]);
    expect(whoIsOnCall(s, at('2026-01-07T12:00:00Z')).final).toMatchObject({ person: 'frank', source: { kind: 'layer', layer: 'business-hours' } });
  });

  it('a schedule with no layer coverage and no overrides answers nobody, not an error', () => {
    const answer = whoIsOnCall(schedule({ layers: [] }), at('2026-01-07T10:00:00Z'));
    expect(answer).toMatchObject({ layers: [], final: { person: null, source: null, sinceMs: null, untilMs: null }, nextHandoffAtMs: null });
  });

  it('an overnight restriction (17:00-09:00) covers the night and ends the next morning', () => {
    const nights = layer({ name: 'nights', rotation: 'daily', shiftDays: 1, handoffMinute: 17 * 60, members: ['nina', 'otto'], restrictions: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 17 * 60, endMinute: 9 * 60 }] });
    const s = schedule({ layers: [nights] });
    expect(whoIsOnCall(s, at('2026-01-05T23:00:00Z')).final).toMatchObject({ person: 'nina', untilMs: at('2026-01-06T08:00:00Z') });
    expect(whoIsOnCall(s, at('2026-01-06T12:00:00Z')).final.person).toBeNull();
    expect(whoIsOnCall(s, at('2026-01-06T16:00:00Z')).final.person).toBe('otto');
  });
});

describe('rotationShifts', () => {
  it('lists layer shifts and the final schedule clipped to the range, with gaps as nobody', () => {
    const s = schedule({
      layers: [layer({ startDate: { year: 2026, month: 1, day: 12 }, members: ['alice', 'bob'] })],
      overrides: [{ person: 'zoe', startMs: at('2026-01-13T00:00:00Z'), endMs: at('2026-01-14T00:00:00Z') }],
    });
    const shifts = rotationShifts(s, at('2026-01-10T00:00:00Z'), at('2026-01-10T00:00:00Z') + 10 * dayMs);
    expect(shifts.layers[0]?.shifts.map((shift) => [shift.person, iso(shift.startMs), iso(shift.endMs)])).toEqual([
      ['alice', '2026-01-12T08:00:00.000Z', '2026-01-19T08:00:00.000Z'],
      ['bob', '2026-01-19T08:00:00.000Z', '2026-01-20T00:00:00.000Z'],
    ]);
    expect(shifts.final.map((segment) => [segment.person, segment.source?.kind ?? null, iso(segment.startMs), iso(segment.endMs)])).toEqual([
      [null, null, '2026-01-10T00:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['alice', 'layer', '2026-01-12T08:00:00.000Z', '2026-01-13T00:00:00.000Z'],
      ['zoe', 'override', '2026-01-13T00:00:00.000Z', '2026-01-14T00:00:00.000Z'],
      ['alice', 'layer', '2026-01-14T00:00:00.000Z', '2026-01-19T08:00:00.000Z'],
      ['bob', 'layer', '2026-01-19T08:00:00.000Z', '2026-01-20T00:00:00.000Z'],
    ]);
  });
});
