/**
 * Reads uptime and latency over any window from the cheapest data that is exact: whole closed
 * hours from the 1-hour roll-ups, the ragged edges from 1-minute roll-ups, and the minutes still
 * open from memory. Where the 1-minute roll-ups have already expired, the first hour of the
 * window is counted whole (documented in docs/monitors.md).
 *
 * Also the interface the SLO engine consumes: good/total counts per minute (or per hour) for an
 * availability or latency SLI of a monitor, plus a callback as each minute closes.
 */
import type { Clock } from '../../core/clock.js';
import {
  emptyBucket,
  mergeBuckets,
  sliCounts,
  summarizeWindow,
  type SliCounts,
  type SliRule,
  type UptimeBucket,
  type WindowSummary,
} from '../../core/monitors/uptime.js';
import type { MonitorRollup, RollupSize, Store } from '../../adapters/store/store.js';
import { hourMs, minuteMs, rollupSizeMs, type MinuteClosedListener, type UptimeRollups } from './uptime-rollups.js';

export interface SliPoint extends SliCounts {
  /** End of the bucket (ms); it covers (endMs - size, endMs]. */
  endMs: number;
}

/** What the SLO engine needs from monitors. */
export interface MonitorSliSource {
  /**
   * Good/total of `rule` for `monitor` per bucket of `size`, for buckets ending in
   * (fromMs, toMs], oldest first. Buckets without results are absent. A latency threshold the
   * monitor does not track (see `latency_thresholds`) gives no points.
   */
  sliCounts(monitor: string, rule: SliRule, size: RollupSize, fromMs: number, toMs: number): Promise<SliPoint[]>;
  onMinuteClosed(listener: MinuteClosedListener): () => void;
}

export interface UptimeQuery extends MonitorSliSource {
  /** Counts, uptime ratio and latency percentiles of the monitors together over (fromMs, toMs]. */
  summary(monitors: readonly string[], fromMs: number, toMs: number): Promise<WindowSummary>;
  /** Buckets of `size` of the monitors merged, ending in (fromMs, toMs], oldest first (charts, status bars). */
  buckets(monitors: readonly string[], size: RollupSize, fromMs: number, toMs: number): Promise<UptimeBucket[]>;
}

export interface UptimeQueryOptions {
  store: Store;
  rollups: UptimeRollups;
  clock: Clock;
  /** How long 1-minute roll-ups are kept (ms). */
  minuteRetentionMs: number;
}

export function createUptimeQuery(options: UptimeQueryOptions): UptimeQuery {
  const { store, rollups, clock } = options;

  /** Every bucket needed to cover (fromMs, toMs] once, from the three sources. */
  async function coveringBuckets(monitors: readonly string[], fromMs: number, askedToMs: number): Promise<UptimeBucket[]> {
    if (monitors.length === 0 || askedToMs <= fromMs) return [];
    // Buckets are whole minutes: the minute holding `to` counts (with what it has so far).
    const toMs = Math.ceil(askedToMs / minuteMs) * minuteMs;
    const progress = rollups.progressMs() ?? Number.NEGATIVE_INFINITY;
    const storedTo = Math.min(toMs, progress);
    const buckets: UptimeBucket[] = [];
    if (storedTo > fromMs) {
      const lastHour = Math.floor(storedTo / hourMs) * hourMs;
      const firstHour = Math.ceil(fromMs / hourMs) * hourMs;
      const minutesKept = clock.nowMs() - options.minuteRetentionMs;
      const read = async (size: RollupSize, from: number, to: number): Promise<void> => {
        if (to > from) for (const rollup of await store.monitorRollups.list(size, monitors, from, to)) buckets.push(rollup.bucket);
      };
      if (firstHour < lastHour) {
        if (fromMs < minutesKept) await read('1h', fromMs, lastHour);
        else {
          await read('1m', fromMs, firstHour);
          await read('1h', firstHour, lastHour);
        }
        await read('1m', lastHour, storedTo);
      } else {
        await read('1m', fromMs, storedTo);
      }
    }
    const openFrom = Math.max(fromMs, progress);
    for (const rollup of rollups.openMinutes(monitors)) {
      if (rollup.bucket.endMs > openFrom && rollup.bucket.endMs <= toMs) buckets.push(rollup.bucket);
    }
    return buckets;
  }

  async function pointsOf(monitor: string, size: RollupSize, fromMs: number, askedToMs: number): Promise<MonitorRollup[]> {
    const toMs = Math.ceil(askedToMs / rollupSizeMs(size)) * rollupSizeMs(size);
    const progress = rollups.progressMs() ?? Number.NEGATIVE_INFINITY;
    const stored = toMs > fromMs ? await store.monitorRollups.list(size, [monitor], fromMs, Math.min(toMs, progress)) : [];
    if (size === '1h') return stored;
    const open = rollups.openMinutes([monitor]).filter((rollup) => rollup.bucket.endMs > Math.max(fromMs, progress) && rollup.bucket.endMs <= toMs);
    return [...stored, ...open.sort((a, b) => a.bucket.endMs - b.bucket.endMs)];
  }

  return {
    async summary(monitors, fromMs, toMs) {
      return summarizeWindow(await coveringBuckets(monitors, fromMs, toMs), fromMs, Math.ceil(toMs / minuteMs) * minuteMs);
    },

    async buckets(monitors, size, fromMs, toMs) {
      const sizeMs = size === '1m' ? minuteMs : hourMs;
      const merged = new Map<number, UptimeBucket>();
      const sources = size === '1m' ? await Promise.all(monitors.map((monitor) => pointsOf(monitor, '1m', fromMs, toMs))) : [];
      const buckets = size === '1m' ? sources.flat().map((rollup) => rollup.bucket) : await coveringBuckets(monitors, fromMs, toMs);
      for (const bucket of buckets) {
        const endMs = Math.ceil(bucket.endMs / sizeMs) * sizeMs;
        const existing = merged.get(endMs);
        merged.set(endMs, mergeBuckets(existing ?? emptyBucket(endMs, Object.keys(bucket.latencyUnder).map(Number)), { ...bucket, endMs }));
      }
      return [...merged.values()].sort((a, b) => a.endMs - b.endMs);
    },

    async sliCounts(monitor, rule, size, fromMs, toMs) {
      const points: SliPoint[] = [];
      for (const rollup of await pointsOf(monitor, size, fromMs, toMs)) {
        const counts = sliCounts(rollup.bucket, rule);
        if (counts !== undefined && counts.total > 0) points.push({ endMs: rollup.bucket.endMs, ...counts });
      }
      return points;
    },

    onMinuteClosed: (listener) => rollups.onMinuteClosed(listener),
  };
}
