/**
 * UTC offsets of IANA zones, fast. Asking Intl (through luxon) costs tens of microseconds per
 * instant, and a schedule over a quarter asks thousands of times; so each zone-year is read
 * once: offsets sampled every 2 days, each change narrowed to the second, then looked up in
 * that short list. Zones that change offset twice within 2 days are not modelled (none do).
 */
import { IANAZone } from 'luxon';

const stepMs = 2 * 86_400_000;

interface YearTable {
  startOffset: number;
  /** Offset changes inside the year, in order: from `atMs` on, `offset` minutes. */
  changes: Array<{ atMs: number; offset: number }>;
}

const tables = new Map<string, YearTable>();

function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`unknown time zone ${name}`);
  return zone;
}

function buildYear(zone: IANAZone, year: number): YearTable {
  const startMs = Date.UTC(year, 0, 1);
  const endMs = Date.UTC(year + 1, 0, 1);
  const startOffset = zone.offset(startMs);
  const changes: YearTable['changes'] = [];
  let previousMs = startMs;
  let previous = startOffset;
  for (let sampleMs = startMs + stepMs; previousMs < endMs; sampleMs += stepMs) {
    const atMs = Math.min(sampleMs, endMs);
    const offset = zone.offset(atMs);
    if (offset !== previous) {
      // offset(low) is the old value, offset(high) the new one; zones change on whole seconds.
      let low = previousMs;
      let high = atMs;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (zone.offset(middle) === previous) low = middle;
        else high = middle;
      }
      changes.push({ atMs: high, offset });
      previous = offset;
    }
    previousMs = atMs;
  }
  return { startOffset, changes };
}

/** Offset from UTC of `zone` at `atMs`, in minutes (Berlin in summer: 120). */
export function zoneOffsetMinutes(zone: string, atMs: number): number {
  const year = new Date(atMs).getUTCFullYear();
  const key = `${zone}|${year}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = buildYear(zoneOf(zone), year);
    tables.set(key, table);
  }
  let offset = table.startOffset;
  for (const change of table.changes) {
    if (change.atMs > atMs) break;
    offset = change.offset;
  }
  return offset;
}
