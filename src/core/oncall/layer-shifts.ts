/**
 * One layer's coverage: its rotation shifts (hand-offs at the local hand-off time, so a weekly
 * shift across a DST change lasts 167 or 169 real hours) cut down to its restriction windows.
 * Everything is computed for a bounded range of instants; nothing iterates from the layer start.
 */
import { addDays, daysBetween, isoWeekday, localDateAt, localInstantMs } from './local-time.js';
import type { LayerRestriction, ScheduleLayer } from './oncall-model.js';

/** One shift of a rotation: shift `index` (0 = the first) belongs to `person`. */
export interface LayerShift {
  index: number;
  person: string;
  startMs: number;
  endMs: number;
}

/** A stretch of time in which `person` covers the layer. */
export interface CoverageSegment {
  person: string;
  startMs: number;
  endMs: number;
}

const dayMs = 86_400_000;

/** Start instant of shift `index` (may be negative: before the layer started). */
export function shiftStartMs(layer: ScheduleLayer, zone: string, index: number): number {
  return localInstantMs(zone, addDays(layer.startDate, index * layer.shiftDays), layer.handoffMinute);
}

function memberOf(layer: ScheduleLayer, index: number): string {
  const count = layer.members.length;
  return layer.members[((index % count) + count) % count] ?? '';
}

function shiftOf(layer: ScheduleLayer, zone: string, index: number): LayerShift {
  return { index, person: memberOf(layer, index), startMs: shiftStartMs(layer, zone, index), endMs: shiftStartMs(layer, zone, index + 1) };
}

/** Index of the shift containing `atMs`, counting from the layer start (negative before it). */
export function shiftIndexAt(layer: ScheduleLayer, zone: string, atMs: number): number {
  // Estimate from the local calendar, then step: a DST change moves a boundary by an hour or two.
  const days = daysBetween(layer.startDate, localDateAt(zone, atMs));
  let index = Math.floor(days / layer.shiftDays);
  while (shiftStartMs(layer, zone, index) > atMs) index -= 1;
  while (shiftStartMs(layer, zone, index + 1) <= atMs) index += 1;
  return index;
}

/** The rotation shift containing `atMs`; undefined before the layer's first shift (or without members). */
export function shiftAt(layer: ScheduleLayer, zone: string, atMs: number): LayerShift | undefined {
  if (layer.members.length === 0) return undefined;
  const index = shiftIndexAt(layer, zone, atMs);
  return index < 0 ? undefined : shiftOf(layer, zone, index);
}

/** Rotation shifts overlapping [fromMs, toMs), unclipped, in order. */
export function shiftsBetween(layer: ScheduleLayer, zone: string, fromMs: number, toMs: number): LayerShift[] {
  if (layer.members.length === 0 || toMs <= fromMs) return [];
  const shifts: LayerShift[] = [];
  let index = Math.max(0, shiftIndexAt(layer, zone, fromMs));
  for (;;) {
    const shift = shiftOf(layer, zone, index);
    if (shift.startMs >= toMs) break;
    if (shift.endMs > fromMs) shifts.push(shift);
    index += 1;
  }
  return shifts;
}

/** Restriction windows overlapping [fromMs, toMs), merged where they touch, unclipped. */
export function restrictionWindows(restrictions: readonly LayerRestriction[], zone: string, fromMs: number, toMs: number): Array<{ startMs: number; endMs: number }> {
  // A window may start the day before `fromMs` and run past midnight.
  const first = addDays(localDateAt(zone, fromMs), -1);
  const dayCount = Math.ceil((toMs - fromMs) / dayMs) + 3;
  const windows: Array<{ startMs: number; endMs: number }> = [];
  for (let offset = 0; offset < dayCount; offset += 1) {
    const date = addDays(first, offset);
    const weekday = isoWeekday(date);
    for (const restriction of restrictions) {
      if (!restriction.days.includes(weekday)) continue;
      const overnight = restriction.endMinute <= restriction.startMinute;
      const startMs = localInstantMs(zone, date, restriction.startMinute);
      const endMs = localInstantMs(zone, overnight ? addDays(date, 1) : date, restriction.endMinute);
      if (endMs > fromMs && startMs < toMs && endMs > startMs) windows.push({ startMs, endMs });
    }
  }
  windows.sort((a, b) => a.startMs - b.startMs);
  const merged: Array<{ startMs: number; endMs: number }> = [];
  for (const window of windows) {
    const last = merged[merged.length - 1];
    if (last !== undefined && window.startMs <= last.endMs) last.endMs = Math.max(last.endMs, window.endMs);
    else merged.push({ ...window });
  }
  return merged;
}

/**
 * Who covers the layer in [fromMs, toMs): each shift cut to the restriction windows (the whole
 * shift without restrictions), clipped to the range, in order. Gaps mean nobody.
 */
export function layerCoverage(layer: ScheduleLayer, zone: string, fromMs: number, toMs: number): CoverageSegment[] {
  const shifts = shiftsBetween(layer, zone, fromMs, toMs);
  const clip = (person: string, startMs: number, endMs: number): CoverageSegment[] => {
    const start = Math.max(startMs, fromMs);
    const end = Math.min(endMs, toMs);
    return end > start ? [{ person, startMs: start, endMs: end }] : [];
  };
  if (layer.restrictions.length === 0) return shifts.flatMap((shift) => clip(shift.person, shift.startMs, shift.endMs));
  const windows = restrictionWindows(layer.restrictions, zone, fromMs, toMs);
  // Both lists are sorted and non-overlapping: walk them together.
  const segments: CoverageSegment[] = [];
  let w = 0;
  for (const shift of shifts) {
    while (w < windows.length && (windows[w]?.endMs ?? 0) <= shift.startMs) w += 1;
    for (let i = w; i < windows.length && (windows[i]?.startMs ?? 0) < shift.endMs; i += 1) {
      const window = windows[i] as { startMs: number; endMs: number };
      segments.push(...clip(shift.person, Math.max(shift.startMs, window.startMs), Math.min(shift.endMs, window.endMs)));
    }
  }
  return segments;
}
