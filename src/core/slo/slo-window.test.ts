import { describe, expect, it } from 'vitest';
import { dayMs, hourMs, shortestWindowMs, validateSloWindow, windowPeriod, type SloWindow } from './slo-window.js';

const at = (iso: string): number => Date.parse(iso);

describe('rolling windows', () => {
  it('cover (t - w, t]', () => {
    const t = at('2026-03-10T12:00:00Z');
    expect(windowPeriod({ kind: 'rolling', durationMs: 30 * dayMs }, t)).toEqual({
      startMs: t - 30 * dayMs,
      atMs: t,
      lengthMs: 30 * dayMs,
      elapsedMs: 30 * dayMs,
      endMs: t,
    });
  });

  it.each<[number, string]>([
    [30 * 60_000, 'from 1h to 90d'],
    [91 * dayMs, 'from 1h to 90d'],
    [hourMs + 30_000, 'whole number of minutes'],
  ])('refuses %d ms (%s)', (durationMs, message) => {
    expect(validateSloWindow({ kind: 'rolling', durationMs })[0]?.message).toContain(message);
  });

  it.each([hourMs, dayMs, 30 * dayMs, 90 * dayMs])('accepts %d ms', (durationMs) => {
    expect(validateSloWindow({ kind: 'rolling', durationMs })).toEqual([]);
  });
});

describe('calendar windows', () => {
  const month = (timeZone: string): SloWindow => ({ kind: 'calendar', unit: 'month', timeZone });

  it.each<[string, string, string, string, number]>([
    ['UTC', '2026-02-15T10:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', 28],
    ['UTC', '2024-02-15T10:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z', 29],
    ['UTC', '2026-04-30T23:59:00Z', '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z', 30],
    ['UTC', '2026-01-31T00:00:00Z', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 31],
    // At exactly midnight on the 1st the month that just ended is reported, complete.
    ['UTC', '2026-03-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', 28],
    ['UTC', '2026-03-01T00:01:00Z', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 31],
    // Berlin: months start at local midnight (23:00 or 22:00 UTC); March loses an hour to DST.
    ['Europe/Berlin', '2026-03-10T00:00:00Z', '2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z', 31 - 1 / 24],
    ['Europe/Berlin', '2026-10-10T00:00:00Z', '2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z', 31 + 1 / 24],
    ['Asia/Kolkata', '2026-06-10T00:00:00Z', '2026-05-31T18:30:00Z', '2026-06-30T18:30:00Z', 30],
  ])('month in %s at %s runs from %s to %s (%d days)', (timeZone, t, start, end, days) => {
    const period = windowPeriod(month(timeZone), at(t));
    expect(period.startMs).toBe(at(start));
    expect(period.endMs).toBe(at(end));
    expect(period.lengthMs / dayMs).toBeCloseTo(days, 9);
    expect(period.elapsedMs).toBe(at(t) - at(start));
  });

  it('weeks start on Monday at local midnight', () => {
    const period = windowPeriod({ kind: 'calendar', unit: 'week', timeZone: 'America/New_York' }, at('2026-03-12T15:00:00Z'));
    expect(new Date(period.startMs).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // DST starts on Sunday 8 March 2026 in New York: this week is a normal 7 days.
    expect(period.lengthMs).toBe(7 * dayMs);
  });

  it('reuses the period within it and moves on after it', () => {
    const window = month('UTC');
    expect(windowPeriod(window, at('2026-05-02T00:00:00Z')).startMs).toBe(at('2026-05-01T00:00:00Z'));
    expect(windowPeriod(window, at('2026-05-31T00:00:00Z')).startMs).toBe(at('2026-05-01T00:00:00Z'));
    expect(windowPeriod(window, at('2026-06-02T00:00:00Z')).startMs).toBe(at('2026-06-01T00:00:00Z'));
    expect(windowPeriod(window, at('2026-04-02T00:00:00Z')).startMs).toBe(at('2026-04-01T00:00:00Z'));
  });

  it('needs a real time zone', () => {
    expect(validateSloWindow(month('Mars/Olympus'))).toEqual([{ field: 'time_zone', message: expect.stringContaining("unknown time zone 'Mars/Olympus'") as unknown }]);
    expect(validateSloWindow(month('Europe/Berlin'))).toEqual([]);
  });

  it('is never shorter than a DST-short February or week for alert windows', () => {
    expect(shortestWindowMs(month('UTC'))).toBe(28 * dayMs - hourMs);
    expect(shortestWindowMs({ kind: 'calendar', unit: 'week', timeZone: 'UTC' })).toBe(7 * dayMs - hourMs);
  });
});
