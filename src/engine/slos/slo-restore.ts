/**
 * Rebuilding SLOs' in-memory counts after a start, two ways:
 * - from rows (`restoreCountsFromRows`): the SLO's hour rows, then its last 3 days of minute
 *   rows: ~4,330 rows per busy SLO, two queries each. Always right, and what a single new or
 *   changed SLO gets, but 10,000 SLOs take minutes.
 * - from checkpoints (`restoreAllCounts`): every SLO's rings as written at a cut C (one paged
 *   query), then one query for all minute rows ending after the oldest C, each applied to the
 *   SLOs whose cut it is past (~70-80 rows per SLO). SLOs without a usable checkpoint (none yet,
 *   unreadable, sized for another window or lateness, a cut older than the 3 days of minutes,
 *   time-slice budgeting) fall back to the rows.
 * Both give the same window sums: the checkpoint holds exactly the counts of minutes up to C
 * (src/core/slo/slo-checkpoint.test.ts compares them).
 */
import { createDecodeBuffers, decodeCountSnapshot } from '../../core/slo/slo-checkpoint-codec.js';
import type { SloCounts } from '../../core/slo/slo-counts.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { dayMs, hourMs, longestWindowMs } from '../../core/slo/slo-window.js';
import type { Store } from '../../adapters/store/store.js';

/** Minute rows are read back this far by the restore from rows (the longest alert window). */
export const minuteRestoreMs = 3 * dayMs;
const checkpointPageSize = 500;
/** Minutes of the replay read per query: ~50,000 rows at 10,000 SLOs. */
const replaySliceMs = 5 * 60_000;

/** The old way: hour rows before the minutes, then the minutes (SliCountBuffer's restore order). */
export async function restoreCountsFromRows(store: Store, spec: SloSpec, counts: SloCounts, nowMs: number): Promise<SloCounts> {
  const minutesFrom = Math.floor((nowMs - minuteRestoreMs) / hourMs) * hourMs;
  const hoursFrom = nowMs - longestWindowMs(spec.window) - 5 * dayMs;
  for (const hour of await store.sloCounts.hours(spec.name, hoursFrom, minutesFrom)) counts.add(hour.endMs, hour.good, hour.total);
  for (const minute of await store.sloCounts.minutes(spec.name, minutesFrom, nowMs + hourMs)) counts.add(minute.endMs, minute.good, minute.total);
  return counts;
}

export type CheckpointMiss = 'none' | 'unreadable' | 'resized' | 'too_old' | 'in_future';

export interface RestoreReport {
  fromCheckpoint: number;
  fromRows: number;
  /** Minute rows read by the replay after the checkpoints. */
  replayedRows: number;
  /** Why SLOs were restored from rows, with how many each. */
  misses: Partial<Record<CheckpointMiss, number>>;
  checkpointBytes: number;
}

export interface RestoreAllOptions {
  store: Store;
  specs: readonly SloSpec[];
  nowMs: number;
  /** Fresh, empty counts sized for the spec (the evaluator's lateness). */
  newCounts(spec: SloSpec): SloCounts;
}

interface Restored {
  counts: SloCounts;
  cutMs: number;
}

async function loadCheckpoints(options: RestoreAllOptions, report: RestoreReport): Promise<Map<string, Restored>> {
  const specs = new Map(options.specs.map((spec) => [spec.name, spec]));
  const restored = new Map<string, Restored>();
  const miss = (reason: CheckpointMiss) => (report.misses[reason] = (report.misses[reason] ?? 0) + 1);
  // Decoded snapshots only live until restoreSnapshot copies them: one set of arrays for all.
  const buffers = createDecodeBuffers();
  let after: string | undefined;
  for (;;) {
    const page = await options.store.sloCheckpoints.list(after, checkpointPageSize);
    for (const checkpoint of page) {
      const spec = specs.get(checkpoint.slo);
      if (spec === undefined) continue;
      report.checkpointBytes += checkpoint.data.byteLength;
      if (checkpoint.cutMs > options.nowMs) miss('in_future');
      else if (checkpoint.cutMs < options.nowMs - minuteRestoreMs) miss('too_old');
      else {
        const snapshot = decodeCountSnapshot(checkpoint.data, buffers);
        const counts = options.newCounts(spec);
        if (typeof snapshot === 'string') miss('unreadable');
        else if (!counts.restoreSnapshot(snapshot)) miss('resized');
        else restored.set(spec.name, { counts, cutMs: checkpoint.cutMs });
      }
    }
    if (page.length < checkpointPageSize) break;
    after = page[page.length - 1]!.slo;
  }
  return restored;
}

/**
 * Counts for every spec: from checkpoints plus one replay of the minutes after them where
 * possible, from rows otherwise (see the file comment). Sequential on purpose: the store has one
 * connection on SQLite, and the row fallback is the slow path only on a first start.
 */
export async function restoreAllCounts(options: RestoreAllOptions): Promise<{ counts: Map<string, SloCounts>; report: RestoreReport }> {
  const report: RestoreReport = { fromCheckpoint: 0, fromRows: 0, replayedRows: 0, misses: {}, checkpointBytes: 0 };
  const restored = await loadCheckpoints(options, report);
  if (restored.size > 0) {
    let oldestCutMs = Infinity;
    for (const { cutMs } of restored.values()) oldestCutMs = Math.min(oldestCutMs, cutMs);
    // In slices of time rather than one query: at 10,000 SLOs the tail is ~640,000 rows, and
    // holding them all at once is mostly garbage-collector work (the server runs with a small
    // young generation, so they would all be promoted first).
    const lastEndMs = options.nowMs + hourMs;
    for (let fromMs = oldestCutMs; fromMs < lastEndMs; fromMs += replaySliceMs) {
      const rows = await options.store.sloCounts.minutesSince(fromMs, Math.min(fromMs + replaySliceMs, lastEndMs));
      report.replayedRows += rows.length;
      for (const row of rows) {
        const target = restored.get(row.slo);
        if (target !== undefined && row.endMs > target.cutMs) target.counts.add(row.endMs, row.good, row.total);
      }
    }
  }
  const counts = new Map<string, SloCounts>();
  for (const spec of options.specs) {
    const fromCheckpoint = restored.get(spec.name);
    if (fromCheckpoint !== undefined) {
      counts.set(spec.name, fromCheckpoint.counts);
      report.fromCheckpoint++;
      continue;
    }
    counts.set(spec.name, await restoreCountsFromRows(options.store, spec, options.newCounts(spec), options.nowMs));
    report.fromRows++;
  }
  const missed = Object.values(report.misses).reduce((sum, value) => sum + value, 0);
  if (report.fromRows > missed) report.misses.none = report.fromRows - missed;
  return { counts, report };
}
