import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError } from './config-problem.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-oncall-config-');

const receivers = `
alerting:
  receivers: [{ name: default }, { name: alice-sms }, { name: bob-email }, { name: carol-slack }]
  route: { receiver: default }
`;

const people = `
people:
  - { name: alice, full_name: Alice Example, email: alice@example.com, phone: "+49 30 1234567", chat: "@alice", time_zone: Europe/Berlin, notify: [alice-sms] }
  - { name: bob, notify: [bob-email] }
  - { name: carol, time_zone: America/New_York, notify: [carol-slack] }
`;

const goodSchedule = `
schedules:
  - name: primary
    time_zone: Europe/Berlin
    layers:
      - { name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice, bob] }
      - name: business-hours
        rotation: custom
        shift_length: 2w
        start: "2026-01-05"
        handoff_time: "09:00"
        members: [carol]
        restrictions: [{ days: [mon, tue, wed, thu, fri], start_time: "09:00", end_time: "17:00" }]
    overrides:
      - { person: carol, start: "2026-01-10T00:00:00Z", end: "2026-01-11T00:00:00Z" }
teams:
  - { name: platform, members: [alice, bob, carol], schedules: [primary] }
`;

async function load(yaml: string) {
  const cwd = await writeTree({ 'main.yaml': yaml });
  return loadConfig('main.yaml', { env: {}, cwd });
}

async function problems(yaml: string): Promise<Array<[string, string]>> {
  try {
    await load(yaml);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => [problem.path, problem.message]);
  }
}

