import { describe, expect, it } from 'vitest';
import {
  activeWindow,
  nextWindowStart,
  validateMaintenanceWindow,
  type MaintenanceWindow,
  type OnceMaintenanceWindow,
  type RecurringMaintenanceWindow,
} from './maintenance-window.js';

const hourMs = 3600_000;
const minuteMs = 60_000;
const at = (iso: string): number => Date.parse(iso);

function once(startIso: string, endIso: string, id = 'once'): OnceMaintenanceWindow {
  return { id, kind: 'once', startMs: at(startIso), endMs: at(endIso) };
}

function recurring(cron: string, timeZone: string, durationMs: number, id = 'recurring'): RecurringMaintenanceWindow {
  return { id, kind: 'recurring', cron, timeZone, durationMs };
}

/** The active window as ISO strings, so a failing row reads like the table. */
function activeAt(windows: readonly MaintenanceWindow[], nowIso: string): { id: string; from: string; to: string } | undefined {
  const occurrence = activeWindow(windows, at(nowIso));
  if (occurrence === undefined) return undefined;
  return {
    id: occurrence.window.id,
    from: new Date(occurrence.startedAtMs).toISOString(),
    to: new Date(occurrence.endsAtMs).toISOString(),
  };
}

describe('validateMaintenanceWindow', () => {
  it.each<[string, MaintenanceWindow, { field: string; message: RegExp }[]]>([
    ['a valid one-off window', once('2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z'), []],
    ['a one-off window ending at its start', once('2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z'), [{ field: 'end', message: /after start/ }]],
    ['a one-off window ending before its start', once('2026-01-01T10:00:00Z', '2026-01-01T09:00:00Z'), [{ field: 'end', message: /after start/ }]],
    ['a one-off window with an unreadable start', { id: 'x', kind: 'once', startMs: Number.NaN, endMs: 0 }, [{ field: 'start', message: /valid time/ }]],
    ['an empty id', { ...once('2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z'), id: ' ' }, [{ field: 'id', message: /empty/ }]],
    ['a valid 5-field cron', recurring('0 2 * * *', 'Europe/Berlin', 2 * hourMs), []],
    ['a valid 6-field cron (seconds first)', recurring('30 0 2 * * *', 'America/New_York', hourMs), []],
    ['a cron nickname', recurring('@weekly', 'UTC', hourMs), []],
    ['a cron that is not one', recurring('bad', 'UTC', hourMs), [{ field: 'cron', message: /^CronPattern: invalid configuration format/ }]],
    ['a 7-field cron (with year)', recurring('0 0 2 * * * 2026', 'UTC', hourMs), [{ field: 'cron', message: /5 or 6 parts/ }]],
    ['an hour out of range', recurring('0 25 * * *', 'UTC', hourMs), [{ field: 'cron', message: /Invalid value for hour: 25/ }]],
    ['an unknown time zone', recurring('0 2 * * *', 'Europe/Berlln', hourMs), [{ field: 'time_zone', message: /unknown time zone 'Europe\/Berlln'/ }]],
    ['an empty time zone', recurring('0 2 * * *', '', hourMs), [{ field: 'time_zone', message: /IANA/ }]],
    ['a zero duration', recurring('0 2 * * *', 'UTC', 0), [{ field: 'duration', message: /longer than 0s/ }]],
    ['a negative duration', recurring('0 2 * * *', 'UTC', -minuteMs), [{ field: 'duration', message: /longer than 0s/ }]],
    [
      'every bad field at once',
      recurring('0 2 * *', 'Mars/Base', 0),
      [
        { field: 'duration', message: /longer than 0s/ },
        { field: 'time_zone', message: /unknown time zone/ },
        { field: 'cron', message: /exactly five, six, or seven/ },
      ],
    ],
  ])('%s', (_name, window, expected) => {
    const problems = validateMaintenanceWindow(window);
    expect(problems.map((p) => p.field)).toEqual(expected.map((e) => e.field));
    problems.forEach((problem, index) => expect(problem.message).toMatch(expected[index]?.message ?? /^$/));
  });

  it('names fields under the path it is given', () => {
    const problems = validateMaintenanceWindow(recurring('0 2 * * *', 'Nowhere/City', hourMs), ['maintenance_windows', 2]);
    expect(problems.map((p) => p.field)).toEqual(['maintenance_windows[2].time_zone']);
  });
});

