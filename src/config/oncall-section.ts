/**
 * The on-call sections of the config file: `people:`, `teams:` and `schedules:` (layered
 * rotations with restrictions, plus overrides), their conversion to the core model, and the
 * names escalation policies may target. Checks the schema cannot make live in oncall-checks.ts.
 *
 *     schedules:
 *       - name: primary
 *         time_zone: Europe/Berlin
 *         layers:
 *           - name: weekly
 *             rotation: weekly            # daily | weekly | custom (+ shift_length: 2w)
 *             start: 2026-01-05T09:00     # local, in time_zone; its time is the hand-off time
 *             members: [alice, bob, carol]
 *         overrides:
 *           - { person: dave, start: 2026-01-10T00:00:00Z, end: 2026-01-11T00:00:00Z }
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern, parseDurationMs } from '../core/duration.js';
import { serviceNamePattern } from '../core/services/service.js';
import { parseClockTime, parseLocalDateTime } from '../core/oncall/local-time.js';
import { weekdayNames, type IsoWeekday, type OncallDirectory, type OncallSchedule, type Person, type ScheduleLayer, type Team } from '../core/oncall/oncall-model.js';

const strict = { additionalProperties: false } as const;
const Slug = (description: string) => Type.String({ pattern: serviceNamePattern, description: `${description} Lower-case letters, digits and dashes.` });
const ClockTime = (description: string) => Type.String({ pattern: '^\\d{2}:\\d{2}$', description: `${description} (HH:MM, local time)` });

export const PersonEntry = Type.Object(
  {
    name: Slug('Unique name, used in teams, layers, overrides and escalation policies ({person: name}).'),
    full_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Human name; defaults to the name.' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320, description: 'Email address (shown; notifications go through `notify`).' })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 ()./-]{2,30}$', description: 'Phone number, e.g. +49 30 1234567.' })),
    chat: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Chat handle, e.g. @alice or a Slack member id.' })),
    time_zone: Type.String({ minLength: 1, default: 'UTC', description: 'IANA time zone the person lives in (Europe/Berlin), for showing times.' }),
    notify: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 20,
      description: 'Receivers of the alerting config that reach this person (their email, SMS or Slack DM receiver); escalations to the person or to a schedule they are on call for notify these.',
    }),
  },
  { ...strict, description: 'Someone who can be on call.' },
);

export const TeamEntry = Type.Object(
  {
    name: Slug('Unique team name.'),
    members: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 500, description: 'People (names under people:).' }),
    schedules: Type.Array(Type.String({ minLength: 1 }), { default: [], maxItems: 50, description: 'Schedules the team owns (names under schedules:).' }),
  },
  { ...strict, description: 'A team of people and the schedules it owns.' },
);

export const LayerRestrictionEntry = Type.Object(
  {
    days: Type.Array(Type.Enum([...weekdayNames]), { default: [...weekdayNames], minItems: 1, maxItems: 7, description: 'Weekdays the window starts on (mon..sun); default every day.' }),
    start_time: ClockTime('Window start'),
    end_time: ClockTime('Window end; 24:00 is midnight; an end not after the start runs into the next day (17:00-09:00 is a night)'),
  },
  { ...strict, description: 'A window of local time in which the layer covers; outside every window the layers below show through.' },
);

export const ScheduleLayerEntry = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Layer name, unique within the schedule.' }),
    rotation: Type.Enum(['daily', 'weekly', 'custom'], { description: 'Shift length: daily (1 day), weekly (7 days) or custom (shift_length).' }),
    shift_length: Type.Optional(Type.String({ pattern: durationSchemaPattern, description: 'With rotation: custom, the shift length in whole days: 2d, 14d, 2w.' })),
    start: Type.String({
      minLength: 1,
      description: 'Start of the first shift, local date-time in the schedule time_zone (2026-01-05T09:00) or a date (then handoff_time, default 00:00). Before it the layer covers nobody.',
    }),
    handoff_time: Type.Optional(ClockTime('Time of every hand-off; when start has a time, it must be the same')),
    members: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 200, description: 'People in rotation order; shift k goes to members[k mod n].' }),
    restrictions: Type.Array(LayerRestrictionEntry, { default: [], maxItems: 50, description: 'Windows the layer covers (e.g. Monday-Friday 09:00-17:00); default: all the time.' }),
  },
  { ...strict, description: 'One rotation. Later layers are higher: where they have someone, they win.' },
);

export const ScheduleOverrideEntry = Type.Object(
  {
    person: Type.String({ minLength: 1, description: 'Who takes over (a name under people:).' }),
    start: Type.String({ format: 'date-time', description: 'RFC 3339 instant, e.g. 2026-01-10T08:00:00Z.' }),
    end: Type.String({ format: 'date-time', description: 'RFC 3339 instant, after start.' }),
  },
  { ...strict, description: 'Someone covers the whole schedule for a while, over every layer.' },
);

export const ScheduleEntry = Type.Object(
  {
    name: Slug('Unique schedule name, used by escalation policies ({schedule: name}) and the API.'),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text.' })),
    time_zone: Type.String({ minLength: 1, description: 'IANA time zone of starts, hand-offs and restrictions (Europe/Berlin); DST is followed.' }),
    layers: Type.Array(ScheduleLayerEntry, { minItems: 1, maxItems: 20, description: 'Rotations, lowest first.' }),
    overrides: Type.Array(ScheduleOverrideEntry, { default: [], maxItems: 1000, description: 'Overrides; they must not overlap each other.' }),
  },
  { ...strict, description: 'An on-call schedule.' },
);

/** The three top-level keys; schema.ts spreads them into the config schema. */
export const oncallConfigFields = {
  people: Type.Array(PersonEntry, { default: [], description: 'People who can be on call; see docs/oncall.md.' }),
  teams: Type.Array(TeamEntry, { default: [], description: 'Teams of people; see docs/oncall.md.' }),
  schedules: Type.Array(ScheduleEntry, { default: [], description: 'On-call schedules: layered rotations and overrides; see docs/oncall.md.' }),
};

