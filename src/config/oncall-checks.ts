/**
 * Checks of `people:`, `teams:` and `schedules:` the schema cannot make, each naming its field:
 * unknown people in teams, layers and overrides, unknown time zones, rotations without a
 * positive whole number of days, unparseable starts, overrides that end before they start or
 * overlap another override of the schedule, duplicate names; and, once the alerting receivers
 * are known, `notify` entries naming no receiver.
 */
import { isKnownTimeZone, parseClockTime, parseLocalDateTime } from '../core/oncall/local-time.js';
import type { PathSegment } from '../core/validation/field-path.js';
import { layerShiftDays, type OncallConfigDocument, type RawScheduleEntry } from './oncall-section.js';
import type { PathProblem } from './schema-errors.js';

function known(kind: string, name: string, names: ReadonlySet<string>): string {
  if (names.size === 0) return `${kind} '${name}' does not exist (none are configured)`;
  const sorted = [...names].sort();
  return `${kind} '${name}' does not exist (known: ${sorted.length > 10 ? `${sorted.slice(0, 10).join(', ')}, ...` : sorted.join(', ')})`;
}

function duplicates(names: readonly string[], base: PathSegment[], what: string, problems: PathProblem[]): void {
  const first = new Map<string, number>();
  names.forEach((name, index) => {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else problems.push({ path: [...base, index, 'name'], message: `'${name}' is used by an earlier ${what} (${base.map(String).join('.')}[${earlier}]); names must be unique` });
  });
}

function timeZoneProblem(zone: string, path: PathSegment[], problems: PathProblem[]): void {
  if (!isKnownTimeZone(zone)) problems.push({ path, message: `unknown time zone '${zone}'; use an IANA name like Europe/Berlin or America/New_York` });
}

/** Every structural problem of the three sections (receivers are checked by `oncallNotifyProblems`). */
export function oncallProblems(document: OncallConfigDocument): PathProblem[] {
  const problems: PathProblem[] = [];
  const people = new Set(document.people.map((person) => person.name));
  const schedules = new Set(document.schedules.map((schedule) => schedule.name));
  duplicates(document.people.map((person) => person.name), ['people'], 'person', problems);
  duplicates(document.teams.map((team) => team.name), ['teams'], 'team', problems);
  duplicates(document.schedules.map((schedule) => schedule.name), ['schedules'], 'schedule', problems);
  document.people.forEach((person, index) => timeZoneProblem(person.time_zone, ['people', index, 'time_zone'], problems));
  document.teams.forEach((team, index) => {
    team.members.forEach((member, m) => {
      if (!people.has(member)) problems.push({ path: ['teams', index, 'members', m], message: known('person', member, people) });
    });
    team.schedules.forEach((schedule, s) => {
      if (!schedules.has(schedule)) problems.push({ path: ['teams', index, 'schedules', s], message: known('schedule', schedule, schedules) });
    });
  });
  document.schedules.forEach((schedule, index) => problems.push(...scheduleProblems(schedule, ['schedules', index], people)));
  return problems;
}

function scheduleProblems(schedule: RawScheduleEntry, base: PathSegment[], people: ReadonlySet<string>): PathProblem[] {
  const problems: PathProblem[] = [];
  const at = (...segments: PathSegment[]) => [...base, ...segments];
  timeZoneProblem(schedule.time_zone, at('time_zone'), problems);
  duplicates(schedule.layers.map((layer) => layer.name), at('layers'), 'layer of this schedule', problems);
  schedule.layers.forEach((layer, index) => {
    const path = (...segments: PathSegment[]) => at('layers', index, ...segments);
    if (layer.rotation === 'custom' && layer.shift_length === undefined) problems.push({ path: path('shift_length'), message: 'is required with rotation: custom (whole days: 2d, 14d, 2w)' });
    if (layer.rotation !== 'custom' && layer.shift_length !== undefined) problems.push({ path: path('shift_length'), message: `only goes with rotation: custom (a ${layer.rotation} rotation has its own length)` });
    if (layer.rotation === 'custom' && layer.shift_length !== undefined && layerShiftDays(layer) === undefined) {
      problems.push({ path: path('shift_length'), message: `must be a positive whole number of days (1d, 14d, 2w), got ${layer.shift_length}: hand-offs happen at the local hand-off time` });
    }
    const start = parseLocalDateTime(layer.start);
    if (start === undefined) problems.push({ path: path('start'), message: `must be a local date-time like 2026-01-05T09:00 or a date like 2026-01-05 (no zone: the schedule's time_zone applies), got '${layer.start}'` });
    const handoff = layer.handoff_time === undefined ? undefined : parseClockTime(layer.handoff_time);
    if (layer.handoff_time !== undefined && handoff === undefined) problems.push({ path: path('handoff_time'), message: `must be a time of day from 00:00 to 23:59, got '${layer.handoff_time}'` });
    if (start?.minuteOfDay != null && handoff !== undefined && handoff !== start.minuteOfDay) {
      problems.push({ path: path('handoff_time'), message: `differs from the time of start (${layer.start}); give the hand-off time once` });
    }
    layer.members.forEach((member, m) => {
      if (!people.has(member)) problems.push({ path: path('members', m), message: known('person', member, people) });
    });
    layer.restrictions.forEach((restriction, r) => {
      const startMinute = parseClockTime(restriction.start_time);
      const endMinute = parseClockTime(restriction.end_time, true);
      if (startMinute === undefined) problems.push({ path: path('restrictions', r, 'start_time'), message: `must be a time of day from 00:00 to 23:59, got '${restriction.start_time}'` });
      if (endMinute === undefined) problems.push({ path: path('restrictions', r, 'end_time'), message: `must be a time of day from 00:00 to 24:00, got '${restriction.end_time}'` });
      if (startMinute !== undefined && endMinute !== undefined && endMinute % 1440 === startMinute) {
        problems.push({ path: path('restrictions', r, 'end_time'), message: 'equals start_time: the window would be empty or a whole day; leave out restrictions to cover all day' });
      }
    });
  });
  const overrides = schedule.overrides.map((override, index) => ({ index, person: override.person, startMs: Date.parse(override.start), endMs: Date.parse(override.end) }));
  for (const override of overrides) {
    if (!people.has(override.person)) problems.push({ path: at('overrides', override.index, 'person'), message: known('person', override.person, people) });
    if (override.endMs <= override.startMs) problems.push({ path: at('overrides', override.index, 'end'), message: 'must be after start' });
  }
  const sound = overrides.filter((override) => override.endMs > override.startMs).sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  for (let i = 1; i < sound.length; i += 1) {
    const previous = sound[i - 1];
    const current = sound[i];
    if (previous !== undefined && current !== undefined && current.startMs < previous.endMs) {
      const [later, earlier] = current.index > previous.index ? [current, previous] : [previous, current];
      problems.push({ path: at('overrides', later.index, 'start'), message: `overlaps override ${earlier.index} (${schedule.overrides[earlier.index]?.start ?? ''} to ${schedule.overrides[earlier.index]?.end ?? ''}); overrides of one schedule must not overlap` });
    }
  }
  return problems;
}

/** `people[i].notify[j]` entries that name no receiver of the alerting config. */
export function oncallNotifyProblems(document: OncallConfigDocument, receivers: ReadonlySet<string>): PathProblem[] {
  return document.people.flatMap((person, index) =>
    person.notify.flatMap((receiver, r) => (receivers.has(receiver) ? [] : [{ path: ['people', index, 'notify', r], message: known('receiver', receiver, receivers) }])),
  );
}
