/**
 * Alertmanager's time intervals (`time_intervals` / `mute_time_intervals` entries): parsed and
 * validated with Alertmanager's rules and messages, and `timeIntervalContains` to ask whether an
 * instant lies inside one. Each field that is set narrows the interval (they are ANDed); the
 * ranges inside one field are ORed; ranges are inclusive except `times`, whose end is exclusive.
 */
import { DateTime, IANAZone } from 'luxon';
import { checkKnownKeys, readList, readMapping, readString, readStringList, type PathSegment, type ProblemList } from './config-reader.js';

/** Minutes since midnight, `[startMinute, endMinute)`. */
export interface TimeOfDayRange {
  startMinute: number;
  endMinute: number;
}

/** An inclusive range of integers: weekdays 0 (Sunday) to 6, days of month 1..31 or -31..-1 (from the end), months 1..12, years. */
export interface InclusiveRange {
  begin: number;
  end: number;
}

/** One interval. An absent field does not restrict; a present but empty list matches nothing, as in Alertmanager. */
export interface TimeInterval {
  times?: TimeOfDayRange[];
  weekdays?: InclusiveRange[];
  daysOfMonth?: InclusiveRange[];
  months?: InclusiveRange[];
  years?: InclusiveRange[];
  /** IANA zone, `Local` or `UTC`; absent means the caller's default zone. */
  location?: string;
}

/** A named entry: `{ name, time_intervals: [...] }`. */
export interface NamedTimeInterval {
  name: string;
  intervals: TimeInterval[];
}

const weekdayNumbers: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
const monthNumbers: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