export const OncallConfigDocument = Type.Object(oncallConfigFields, strict);
export type OncallConfigDocument = Static<typeof OncallConfigDocument>;
export type RawPersonEntry = Static<typeof PersonEntry>;
export type RawScheduleEntry = Static<typeof ScheduleEntry>;
export type RawScheduleLayerEntry = Static<typeof ScheduleLayerEntry>;

const dayMs = 86_400_000;

/** Shift length in whole days as written; undefined when it is not a positive whole number of days. */
export function layerShiftDays(layer: RawScheduleLayerEntry): number | undefined {
  if (layer.rotation === 'daily') return 1;
  if (layer.rotation === 'weekly') return 7;
  const ms = layer.shift_length === undefined ? undefined : parseDurationMs(layer.shift_length);
  return ms === undefined || ms <= 0 || ms % dayMs !== 0 ? undefined : ms / dayMs;
}

function layerFromEntry(entry: RawScheduleLayerEntry): ScheduleLayer {
  const start = parseLocalDateTime(entry.start);
  const handoff = entry.handoff_time === undefined ? undefined : parseClockTime(entry.handoff_time);
  return {
    name: entry.name,
    rotation: entry.rotation,
    shiftDays: layerShiftDays(entry) ?? 1,
    startDate: start?.date ?? { year: 1970, month: 1, day: 1 },
    handoffMinute: start?.minuteOfDay ?? handoff ?? 0,
    members: [...entry.members],
    restrictions: entry.restrictions.map((restriction) => ({
      days: restriction.days.map((day) => (weekdayNames.indexOf(day) + 1) as IsoWeekday),
      startMinute: parseClockTime(restriction.start_time) ?? 0,
      endMinute: parseClockTime(restriction.end_time, true) ?? 1440,
    })),
  };
}

export function scheduleFromEntry(entry: RawScheduleEntry): OncallSchedule {
  return {
    name: entry.name,
    description: entry.description ?? null,
    timeZone: entry.time_zone,
    layers: entry.layers.map(layerFromEntry),
    overrides: entry.overrides.map((override) => ({ person: override.person, startMs: Date.parse(override.start), endMs: Date.parse(override.end) })).sort((a, b) => a.startMs - b.startMs),
  };
}

export function personFromEntry(entry: RawPersonEntry): Person {
  return {
    name: entry.name,
    fullName: entry.full_name ?? entry.name,
    email: entry.email ?? null,
    phone: entry.phone ?? null,
    chat: entry.chat ?? null,
    timeZone: entry.time_zone,
    notify: [...entry.notify],
  };
}

/** The checked sections as the engine and the API use them (call after the checks passed). */
export function oncallDirectoryFromConfig(document: OncallConfigDocument): OncallDirectory {
  const teams: Team[] = document.teams.map((team) => ({ name: team.name, members: [...team.members], schedules: [...team.schedules] }));
  return { people: document.people.map(personFromEntry), teams, schedules: document.schedules.map(scheduleFromEntry) };
}

/** Names escalation policies may target as {person: ...} and {schedule: ...}. */
export function oncallTargetNames(document: OncallConfigDocument): { people: Set<string>; schedules: Set<string> } {
  return { people: new Set(document.people.map((person) => person.name)), schedules: new Set(document.schedules.map((schedule) => schedule.name)) };
}