describe('people, teams and schedules in the config', () => {
  it('load into the on-call directory with local starts, hand-off times and restrictions', async () => {
    const loaded = await load(`${receivers}${people}${goodSchedule}`);
    const { oncall } = loaded.runtime;
    expect(oncall.people[0]).toEqual({ name: 'alice', fullName: 'Alice Example', email: 'alice@example.com', phone: '+49 30 1234567', chat: '@alice', timeZone: 'Europe/Berlin', notify: ['alice-sms'] });
    expect(oncall.people[1]).toMatchObject({ name: 'bob', fullName: 'bob', timeZone: 'UTC', email: null });
    expect(oncall.teams).toEqual([{ name: 'platform', members: ['alice', 'bob', 'carol'], schedules: ['primary'] }]);
    const [schedule] = oncall.schedules;
    expect(schedule?.layers.map((layer) => [layer.name, layer.shiftDays, layer.startDate, layer.handoffMinute, layer.restrictions])).toEqual([
      ['weekly', 7, { year: 2026, month: 1, day: 5 }, 540, []],
      ['business-hours', 14, { year: 2026, month: 1, day: 5 }, 540, [{ days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 }]],
    ]);
    expect(schedule?.overrides).toEqual([{ person: 'carol', startMs: Date.parse('2026-01-10T00:00:00Z'), endMs: Date.parse('2026-01-11T00:00:00Z') }]);
  });

  it('lets escalation policies target configured people and schedules, and names the unknown ones', async () => {
    const policies = (targets: string) => `\n  escalation_policies:\n    - name: critical\n      levels: [{ notify: [${targets}] }]\n`;
    await expect(load(`${receivers}${policies('{ schedule: primary }, { person: bob }, default')}${people}${goodSchedule}`)).resolves.toBeDefined();
    expect(await problems(`${receivers}${policies('{ schedule: secondary }, { person: dave }')}${people}${goodSchedule}`)).toEqual([
      ['alerting.escalation_policies[0].levels[0].notify[0]', "schedule 'secondary' does not exist (known: primary)"],
      ['alerting.escalation_policies[0].levels[0].notify[1]', "person 'dave' does not exist (known: alice, bob, carol)"],
    ]);
  });

  const base = `${receivers}${people}`;
  const schedule = (layer: string, extra = '') => `
schedules:
  - name: primary
    time_zone: Europe/Berlin
    layers:
      - ${layer}
${extra}`;
  const weekly = '{ name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice, bob] }';

  it.each<[string, string, Array<[string, string]>]>([
    ['unknown person in a layer', schedule('{ name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice, zed] }'), [['schedules[0].layers[0].members[1]', "person 'zed' does not exist (known: alice, bob, carol)"]]],
    ['empty member list', schedule('{ name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [] }'), [['schedules[0].layers[0].members', 'must have at least 1 items']]],
    ['zero-length custom rotation', schedule('{ name: w, rotation: custom, shift_length: "0", start: "2026-01-05", members: [alice] }'), [['schedules[0].layers[0].shift_length', 'must be a positive whole number of days (1d, 14d, 2w), got 0: hand-offs happen at the local hand-off time']]],
    ['custom rotation of part of a day', schedule('{ name: w, rotation: custom, shift_length: 12h, start: "2026-01-05", members: [alice] }'), [['schedules[0].layers[0].shift_length', 'must be a positive whole number of days (1d, 14d, 2w), got 12h: hand-offs happen at the local hand-off time']]],
    ['negative rotation length', schedule('{ name: w, rotation: custom, shift_length: "-7d", start: "2026-01-05", members: [alice] }'), [['schedules[0].layers[0].shift_length', 'must be a duration like 30s, 5m, 1h']]],
    ['custom rotation without a length', schedule('{ name: w, rotation: custom, start: "2026-01-05", members: [alice] }'), [['schedules[0].layers[0].shift_length', 'is required with rotation: custom (whole days: 2d, 14d, 2w)']]],
    ['a start that is no local date-time', schedule('{ name: w, rotation: daily, start: "2026-01-05T09:00:00Z", members: [alice] }'), [['schedules[0].layers[0].start', "must be a local date-time like 2026-01-05T09:00 or a date like 2026-01-05 (no zone: the schedule's time_zone applies), got '2026-01-05T09:00:00Z'"]]],
    ['hand-off time contradicting the start', schedule('{ name: w, rotation: daily, start: "2026-01-05T09:00", handoff_time: "10:00", members: [alice] }'), [['schedules[0].layers[0].handoff_time', 'differs from the time of start (2026-01-05T09:00); give the hand-off time once']]],
    ['unknown schedule time zone', schedule(weekly).replace('Europe/Berlin', 'Europe/Atlantis'), [['schedules[0].time_zone', "unknown time zone 'Europe/Atlantis'; use an IANA name like Europe/Berlin or America/New_York"]]],
    ['override ending before it starts', schedule(weekly, '    overrides: [{ person: bob, start: "2026-01-10T00:00:00Z", end: "2026-01-09T00:00:00Z" }]'), [['schedules[0].overrides[0].end', 'must be after start']]],
    ['override of zero length', schedule(weekly, '    overrides: [{ person: bob, start: "2026-01-10T00:00:00Z", end: "2026-01-10T00:00:00Z" }]'), [['schedules[0].overrides[0].end', 'must be after start']]],
    ['overlapping overrides', schedule(weekly, '    overrides:\n      - { person: bob, start: "2026-01-10T00:00:00Z", end: "2026-01-11T00:00:00Z" }\n      - { person: carol, start: "2026-01-10T12:00:00+01:00", end: "2026-01-12T00:00:00Z" }'), [['schedules[0].overrides[1].start', 'overlaps override 0 (2026-01-10T00:00:00Z to 2026-01-11T00:00:00Z); overrides of one schedule must not overlap']]],
    ['override by an unknown person', schedule(weekly, '    overrides: [{ person: zed, start: "2026-01-10T00:00:00Z", end: "2026-01-11T00:00:00Z" }]'), [['schedules[0].overrides[0].person', "person 'zed' does not exist (known: alice, bob, carol)"]]],
    ['restriction with equal start and end', schedule('{ name: w, rotation: daily, start: "2026-01-05", members: [alice], restrictions: [{ start_time: "09:00", end_time: "09:00" }] }'), [['schedules[0].layers[0].restrictions[0].end_time', 'equals start_time: the window would be empty or a whole day; leave out restrictions to cover all day']]],
    ['unknown team member and schedule', `${schedule(weekly)}teams: [{ name: sre, members: [alice, zed], schedules: [primary, nights] }]\n`, [['teams[0].members[1]', "person 'zed' does not exist (known: alice, bob, carol)"], ['teams[0].schedules[1]', "schedule 'nights' does not exist (known: primary)"]]],
    ['duplicate schedule names', `${schedule(weekly)}  - { name: primary, time_zone: UTC, layers: [${weekly}] }\n`, [['schedules[1].name', "'primary' is used by an earlier schedule (schedules[0]); names must be unique"]]],
  ])('%s', async (_name, yaml, expected) => {
    expect(await problems(`${base}${yaml}`)).toEqual(expected);
  });

  it.each<[string, string, Array<[string, string]>]>([
    ['unknown person time zone', `${receivers}people: [{ name: alice, time_zone: Mars/Base, notify: [alice-sms] }]\n`, [['people[0].time_zone', "unknown time zone 'Mars/Base'; use an IANA name like Europe/Berlin or America/New_York"]]],
    ['notify naming no receiver', `${receivers}people: [{ name: alice, notify: [alice-sms, alice-pager] }]\n`, [['people[0].notify[1]', "receiver 'alice-pager' does not exist (known: alice-sms, bob-email, carol-slack, default)"]]],
    ['a person nobody can reach', `${receivers}people: [{ name: alice, notify: [] }]\n`, [['people[0].notify', 'must have at least 1 items']]],
  ])('%s', async (_name, yaml, expected) => {
    expect(await problems(yaml)).toEqual(expected);
  });
});
