/**
 * Who is on call: the layers stacked (a higher layer wins where it has someone, as in
 * PagerDuty), then overrides on top. `whoIsOnCall` answers for one instant with since/until;
 * `rotationShifts` lists a range for the dashboard and the API. Pure: instants in, data out.
 */
import { layerCoverage, shiftAt, type CoverageSegment } from './layer-shifts.js';
import type { OncallSchedule, ScheduleLayer } from './oncall-model.js';

/** Where the final on-call person comes from. */
export type OnCallSource = { kind: 'override' } | { kind: 'layer'; layer: string };

/** A stretch of the final schedule; `person` null where nobody is on call. */
export interface FinalSegment {
  person: string | null;
  source: OnCallSource | null;
  startMs: number;
  endMs: number;
}

/** One layer at one instant. `sinceMs`/`untilMs` bound the current state; null beyond the search horizon (or never). */
export interface LayerOnCall {
  layer: string;
  person: string | null;
  sinceMs: number | null;
  untilMs: number | null;
}

export interface OnCallAnswer {
  schedule: string;
  atMs: number;
  layers: LayerOnCall[];
  /** After layers and overrides; `person` null when nobody covers the instant. */
  final: { person: string | null; source: OnCallSource | null; sinceMs: number | null; untilMs: number | null };
  /** Next instant after `atMs` at which the final on-call person changes; null if none within the horizon. */
  nextHandoffAtMs: number | null;
}

/** How far around the asked instant since/until are looked for (92 days each way). */
export const onCallSearchHorizonMs = 92 * 86_400_000;

/** The final schedule over [fromMs, toMs): overrides, then the highest layer with someone, else nobody. */
export function finalSegments(schedule: OncallSchedule, fromMs: number, toMs: number): FinalSegment[] {
  if (toMs <= fromMs) return [];
  const layers = schedule.layers.map((layer) => layerCoverage(layer, schedule.timeZone, fromMs, toMs));
  const overrides = schedule.overrides.filter((override) => override.endMs > fromMs && override.startMs < toMs);
  const cuts = new Set<number>([fromMs, toMs]);
  for (const segment of layers.flat()) cuts.add(segment.startMs).add(segment.endMs);
  for (const override of overrides) cuts.add(Math.max(override.startMs, fromMs)).add(Math.min(override.endMs, toMs));
  const points = [...cuts].sort((a, b) => a - b);
  // Each layer's segments are sorted and the cut points rise, so one cursor per layer suffices.
  const cursors = layers.map(() => 0);
  const pieces: FinalSegment[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const startMs = points[i] as number;
    const endMs = points[i + 1] as number;
    const override = overrides.find((candidate) => candidate.startMs <= startMs && candidate.endMs > startMs);
    let found: FinalSegment = { person: null, source: null, startMs, endMs };
    if (override !== undefined) found = { person: override.person, source: { kind: 'override' }, startMs, endMs };
    for (let index = layers.length - 1; index >= 0 && override === undefined; index -= 1) {
      const segments = layers[index] as CoverageSegment[];
      let cursor = cursors[index] as number;
      while (cursor < segments.length && (segments[cursor] as CoverageSegment).endMs <= startMs) cursor += 1;
      cursors[index] = cursor;
      const segment = segments[cursor];
      if (segment !== undefined && segment.startMs <= startMs) {
        found = { person: segment.person, source: { kind: 'layer', layer: schedule.layers[index]?.name ?? '' }, startMs, endMs };
        break;
      }
    }
    pieces.push(found);
  }
  return mergeAdjacent(pieces, (a, b) => a.person === b.person && sameSource(a.source, b.source));
}

function sameSource(a: OnCallSource | null, b: OnCallSource | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && (a.kind === 'override' || (b.kind === 'layer' && a.layer === b.layer));
}

function mergeAdjacent<T extends { startMs: number; endMs: number }>(segments: readonly T[], same: (a: T, b: T) => boolean): T[] {
  const merged: T[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.endMs === segment.startMs && same(last, segment)) merged[merged.length - 1] = { ...last, endMs: segment.endMs };
    else merged.push({ ...segment });
  }
  return merged;
}

/** The person on call at `atMs` after layers and overrides, or null; cheaper than `whoIsOnCall`. */
export function onCallAt(schedule: OncallSchedule, atMs: number): { person: string | null; source: OnCallSource | null } {
  const [segment] = finalSegments(schedule, atMs, atMs + 1);
  return { person: segment?.person ?? null, source: segment?.source ?? null };
}

