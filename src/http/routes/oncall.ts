/**
 * On-call: `GET /api/v1/oncall` (who is on call in each schedule at an instant, per layer and
 * after overrides, with since/until), `/api/v1/schedules` with their shifts over a range (at
 * most 90 days), `/api/v1/people` and `/api/v1/teams` (viewer): people, teams and schedules
 * live in the config file. Overrides can also be created and deleted through the API
 * (responder); those are stored. Times are RFC 3339 UTC.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { formatClockTime, formatLocalDate } from '../../core/oncall/local-time.js';
import { weekdayNames, type OncallDirectory, type OncallSchedule, type Person } from '../../core/oncall/oncall-model.js';
import { rotationShifts, whoIsOnCall, type OnCallAnswer, type OnCallSource } from '../../core/oncall/schedule-timeline.js';
import type { Actor } from '../../engine/actor.js';

/** A stored override as the routes see it (src/engine/oncall/oncall-overrides.ts). */
export interface ApiOncallOverride {
  id: string;
  schedule: string;
  person: string;
  startMs: number;
  endMs: number;
  createdBy: string;
}

/** Creating and deleting overrides; absent when the server has no store for them. */
export interface OncallOverridesApi {
  create(input: { schedule: string; person: string; startMs: number; endMs: number }, actor: Actor): Promise<ApiOncallOverride>;
  remove(schedule: string, id: string, actor: Actor): Promise<ApiOncallOverride>;
}

const dayMs = 86_400_000;
/** Longest range `shifts` answers; a quarter is what a schedule view shows. */
export const maxShiftRangeMs = 90 * dayMs;
const defaultShiftRangeMs = 14 * dayMs;

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const Instant = (description: string) => Type.Optional(Type.String({ maxLength: 64, description: `${description} RFC 3339, e.g. 2026-01-05T09:00:00Z.` }));

const OncallQuery = Type.Object(
  {
    schedule: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'One schedule; default every schedule.' })),
    at: Instant('The instant to answer for; default now.'),
  },
  { additionalProperties: false },
);
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });
const OverrideParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), id: Type.String({ minLength: 1, maxLength: 100 }) });
const NewOverride = Type.Object(
  {
    person: Type.String({ minLength: 1, maxLength: 200, description: 'Who takes over (a configured person).' }),
    start: Type.String({ maxLength: 64, description: 'RFC 3339 instant.' }),
    end: Type.String({ maxLength: 64, description: 'RFC 3339 instant, after start.' }),
  },
  { additionalProperties: false },
);
const ShiftsQuery = Type.Object({ from: Instant('Start of the range; default now.'), to: Instant('End of the range; default from + 14 days; at most 90 days after from.') }, { additionalProperties: false });

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function parseInstant(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = rfc3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ValidationError([{ field, message: `must be an RFC 3339 time like 2026-01-05T09:00:00Z, got ${JSON.stringify(value)}` }]);
  return ms;
}

function sourceJson(source: OnCallSource | null): { source: 'override' | 'layer' | null; layer: string | null } {
  if (source === null) return { source: null, layer: null };
  return source.kind === 'override' ? { source: 'override', layer: null } : { source: 'layer', layer: source.layer };
}

function contactJson(person: Person | undefined) {
  return person === undefined ? null : { full_name: person.fullName, email: person.email, phone: person.phone, chat: person.chat, time_zone: person.timeZone };
}

export function onCallJson(schedule: OncallSchedule, answer: OnCallAnswer, people: ReadonlyMap<string, Person>) {
  const { person } = answer.final;
  return {
    schedule: schedule.name,
    time_zone: schedule.timeZone,
    at: iso(answer.atMs),
    on_call: {
      person,
      ...sourceJson(answer.final.source),
      since: iso(answer.final.sinceMs),
      until: iso(answer.final.untilMs),
      contact: person === null ? null : contactJson(people.get(person)),
    },
    layers: answer.layers.map((layer) => ({ layer: layer.layer, person: layer.person, since: iso(layer.sinceMs), until: iso(layer.untilMs) })),
    next_handoff_at: iso(answer.nextHandoffAtMs),
  };
}

export function scheduleJson(schedule: OncallSchedule, teams: readonly string[]) {
  return {
    name: schedule.name,
    description: schedule.description,
    time_zone: schedule.timeZone,
    teams,
    layers: schedule.layers.map((layer) => ({
      name: layer.name,
      rotation: layer.rotation,
      shift_length: `${layer.shiftDays}d`,
      start: `${formatLocalDate(layer.startDate)}T${formatClockTime(layer.handoffMinute)}`,
      handoff_time: formatClockTime(layer.handoffMinute),
      members: layer.members,
      restrictions: layer.restrictions.map((restriction) => ({
        days: restriction.days.map((day) => weekdayNames[day - 1]),
        start_time: formatClockTime(restriction.startMinute),
        end_time: formatClockTime(restriction.endMinute),
      })),
    })),
    overrides: schedule.overrides.map((override) => ({
      id: override.id ?? null,
      source: override.id === undefined ? 'config' : 'api',
      person: override.person,
      start: iso(override.startMs),
      end: iso(override.endMs),
      created_by: override.createdBy ?? null,
    })),
  };
}

function overrideJson(override: ApiOncallOverride) {
  return { id: override.id, source: 'api', schedule: override.schedule, person: override.person, start: iso(override.startMs), end: iso(override.endMs), created_by: override.createdBy };
}

