import { describe, expect, it } from 'vitest';
import { dayKey, formatIncidentId, incidentIdPattern } from './incident-id.js';

describe('incident ids', () => {
  it.each([
    [Date.UTC(2026, 10, 23, 0, 0, 0), '20261123'],
    [Date.UTC(2026, 10, 23, 23, 59, 59, 999), '20261123'],
    [Date.UTC(2026, 10, 24, 0, 0, 0), '20261124'],
    [Date.UTC(2027, 0, 1, 0, 0, 0) - 1, '20261231'],
  ])('dayKey(%d) is the UTC day %s', (atMs, expected) => {
    expect(dayKey(atMs)).toBe(expected);
  });

  it.each([
    ['20261123', 1, 'INC-2026-1123-001'],
    ['20261123', 42, 'INC-2026-1123-042'],
    ['20261123', 999, 'INC-2026-1123-999'],
    ['20261123', 1000, 'INC-2026-1123-1000'],
    ['20260105', 12345, 'INC-2026-0105-12345'],
  ])('formatIncidentId(%s, %d) = %s', (day, number, expected) => {
    const id = formatIncidentId(day, number);
    expect(id).toBe(expected);
    expect(incidentIdPattern.test(id)).toBe(true);
  });

  it.each([
    ['2026-11-23', 1],
    ['20261123', 0],
    ['20261123', 1.5],
  ])('rejects day %s number %d', (day, number) => {
    expect(() => formatIncidentId(day, number)).toThrow(RangeError);
  });
});