function layerAt(layer: ScheduleLayer, zone: string, atMs: number, horizonMs: number): LayerOnCall {
  const shift = shiftAt(layer, zone, atMs);
  const empty = { layer: layer.name, person: null, sinceMs: null, untilMs: null };
  if (layer.restrictions.length === 0) {
    if (shift !== undefined) return { layer: layer.name, person: shift.person, sinceMs: shift.startMs, untilMs: shift.endMs };
    // Before the first shift: nobody, until the layer starts (when that is within the horizon).
    const [first] = layerCoverage(layer, zone, atMs, atMs + horizonMs);
    return { ...empty, untilMs: first?.startMs ?? null };
  }
  const segments = layerCoverage(layer, zone, atMs - horizonMs, atMs + horizonMs);
  const index = segments.findIndex((segment) => segment.endMs > atMs);
  const next = segments[index];
  if (next !== undefined && next.startMs <= atMs) {
    const edge = (ms: number) => (ms === atMs - horizonMs || ms === atMs + horizonMs ? null : ms);
    return { layer: layer.name, person: next.person, sinceMs: edge(next.startMs), untilMs: edge(next.endMs) };
  }
  const previous = index < 0 ? segments[segments.length - 1] : segments[index - 1];
  return { ...empty, sinceMs: previous?.endMs ?? null, untilMs: next?.startMs ?? null };
}

/**
 * Who is on call in `schedule` at `atMs`: each layer's person with the bounds of their shift
 * (cut to its restriction window), the final person after layers and overrides with the
 * bounds of their unbroken stretch, and the next hand-off. Nobody on call is an answer
 * (`person: null`), not an error.
 */
export function whoIsOnCall(schedule: OncallSchedule, atMs: number, horizonMs = onCallSearchHorizonMs): OnCallAnswer {
  // Most answers lie within days; look further only when the current stretch reaches the edge.
  const horizons = [8 * 86_400_000, 35 * 86_400_000, horizonMs].filter((ms) => ms <= horizonMs);
  let final: OnCallAnswer['final'] = { person: null, source: null, sinceMs: null, untilMs: null };
  for (const horizon of horizons) {
    const fromMs = atMs - horizon;
    const toMs = atMs + horizon;
    // Merged by person only: an override handing back to the same person is no hand-off.
    const timeline = mergeAdjacent(finalSegments(schedule, fromMs, toMs), (a, b) => a.person === b.person);
    const current = timeline.find((segment) => segment.startMs <= atMs && segment.endMs > atMs);
    const exact = (ms: number | undefined): number | null => (ms === undefined || ms === fromMs || ms === toMs ? null : ms);
    final = { person: current?.person ?? null, source: null, sinceMs: exact(current?.startMs), untilMs: exact(current?.endMs) };
    if (final.sinceMs !== null && final.untilMs !== null) break;
  }
  final.source = finalSegments(schedule, atMs, atMs + 1)[0]?.source ?? null;
  const layers = schedule.layers.map((layer) => {
    let answer = layerAt(layer, schedule.timeZone, atMs, horizons[0] ?? horizonMs);
    for (const horizon of horizons.slice(1)) {
      if (answer.sinceMs !== null && answer.untilMs !== null) break;
      answer = layerAt(layer, schedule.timeZone, atMs, horizon);
    }
    return answer;
  });
  return { schedule: schedule.name, atMs, layers, final, nextHandoffAtMs: final.untilMs };
}

export interface ScheduleShifts {
  schedule: string;
  fromMs: number;
  toMs: number;
  /** Per layer: who covers it when (rotation shifts cut to restriction windows), clipped to the range. */
  layers: Array<{ layer: string; shifts: CoverageSegment[] }>;
  /** The final schedule after layers and overrides; gaps appear as `person: null`. */
  final: FinalSegment[];
  overrides: Array<{ person: string; startMs: number; endMs: number }>;
}

/** Shifts in [fromMs, toMs), for the dashboard and `GET /api/v1/schedules/:name/shifts`. */
export function rotationShifts(schedule: OncallSchedule, fromMs: number, toMs: number): ScheduleShifts {
  return {
    schedule: schedule.name,
    fromMs,
    toMs,
    layers: schedule.layers.map((layer) => ({ layer: layer.name, shifts: layerCoverage(layer, schedule.timeZone, fromMs, toMs) })),
    final: finalSegments(schedule, fromMs, toMs),
    overrides: schedule.overrides.filter((override) => override.endMs > fromMs && override.startMs < toMs).map((override) => ({ ...override })),
  };
}