/** Go's `strconv.Atoi`; the message is Go's. */
function parseGoInteger(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

type MemberParser = (text: string) => number;

const weekdayMember: MemberParser = (text) => {
  const day = weekdayNumbers[text];
  if (day === undefined) throw new Error(`${text} is not a valid weekday`);
  return day;
};

const monthMember: MemberParser = (text) => {
  const month = monthNumbers[text];
  if (month !== undefined) return month;
  try {
    return parseGoInteger(text);
  } catch {
    throw new Error(`${text} is not a valid month`);
  }
};

/** `a` or `a:b`, lower-cased first (so `Monday:Friday` works). */
function parseRange(text: string, member: MemberParser): InclusiveRange {
  const lower = text.toLowerCase();
  const parts = lower.split(':');
  if (parts.length > 2) throw new Error(`couldn't parse range ${lower}, invalid format`);
  const begin = member(parts[0] ?? '');
  const end = parts.length === 2 ? member(parts[1] ?? '') : begin;
  return { begin, end };
}

function parseWeekdays(text: string): InclusiveRange {
  const range = parseRange(text, weekdayMember);
  if (range.begin > range.end) throw new Error('start day cannot be before end day');
  return range;
}

function parseDaysOfMonth(text: string): InclusiveRange {
  const range = parseRange(text, parseGoInteger);
  for (const day of [range.begin, range.end]) {
    if (day === 0 || day < -31 || day > 31) throw new Error(`${day} is not a valid day of the month: out of range`);
  }
  if (range.begin < 0 && range.end > 0) throw new Error('end day must be negative if start day is negative');
  // Negative days count from the month's end; 28 days is the shortest month, so this only
  // rejects ranges that are empty in every month.
  const begin = range.begin < 0 ? 28 + range.begin : range.begin;
  const end = range.end < 0 ? 28 + range.end : range.end;
  if (begin > end) throw new Error(`end day ${range.end} is always before start day ${range.begin}`);
  return range;
}

const monthNames = Object.keys(monthNumbers);

function parseMonths(text: string): InclusiveRange {
  const range = parseRange(text, monthMember);
  // Alertmanager 0.25 accepts 0 or 13 here (they never match); a config that says so is a mistake.
  for (const month of [range.begin, range.end]) {
    if (month < 1 || month > 12) throw new Error(`${month} is not a valid month: out of range`);
  }
  if (range.begin > range.end) throw new Error(`end month ${monthNames[range.end - 1]} is before start month ${monthNames[range.begin - 1]}`);
  return range;
}

function parseYears(text: string): InclusiveRange {
  const range = parseRange(text, parseGoInteger);
  if (range.begin > range.end) throw new Error(`end year ${range.end} is before start year ${range.begin}`);
  return range;
}

const timeOfDayPattern = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

function parseTimeOfDay(text: string): number {
  if (!timeOfDayPattern.test(text)) throw new Error(`couldn't parse timestamp ${text}, invalid format`);
  const [hours, minutes] = text.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function readTimes(value: unknown, path: PathSegment[], problems: ProblemList): TimeOfDayRange[] | undefined {
  const list = readList(value, path, problems);
  if (list === undefined) return undefined;
  const out: TimeOfDayRange[] = [];
  list.forEach((item, index) => {
    const at = [...path, index];
    const mapping = readMapping(item, at, problems) ?? {};
    checkKnownKeys(mapping, ['start_time', 'end_time'], at, problems);
    const start = readString(mapping.start_time, [...at, 'start_time'], problems) ?? '';
    const end = readString(mapping.end_time, [...at, 'end_time'], problems) ?? '';
    if (start === '' || end === '') return problems.add(at, 'both start and end times must be provided');
    try {
      const range = { startMinute: parseTimeOfDay(start), endMinute: parseTimeOfDay(end) };
      if (range.startMinute >= range.endMinute) return problems.add(at, 'start time cannot be equal or greater than end time');
      out.push(range);
    } catch (error) {
      problems.add(at, (error as Error).message);
    }
    return undefined;
  });
  return out;
}

function readRanges(value: unknown, path: PathSegment[], problems: ProblemList, parse: (text: string) => InclusiveRange): InclusiveRange[] | undefined {
  const list = readStringList(value, path, problems);
  if (list === undefined) return undefined;
  const out: InclusiveRange[] = [];
  list.forEach((text, index) => {
    try {
      out.push(parse(text));
    } catch (error) {
      problems.add([...path, index], (error as Error).message);
    }
  });
  return out;
}

/** Whether `name` is a zone Alertmanager's `time.LoadLocation` would load ("" and "UTC" are UTC). */
export function isKnownTimeZone(name: string): boolean {
  return name === '' || name === 'UTC' || name === 'Local' || IANAZone.isValidZone(name);
}

/** One entry of a named interval's `time_intervals` list. */
export function readTimeInterval(value: unknown, path: PathSegment[], problems: ProblemList): TimeInterval {
  const mapping = readMapping(value, path, problems) ?? {};
  checkKnownKeys(mapping, ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'], path, problems);
  const interval: TimeInterval = {};
  const times = readTimes(mapping.times, [...path, 'times'], problems);
  if (times !== undefined) interval.times = times;
  const fields = [
    ['weekdays', 'weekdays', parseWeekdays],
    ['days_of_month', 'daysOfMonth', parseDaysOfMonth],
    ['months', 'months', parseMonths],
    ['years', 'years', parseYears],
  ] as const;
  for (const [key, field, parse] of fields) {
    const ranges = readRanges(mapping[key], [...path, key], problems, parse);
    if (ranges !== undefined) interval[field] = ranges;
  }
  if (mapping.location !== undefined && mapping.location !== null) {
    const location = readString(mapping.location, [...path, 'location'], problems);
    if (location !== undefined && !isKnownTimeZone(location)) problems.add([...path, 'location'], `unknown time zone ${location}`);
    else if (location !== undefined) interval.location = location;
  }
  return interval;
}

function luxonZone(location: string): string {
  if (location === '' || location === 'UTC') return 'UTC';
  return location === 'Local' ? 'local' : location;
}

function inAny(ranges: readonly InclusiveRange[] | undefined, value: number): boolean {
  return ranges === undefined || ranges.some((range) => value >= range.begin && value <= range.end);
}

function inDaysOfMonth(ranges: readonly InclusiveRange[] | undefined, day: number, daysInMonth: number): boolean {
  if (ranges === undefined) return true;
  return ranges.some((range) => {
    const begin = range.begin < 0 ? daysInMonth + range.begin + 1 : range.begin;
    const end = range.end < 0 ? daysInMonth + range.end + 1 : range.end;
    // A range that starts after this month's last day does not reach into the next month.
    if (begin > daysInMonth) return false;
    return day >= Math.max(begin, -daysInMonth) && day <= Math.min(end, daysInMonth);
  });
}

/**
 * Whether the instant `atMs` (ms since the epoch) lies inside `interval`, read in the interval's
 * `location`, else in `defaultTimeZone` (Alertmanager uses its process's local zone there).
 */
export function timeIntervalContains(interval: TimeInterval, atMs: number, defaultTimeZone = 'UTC'): boolean {
  const at = DateTime.fromMillis(atMs, { zone: luxonZone(interval.location ?? defaultTimeZone) });
  const minute = at.hour * 60 + at.minute;
  if (interval.times !== undefined && !interval.times.some((range) => minute >= range.startMinute && minute < range.endMinute)) return false;
  if (!inDaysOfMonth(interval.daysOfMonth, at.day, at.daysInMonth ?? 31)) return false;
  if (!inAny(interval.months, at.month)) return false;
  if (!inAny(interval.weekdays, at.weekday % 7)) return false;
  return inAny(interval.years, at.year);
}

/** Whether any of a named entry's intervals contains `atMs`. */
export function namedTimeIntervalContains(named: NamedTimeInterval, atMs: number, defaultTimeZone = 'UTC'): boolean {
  return named.intervals.some((interval) => timeIntervalContains(interval, atMs, defaultTimeZone));
}
