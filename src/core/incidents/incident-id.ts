/**
 * Incident ids as seed 004 writes them: `INC-YYYY-MMDD-NNN`, the UTC day the incident opened and
 * a per-day counter from 001. The counter keeps growing digits past 999 (`INC-2026-1123-1000`),
 * so ids stay unique on a very bad day; they still sort by day, and by number within a width.
 */

/** The UTC day of `atMs` as `YYYYMMDD`, the key of the per-day counter. */
export function dayKey(atMs: number): string {
  const date = new Date(atMs);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}${month}${day}`;
}

/** `INC-2026-1123-001` for day key `20261123` and number 1. */
export function formatIncidentId(day: string, dayNumber: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`day key must be YYYYMMDD, got ${JSON.stringify(day)}`);
  if (!Number.isSafeInteger(dayNumber) || dayNumber < 1) throw new RangeError(`incident number must be a positive integer, got ${dayNumber}`);
  return `INC-${day.slice(0, 4)}-${day.slice(4, 8)}-${String(dayNumber).padStart(3, '0')}`;
}

export const incidentIdPattern = /^INC-\d{4}-\d{4}-\d{3,}$/;