export function registerOncallRoutes(app: FastifyInstance, deps: { oncall: () => OncallDirectory; clock: Clock; overrides?: OncallOverridesApi }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const read = { requiredRole: 'viewer' as const };
  const scheduleNamed = (name: string): OncallSchedule => {
    const schedule = deps.oncall().schedules.find((candidate) => candidate.name === name);
    if (schedule === undefined) throw new NotFoundError('schedule', name);
    return schedule;
  };
  const teamsOf = (directory: OncallDirectory, schedule: string) => directory.teams.filter((team) => team.schedules.includes(schedule)).map((team) => team.name);

  api.get('/api/v1/oncall', { config: read, schema: { tags: ['oncall'], summary: 'Who is on call at an instant, per layer and after overrides', querystring: OncallQuery } }, (request) => {
    const atMs = parseInstant('at', request.query.at) ?? deps.clock.nowMs();
    const directory = deps.oncall();
    const schedules = request.query.schedule === undefined ? directory.schedules : [scheduleNamed(request.query.schedule)];
    const people = new Map(directory.people.map((person) => [person.name, person]));
    return Promise.resolve({ at: iso(atMs), items: schedules.map((schedule) => onCallJson(schedule, whoIsOnCall(schedule, atMs), people)) });
  });

  api.get('/api/v1/schedules', { config: read, schema: { tags: ['oncall'], summary: 'On-call schedules with their layers and overrides' } }, () => {
    const directory = deps.oncall();
    return Promise.resolve({ items: directory.schedules.map((schedule) => scheduleJson(schedule, teamsOf(directory, schedule.name))) });
  });

  api.get('/api/v1/schedules/:name', { config: read, schema: { tags: ['oncall'], summary: 'One schedule', params: NameParams } }, (request) => {
    const schedule = scheduleNamed(request.params.name);
    return Promise.resolve(scheduleJson(schedule, teamsOf(deps.oncall(), schedule.name)));
  });

  api.get('/api/v1/schedules/:name/shifts', { config: read, schema: { tags: ['oncall'], summary: 'Shifts per layer and the final schedule over a range (at most 90 days)', params: NameParams, querystring: ShiftsQuery } }, (request) => {
    const schedule = scheduleNamed(request.params.name);
    const fromMs = parseInstant('from', request.query.from) ?? deps.clock.nowMs();
    const toMs = parseInstant('to', request.query.to) ?? fromMs + defaultShiftRangeMs;
    if (toMs <= fromMs) throw new ValidationError([{ field: 'to', message: 'must be after from' }]);
    if (toMs - fromMs > maxShiftRangeMs) throw new ValidationError([{ field: 'to', message: `the range may span at most 90 days; ask for ${new Date(fromMs + maxShiftRangeMs).toISOString()} or earlier` }]);
    const shifts = rotationShifts(schedule, fromMs, toMs);
    const span = (segment: { startMs: number; endMs: number }) => ({ start: iso(segment.startMs), end: iso(segment.endMs) });
    return Promise.resolve({
      schedule: schedule.name,
      time_zone: schedule.timeZone,
      from: iso(fromMs),
      to: iso(toMs),
      layers: shifts.layers.map((layer) => ({ layer: layer.layer, shifts: layer.shifts.map((shift) => ({ person: shift.person, ...span(shift) })) })),
      final: shifts.final.map((segment) => ({ person: segment.person, ...sourceJson(segment.source), ...span(segment) })),
      overrides: shifts.overrides.map((override) => ({ person: override.person, ...span(override) })),
    });
  });

  const { overrides } = deps;
  if (overrides !== undefined) {
    const write = { requiredRole: 'responder' as const };
    api.post('/api/v1/schedules/:name/overrides', { config: write, schema: { tags: ['oncall'], summary: 'Create an override (stored; must not overlap another)', params: NameParams, body: NewOverride } }, async (request, reply) => {
      const schedule = scheduleNamed(request.params.name);
      const startMs = parseInstant('start', request.body.start) ?? 0;
      const endMs = parseInstant('end', request.body.end) ?? 0;
      const created = await overrides.create({ schedule: schedule.name, person: request.body.person, startMs, endMs }, request.actor);
      return reply.code(201).header('location', `/api/v1/schedules/${encodeURIComponent(schedule.name)}/overrides/${encodeURIComponent(created.id)}`).send(overrideJson(created));
    });
    api.delete('/api/v1/schedules/:name/overrides/:id', { config: write, schema: { tags: ['oncall'], summary: 'Delete an override created through the API', params: OverrideParams } }, async (request) =>
      overrideJson(await overrides.remove(scheduleNamed(request.params.name).name, request.params.id, request.actor)),
    );
  }

  api.get('/api/v1/people', { config: read, schema: { tags: ['oncall'], summary: 'People who can be on call' } }, () => {
    const directory = deps.oncall();
    return Promise.resolve({
      items: directory.people.map((person) => ({
        name: person.name,
        ...contactJson(person),
        notify: person.notify,
        teams: directory.teams.filter((team) => team.members.includes(person.name)).map((team) => team.name),
        schedules: directory.schedules.filter((schedule) => schedule.layers.some((layer) => layer.members.includes(person.name))).map((schedule) => schedule.name),
      })),
    });
  });

  api.get('/api/v1/teams', { config: read, schema: { tags: ['oncall'], summary: 'Teams, their members and schedules' } }, () =>
    Promise.resolve({ items: deps.oncall().teams.map((team) => ({ name: team.name, members: team.members, schedules: team.schedules })) }),
  );
}
