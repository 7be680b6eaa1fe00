import { describe, expect, it } from 'vitest';
import { ProblemList } from './config-reader.js';
import { readTimeInterval, timeIntervalContains, type TimeInterval } from './time-interval.js';

function read(value: unknown): { interval: TimeInterval; problems: string[] } {
  const problems = new ProblemList();
  const interval = readTimeInterval(value, ['time_intervals', 0, 'time_intervals', 0], problems);
  return { interval, problems: problems.describe() };
}

describe('readTimeInterval', () => {
  it('reads every field, names case-insensitive', () => {
    const { interval, problems } = read({
      times: [{ start_time: '09:00', end_time: '17:30' }],
      weekdays: ['Monday:friday', 'sunday'],
      days_of_month: ['1:5', '-3:-1'],
      months: ['january:March', '12'],
      years: ['2024:2026'],
      location: 'Europe/Berlin',
    });
    expect(problems).toEqual([]);
    expect(interval).toEqual({
      times: [{ startMinute: 540, endMinute: 1050 }],
      weekdays: [{ begin: 1, end: 5 }, { begin: 0, end: 0 }],
      daysOfMonth: [{ begin: 1, end: 5 }, { begin: -3, end: -1 }],
      months: [{ begin: 1, end: 3 }, { begin: 12, end: 12 }],
      years: [{ begin: 2024, end: 2026 }],
      location: 'Europe/Berlin',
    });
  });

  const at = 'time_intervals[0].time_intervals[0]';
  it.each([
    [{ times: [{ start_time: '9:00', end_time: '17:00' }] }, `${at}.times[0]: couldn't parse timestamp 9:00, invalid format`],
    [{ times: [{ start_time: '10:00', end_time: '10:00' }] }, `${at}.times[0]: start time cannot be equal or greater than end time`],
    [{ times: [{ start_time: '10:00' }] }, `${at}.times[0]: both start and end times must be provided`],
    [{ weekdays: ['friday:monday'] }, `${at}.weekdays[0]: start day cannot be before end day`],
    [{ weekdays: ['1'] }, `${at}.weekdays[0]: 1 is not a valid weekday`],
    [{ weekdays: ['mon:tue:wed'] }, `${at}.weekdays[0]: couldn't parse range mon:tue:wed, invalid format`],
    [{ days_of_month: ['0'] }, `${at}.days_of_month[0]: 0 is not a valid day of the month: out of range`],
    [{ days_of_month: ['-3:5'] }, `${at}.days_of_month[0]: end day must be negative if start day is negative`],
    [{ days_of_month: ['5:-30'] }, `${at}.days_of_month[0]: end day -30 is always before start day 5`],
    [{ days_of_month: ['x'] }, `${at}.days_of_month[0]: strconv.Atoi: parsing "x": invalid syntax`],
    [{ months: ['jan'] }, `${at}.months[0]: jan is not a valid month`],
    [{ months: ['may:january'] }, `${at}.months[0]: end month january is before start month may`],
    [{ months: ['13'] }, `${at}.months[0]: 13 is not a valid month: out of range`],
    [{ years: ['2030:2020'] }, `${at}.years[0]: end year 2020 is before start year 2030`],
    [{ location: 'Mars/Base' }, `${at}.location: unknown time zone Mars/Base`],
    [{ time_zone: 'UTC' }, `${at}.time_zone: unknown field (expected one of: times, weekdays, days_of_month, months, years, location)`],
  ])('rejects %j', (value, message) => {
    expect(read(value).problems).toEqual([message]);
  });
});

describe('timeIntervalContains', () => {
  const businessHours: TimeInterval = { times: [{ startMinute: 9 * 60, endMinute: 17 * 60 }], weekdays: [{ begin: 1, end: 5 }], location: 'Europe/Berlin' };
  it.each([
    ['Monday 09:00 Berlin (07:00Z, summer time)', '2024-07-01T07:00:00Z', businessHours, true],
    ['Monday 08:59 Berlin', '2024-07-01T06:59:00Z', businessHours, false],
    ['Monday 17:00 Berlin: the end is exclusive', '2024-07-01T15:00:00Z', businessHours, false],
    ['Saturday noon Berlin', '2024-07-06T10:00:00Z', businessHours, false],
    ['Monday 09:30 Berlin in winter (08:30Z)', '2024-01-08T08:30:00Z', businessHours, true],
    ['the last day of February by -1', '2024-02-29T12:00:00Z', { daysOfMonth: [{ begin: -1, end: -1 }] }, true],
    ['not the last day', '2024-02-28T12:00:00Z', { daysOfMonth: [{ begin: -1, end: -1 }] }, false],
    ['day 31 in a 30-day month never starts', '2024-04-30T12:00:00Z', { daysOfMonth: [{ begin: 31, end: 31 }] }, false],
    ['months and years', '2025-03-15T00:00:00Z', { months: [{ begin: 3, end: 3 }], years: [{ begin: 2025, end: 2025 }] }, true],
    ['no fields: always', '2025-03-15T00:00:00Z', {}, true],
    ['an empty times list: never', '2025-03-15T00:00:00Z', { times: [] }, false],
  ])('%s', (_name, iso, interval: TimeInterval, expected) => {
    expect(timeIntervalContains(interval, Date.parse(iso))).toBe(expected);
  });

  it('reads an interval without location in the default zone given', () => {
    const nineToFive: TimeInterval = { times: [{ startMinute: 9 * 60, endMinute: 17 * 60 }] };
    expect(timeIntervalContains(nineToFive, Date.parse('2024-07-01T08:00:00Z'))).toBe(false);
    expect(timeIntervalContains(nineToFive, Date.parse('2024-07-01T08:00:00Z'), 'Asia/Tokyo')).toBe(false);
    expect(timeIntervalContains(nineToFive, Date.parse('2024-07-01T01:00:00Z'), 'Asia/Tokyo')).toBe(true);
  });
});