describe('activeWindow: one-off windows, start inclusive and end exclusive', () => {
  const window = once('2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z');
  const open = { id: 'once', from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T12:00:00.000Z' };
  it.each([
    ['2026-01-01T09:59:59.999Z', undefined],
    ['2026-01-01T10:00:00.000Z', open],
    ['2026-01-01T11:59:59.999Z', open],
    ['2026-01-01T12:00:00.000Z', undefined],
  ])('at %s', (nowIso, expected) => {
    expect(activeAt([window], nowIso)).toEqual(expected);
  });
});

describe('activeWindow: recurring windows', () => {
  const dailyUtc = recurring('0 2 * * *', 'UTC', 2 * hourMs);
  // Sunday 22:00 New York time for 3h: 03:00Z in winter (EST), 02:00Z in summer (EDT).
  const weeklyNewYork = recurring('0 22 * * SUN', 'America/New_York', 3 * hourMs);
  const hourlyOverlapping = recurring('0 * * * *', 'UTC', 90 * minuteMs);
  const sixField = recurring('30 0 2 * * *', 'UTC', minuteMs);
  it.each<[string, RecurringMaintenanceWindow, string, [string, string] | undefined]>([
    ['daily UTC, just before', dailyUtc, '2026-01-01T01:59:59.999Z', undefined],
    ['daily UTC, at the start', dailyUtc, '2026-01-01T02:00:00.000Z', ['2026-01-01T02:00:00.000Z', '2026-01-01T04:00:00.000Z']],
    ['daily UTC, last millisecond', dailyUtc, '2026-01-01T03:59:59.999Z', ['2026-01-01T02:00:00.000Z', '2026-01-01T04:00:00.000Z']],
    ['daily UTC, at the end', dailyUtc, '2026-01-01T04:00:00.000Z', undefined],
    ['weekly New York in winter (EST)', weeklyNewYork, '2026-03-02T05:59:59Z', ['2026-03-02T03:00:00.000Z', '2026-03-02T06:00:00.000Z']],
    ['weekly New York, not on Monday', weeklyNewYork, '2026-03-03T04:00:00Z', undefined],
    // 2026-03-08 is the spring-forward Sunday: 22:00 that evening is already EDT.
    ['weekly New York after spring forward, open', weeklyNewYork, '2026-03-09T02:00:00Z', ['2026-03-09T02:00:00.000Z', '2026-03-09T05:00:00.000Z']],
    ['weekly New York after spring forward, closed at the EDT end', weeklyNewYork, '2026-03-09T05:30:00Z', undefined],
    ['overlapping occurrences merge', hourlyOverlapping, '2026-01-01T01:15:00Z', ['2026-01-01T01:00:00.000Z', '2026-01-01T02:30:00.000Z']],
    ['6-field cron to the second', sixField, '2026-01-01T02:00:30Z', ['2026-01-01T02:00:30.000Z', '2026-01-01T02:01:30.000Z']],
    ['6-field cron, a second early', sixField, '2026-01-01T02:00:29.999Z', undefined],
  ])('%s', (_name, window, nowIso, expected) => {
    const result = activeAt([window], nowIso);
    expect(result === undefined ? undefined : [result.from, result.to]).toEqual(expected);
  });
});

describe('activeWindow across daylight-saving changes', () => {
  const berlinDaily = recurring('0 2 * * *', 'Europe/Berlin', 2 * hourMs);
  const berlinOneHour = recurring('0 2 * * *', 'Europe/Berlin', hourMs);
  const berlinFixedList = recurring('0,30 2 * * *', 'Europe/Berlin', 10 * minuteMs);
  const berlinStepped = recurring('*/30 2 * * *', 'Europe/Berlin', 10 * minuteMs);
  const newYorkSpring = recurring('30 2 * * *', 'America/New_York', hourMs);
  const newYorkFall = recurring('30 1 * * *', 'America/New_York', hourMs);
  it.each<[string, RecurringMaintenanceWindow, string, [string, string] | undefined]>([
    // Berlin 2026-03-29: 02:00 CET (01:00Z) jumps to 03:00 CEST; 02:00 does not exist.
    ['Berlin, the day before spring forward (CET)', berlinDaily, '2026-03-28T01:00:00Z', ['2026-03-28T01:00:00.000Z', '2026-03-28T03:00:00.000Z']],
    ['Berlin spring forward: nothing before the jump', berlinDaily, '2026-03-29T00:59:59.999Z', undefined],
    ['Berlin spring forward: opens at the jump (03:00 CEST)', berlinDaily, '2026-03-29T01:00:00Z', ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']],
    ['Berlin spring forward: lasts 2 real hours (to 05:00 CEST)', berlinDaily, '2026-03-29T02:59:59.999Z', ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']],
    ['Berlin spring forward: closed after', berlinDaily, '2026-03-29T03:00:00Z', undefined],
    ['Berlin, the day after spring forward (CEST)', berlinDaily, '2026-03-30T00:00:00Z', ['2026-03-30T00:00:00.000Z', '2026-03-30T02:00:00.000Z']],
    // Berlin 2026-10-25: 03:00 CEST (01:00Z) falls back to 02:00 CET; 02:00-02:59 happens twice.
    ['Berlin fall back: opens on the first 02:00 (CEST)', berlinDaily, '2026-10-25T00:00:00Z', ['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']],
    ['Berlin fall back: the second 02:30 (CET) does not restart it', berlinDaily, '2026-10-25T01:30:00Z', ['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']],
    ['Berlin fall back: closed after 2 real hours (03:00 CET)', berlinDaily, '2026-10-25T02:00:00Z', undefined],
    ['Berlin fall back, 1h: closed at the second 02:00', berlinOneHour, '2026-10-25T01:00:00Z', undefined],
    ['Berlin fall back, 1h: closed at the second 02:30', berlinOneHour, '2026-10-25T01:30:00Z', undefined],
    // A list of fixed times is fixed-time too: once on fall back, moved to the jump on spring forward.
    ['fixed list, fall back: not again on the second pass', berlinFixedList, '2026-10-25T01:05:00Z', undefined],
    ['fixed list, spring forward: 02:00 and 02:30 both open at 03:00 CEST', berlinFixedList, '2026-03-29T01:05:00Z', ['2026-03-29T01:00:00.000Z', '2026-03-29T01:10:00.000Z']],
    ['fixed list, spring forward: only once', berlinFixedList, '2026-03-29T01:35:00Z', undefined],
    // A stepped minute field is an interval schedule: it follows the wall clock.
    ['stepped, fall back: again on the second pass', berlinStepped, '2026-10-25T01:05:00Z', ['2026-10-25T01:00:00.000Z', '2026-10-25T01:10:00.000Z']],
    ['stepped, spring forward: skipped', berlinStepped, '2026-03-29T01:05:00Z', undefined],
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z); 2026-11-01: 02:00 EDT falls back to 01:00 EST (06:00Z).
    ['New York spring forward: 02:30 opens at 03:00 EDT', newYorkSpring, '2026-03-08T07:00:00Z', ['2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z']],
    ['New York spring forward: closed before the jump', newYorkSpring, '2026-03-08T06:59:59Z', undefined],
    ['New York fall back: first 01:30 (EDT)', newYorkFall, '2026-11-01T05:30:00Z', ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
    ['New York fall back: still open at the second 01:29 (EST)', newYorkFall, '2026-11-01T06:29:00Z', ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
    ['New York fall back: not again at the second 01:45 (EST)', newYorkFall, '2026-11-01T06:45:00Z', undefined],
  ])('%s', (_name, window, nowIso, expected) => {
    const result = activeAt([window], nowIso);
    expect(result === undefined ? undefined : [result.from, result.to]).toEqual(expected);
  });
});

describe('activeWindow with several windows', () => {
  const short = once('2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z', 'short');
  const long = once('2026-01-01T09:00:00Z', '2026-01-01T13:00:00Z', 'long');
  const sameEnd = once('2026-01-01T10:30:00Z', '2026-01-01T13:00:00Z', 'same-end');
  const daily = recurring('0 10 * * *', 'UTC', 30 * minuteMs, 'daily');
  it.each<[string, MaintenanceWindow[], string, string | undefined]>([
    ['none configured', [], '2026-01-01T10:15:00Z', undefined],
    ['the one open longest wins', [short, daily, long], '2026-01-01T10:15:00Z', 'long'],
    ['ties go to the first listed', [sameEnd, long], '2026-01-01T10:45:00Z', 'same-end'],
    ['only open ones count', [short, daily], '2026-01-01T10:45:00Z', 'short'],
    ['closed everywhere', [short, daily], '2026-01-01T11:00:00Z', undefined],
  ])('%s', (_name, windows, nowIso, expectedId) => {
    expect(activeAt(windows, nowIso)?.id).toBe(expectedId);
  });
});

describe('nextWindowStart', () => {
  const future = once('2026-01-05T00:00:00Z', '2026-01-05T01:00:00Z', 'future');
  const past = once('2025-12-01T00:00:00Z', '2025-12-01T01:00:00Z', 'past');
  const dailyUtc = recurring('0 2 * * *', 'UTC', hourMs, 'daily');
  const berlinDaily = recurring('0 2 * * *', 'Europe/Berlin', 2 * hourMs, 'berlin');
  it.each<[string, MaintenanceWindow[], string, [string, string, string] | undefined]>([
    ['nothing configured', [], '2026-01-01T00:00:00Z', undefined],
    ['a past one-off window is not upcoming', [past], '2026-01-01T00:00:00Z', undefined],
    ['the earliest start wins', [future, dailyUtc], '2026-01-01T00:00:00Z', ['daily', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']],
    ['strictly after now: an occurrence starting now is not next', [dailyUtc], '2026-01-01T02:00:00Z', ['daily', '2026-01-02T02:00:00.000Z', '2026-01-02T03:00:00.000Z']],
    ['a millisecond before an occurrence', [dailyUtc], '2026-01-01T01:59:59.999Z', ['daily', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']],
    ['a one-off window starting later than the recurring one', [future, dailyUtc], '2026-01-04T03:00:00Z', ['future', '2026-01-05T00:00:00.000Z', '2026-01-05T01:00:00.000Z']],
    ['Berlin spring forward: at the jump', [berlinDaily], '2026-03-28T12:00:00Z', ['berlin', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']],
    ['Berlin fall back: the first 02:00', [berlinDaily], '2026-10-24T12:00:00Z', ['berlin', '2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']],
    ['Berlin fall back: the second 02:00 is not an occurrence', [berlinDaily], '2026-10-25T00:30:00Z', ['berlin', '2026-10-26T01:00:00.000Z', '2026-10-26T03:00:00.000Z']],
  ])('%s', (_name, windows, nowIso, expected) => {
    const next = nextWindowStart(windows, at(nowIso));
    expect(
      next === undefined
        ? undefined
        : [next.window.id, new Date(next.startedAtMs).toISOString(), new Date(next.endsAtMs).toISOString()],
    ).toEqual(expected);
  });
});
