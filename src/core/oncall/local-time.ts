/**
 * Local wall-clock time in an IANA zone turned into instants, with one rule for the two DST
 * oddities: a local time happens at the first instant the zone's clock shows it or a later
 * time. So a time inside the spring-forward gap (02:30 when clocks jump 02:00 -> 03:00)
 * happens at the jump (03:00 local), and a time in the repeated fall-back hour happens the
 * first time round (the summer-time 02:30). Calendar dates are counted in plain UTC days,
 * which is exactly calendar arithmetic.
 */
import { IANAZone } from 'luxon';
import type { IsoWeekday, LocalDate } from './oncall-model.js';
import { zoneOffsetMinutes } from './zone-offsets.js';

export { zoneOffsetMinutes } from './zone-offsets.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** Whether `zone` is an IANA zone name luxon (and the Intl data behind it) knows. */
export function isKnownTimeZone(zone: string): boolean {
  return zone !== '' && IANAZone.isValidZone(zone);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Whole calendar days from `from` to `to`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / dayMs);
}

export function isoWeekday(date: LocalDate): IsoWeekday {
  const sundayZero = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as IsoWeekday;
}

/** The local calendar date in `zone` at the instant `atMs`. */
export function localDateAt(zone: string, atMs: number): LocalDate {
  const wall = new Date(atMs + zoneOffsetMinutes(zone, atMs) * minuteMs);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant at which the clock of `zone` first shows `minuteOfDay` (0-1440; 1440 is the next
 * midnight) on `date`, or the first later time when that time is skipped by a DST jump.
 */
export function localInstantMs(zone: string, date: LocalDate, minuteOfDay: number): number {
  const key = `${zone}|${date.year}-${date.month}-${date.day}|${minuteOfDay}`;
  const known = instantCache.get(key);
  if (known !== undefined) return known;
  const instant = computeLocalInstantMs(zone, date, minuteOfDay);
  // Schedules ask for the same few local times again and again; zone lookups are slow (Intl).
  if (instantCache.size >= instantCacheLimit) instantCache.clear();
  instantCache.set(key, instant);
  return instant;
}

const instantCache = new Map<string, number>();
const instantCacheLimit = 50_000;

function computeLocalInstantMs(zone: string, date: LocalDate, minuteOfDay: number): number {
  // The wall time read as if it were UTC; the real instant is this minus the offset in force.
  const wallMs = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * minuteMs;
  const tz = { offset: (ms: number) => zoneOffsetMinutes(zone, ms) };
  const offsetBefore = tz.offset(wallMs - dayMs);
  const offsetAfter = tz.offset(wallMs + dayMs);
  // No change of offset within a day either side: the common case, one answer.
  if (offsetBefore === offsetAfter && tz.offset(wallMs - offsetBefore * minuteMs) === offsetBefore) return wallMs - offsetBefore * minuteMs;
  const offsets = [...new Set([offsetBefore, tz.offset(wallMs), offsetAfter])];
  const valid = offsets.map((offset) => wallMs - offset * minuteMs).filter((instant) => tz.offset(instant) * minuteMs === wallMs - instant);
  if (valid.length > 0) return Math.min(...valid);
  // Inside a gap: find the jump between the instants the two offsets would give.
  const candidates = offsets.map((offset) => wallMs - offset * minuteMs).sort((a, b) => a - b);
  let low = candidates[0] ?? wallMs;
  let high = candidates[candidates.length - 1] ?? wallMs;
  const before = tz.offset(low);
  // Invariant: offset(low) is the old offset, offset(high) the new one; zones change on whole seconds.
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (tz.offset(middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** `HH:MM` (00:00-23:59, or 24:00 when `allowEndOfDay`) to minutes after midnight; undefined if malformed. */
export function parseClockTime(text: string, allowEndOfDay = false): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (allowEndOfDay && hours === 24 && minutes === 0) return 1440;
  if (hours > 23 || minutes > 59) return undefined;
  return hours * 60 + minutes;
}

export function formatClockTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/**
 * A local date `2026-01-05` or date-time `2026-01-05T09:00` (no zone, no seconds beyond `:00`);
 * undefined when malformed or not a real date.
 */
export function parseLocalDateTime(text: string): { date: LocalDate; minuteOfDay: number | null } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2})(?::00)?)?$/.exec(text);
  if (match === null) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = addDays(date, 0);
  if (check.year !== date.year || check.month !== date.month || check.day !== date.day) return undefined;
  if (match[4] === undefined) return { date, minuteOfDay: null };
  const minuteOfDay = parseClockTime(match[4]);
  return minuteOfDay === undefined ? undefined : { date, minuteOfDay };
}

export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
