import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, localInstantMs, parseClockTime, parseLocalDateTime } from './local-time.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('localInstantMs: local wall time in a zone to an instant', () => {
  it.each<[string, string, [number, number, number], string, string]>([
    ['plain winter time', 'Europe/Berlin', [2026, 1, 5], '09:00', '2026-01-05T08:00:00.000Z'],
    ['plain summer time', 'Europe/Berlin', [2026, 7, 6], '09:00', '2026-07-06T07:00:00.000Z'],
    ['spring forward: 02:30 does not exist, happens at the jump (03:00 CEST)', 'Europe/Berlin', [2026, 3, 29], '02:30', '2026-03-29T01:00:00.000Z'],
    ['spring forward: 03:00 is the first valid time', 'Europe/Berlin', [2026, 3, 29], '03:00', '2026-03-29T01:00:00.000Z'],
    ['fall back: 02:30 happens twice, the first time (CEST) counts', 'Europe/Berlin', [2026, 10, 25], '02:30', '2026-10-25T00:30:00.000Z'],
    ['New York spring forward: 02:30 happens at 03:00 EDT', 'America/New_York', [2026, 3, 8], '02:30', '2026-03-08T07:00:00.000Z'],
    ['New York fall back: 01:30 the first time (EDT)', 'America/New_York', [2026, 11, 1], '01:30', '2026-11-01T05:30:00.000Z'],
    ['24:00 is the next midnight', 'UTC', [2026, 12, 31], '24:00', '2027-01-01T00:00:00.000Z'],
  ])('%s', (_name, zone, [year, month, day], time, expected) => {
    expect(iso(localInstantMs(zone, { year, month, day }, parseClockTime(time, true) ?? -1))).toBe(expected);
  });
});

describe('parsing', () => {
  it.each<[string, unknown]>([
    ['2026-01-05', { date: { year: 2026, month: 1, day: 5 }, minuteOfDay: null }],
    ['2026-01-05T09:30', { date: { year: 2026, month: 1, day: 5 }, minuteOfDay: 570 }],
    ['2026-01-05T09:30:00', { date: { year: 2026, month: 1, day: 5 }, minuteOfDay: 570 }],
    ['2026-02-30', undefined],
    ['2026-01-05T25:00', undefined],
    ['2026-01-05T09:00Z', undefined],
    ['next monday', undefined],
  ])('local date-time %s', (text, expected) => {
    expect(parseLocalDateTime(text)).toEqual(expected);
  });

  it.each<[string, boolean, number | undefined]>([
    ['09:00', false, 540],
    ['00:00', false, 0],
    ['23:59', false, 1439],
    ['24:00', false, undefined],
    ['24:00', true, 1440],
    ['9:00', false, undefined],
    ['12:60', false, undefined],
  ])('clock time %s (end of day allowed: %s)', (text, allowEndOfDay, expected) => {
    expect(parseClockTime(text, allowEndOfDay)).toBe(expected);
  });

  it.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('time zone %s known: %s', (zone, known) => {
    expect(isKnownTimeZone(zone)).toBe(known);
  });
});
