/**
 * 1-minute and 1-hour roll-ups of committed check results, kept in memory while a minute or hour
 * is open and written when it closes (`closeDelayMs` after its end, so results still being
 * committed land first). Each close writes its buckets and the new progress mark in one
 * transaction; after a crash, `start` rebuilds the open minutes from the raw results after the
 * mark and the open hour from its stored minutes, so no result is counted twice or lost.
 * A result that arrives after its minute was closed (a commit delayed by a database outage) is
 * merged into the stored rows at the next close.
 */
import type { Clock } from '../../core/clock.js';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import { bucketEndMs, emptyBucket, mergeBuckets, recordResult, recordResultInPlace, type ResultStatus, type UptimeBucket } from '../../core/monitors/uptime.js';
import type { MonitorRollup, RollupSize, Store, StoreRepositories } from '../../adapters/store/store.js';
import type { Timers, TimerHandle } from '../timers.js';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;

export interface UptimeRollupsOptions {
  store: Store;
  clock: Clock;
  timers: Timers;
  /** Latency thresholds (ms) a monitor's buckets track exactly; unknown monitors get none. */
  thresholdsOf: (monitor: string) => readonly number[];
  closeDelayMs?: number;
  onError?: (error: unknown) => void;
}

export type MinuteClosedListener = (minuteEndMs: number, buckets: readonly MonitorRollup[]) => void;

export interface UptimeRollups {
  /** Rebuilds open minutes and the open hour from the store, then closes minutes on a timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Folds committed results into their open minutes. */
  add(results: readonly MonitorResult[]): void;
  /** Closes every minute that ended at least `closeDelayMs` ago (the timer calls this). */
  closeDue(): Promise<void>;
  /** Open (not yet written) 1-minute buckets of the named monitors, or of all. */
  openMinutes(monitors?: readonly string[]): MonitorRollup[];
  /** End of the last written minute (ms); null before the first close. */
  progressMs(): number | null;
  onMinuteClosed(listener: MinuteClosedListener): () => void;
  /** Forgets a deleted monitor's open buckets. */
  forget(monitor: string): void;
}

export function createUptimeRollups(options: UptimeRollupsOptions): UptimeRollups {
  const { store, clock, timers } = options;
  const closeDelayMs = options.closeDelayMs ?? 5_000;
  const minutes = new Map<number, Map<string, UptimeBucket>>();
  const hours = new Map<number, Map<string, UptimeBucket>>();
  const late: MonitorResult[] = [];
  const listeners = new Set<MinuteClosedListener>();
  let progress: number | null = null;
  let timer: TimerHandle | null = null;
  let closing: Promise<void> | null = null;
  let running = false;
  /** While minutes up to this end are being written: results for them wait in `late`. */
  let closingBound: number | null = null;

  function fold(target: Map<number, Map<string, UptimeBucket>>, endMs: number, monitor: string, add: (bucket: UptimeBucket) => UptimeBucket): void {
    let byMonitor = target.get(endMs);
    if (byMonitor === undefined) {
      byMonitor = new Map();
      target.set(endMs, byMonitor);
    }
    byMonitor.set(monitor, add(byMonitor.get(monitor) ?? emptyBucket(endMs, options.thresholdsOf(monitor))));
  }

  function addResult(result: MonitorResult): void {
    const endMs = bucketEndMs(result.atMs, minuteMs);
    // A minute being written right now is as closed as one written: counting into it would
    // change rows in flight, or be dropped with the minute once the write succeeds.
    const closedUpTo = closingBound ?? progress;
    if (closedUpTo !== null && endMs <= closedUpTo) {
      late.push(result);
      return;
    }
    let byMonitor = minutes.get(endMs);
    if (byMonitor === undefined) {
      byMonitor = new Map();
      minutes.set(endMs, byMonitor);
    }
    let bucket = byMonitor.get(result.monitor);
    if (bucket === undefined) {
      bucket = emptyBucket(endMs, options.thresholdsOf(result.monitor));
      byMonitor.set(result.monitor, bucket);
    }
    // Open minute buckets are this module's own accumulators (see recordResultInPlace); they are
    // only handed out once closed, and never changed after that.
    recordResultInPlace(bucket, statusOf(result), result.latencyMs ?? undefined);
  }

  function arm(): void {
    if (!running) return;
    timer?.cancel();
    const nowMs = clock.nowMs();
    const nextClose = bucketEndMs(nowMs - closeDelayMs + 1, minuteMs) + closeDelayMs;
    timer = timers.after(nextClose - nowMs, () => {
      timer = null;
      void closeDue().finally(arm);
    });
  }

  async function closeDue(): Promise<void> {
    if (closing !== null) return closing;
    closing = closeUpTo(Math.floor((clock.nowMs() - closeDelayMs) / minuteMs) * minuteMs).catch((error: unknown) => options.onError?.(error));
    try {
      await closing;
    } finally {
      closing = null;
    }
  }

  async function closeUpTo(boundMs: number): Promise<void> {
    if (progress !== null && boundMs <= progress && late.length === 0) return;
    closingBound = Math.max(boundMs, progress ?? boundMs);
    try {
      await writeClosed(boundMs);
    } finally {
      closingBound = null;
    }
  }

  async function writeClosed(boundMs: number): Promise<void> {
    // Buckets are immutable values, so a shallow copy is enough to undo the folds on failure.
    const hoursBefore = new Map([...hours].map(([endMs, byMonitor]) => [endMs, new Map(byMonitor)]));
    const minuteEnds = [...minutes.keys()].filter((endMs) => endMs <= boundMs).sort((a, b) => a - b);
    const closedMinutes: Array<[number, MonitorRollup[]]> = minuteEnds.map((endMs) => [endMs, rollupsOf(minutes.get(endMs))]);
    for (const [endMs, rollups] of closedMinutes) {
      for (const rollup of rollups) fold(hours, bucketEndMs(endMs, hourMs), rollup.monitor, (bucket) => mergeInto(bucket, rollup.bucket));
    }
    const lateResults = late.splice(0, late.length);
    // A late result whose hour is still open joins it in memory; its minute row is merged in the store.
    const lateForClosedHours: MonitorResult[] = [];
    for (const result of lateResults) {
      const hourEnd = bucketEndMs(result.atMs, hourMs);
      if (hours.has(hourEnd)) fold(hours, hourEnd, result.monitor, (bucket) => recordResult(bucket, statusOf(result), result.latencyMs ?? undefined));
      else lateForClosedHours.push(result);
    }
    const hourEnds = [...hours.keys()].filter((endMs) => endMs <= boundMs).sort((a, b) => a - b);
    const closedHours = hourEnds.map((endMs) => rollupsOf(hours.get(endMs))).flat();
    try {
      await store.transaction(async (repos) => {
        const minuteRows = closedMinutes.flatMap(([, rollups]) => rollups);
        if (minuteRows.length > 0) await repos.monitorRollups.upsert('1m', minuteRows);
        if (closedHours.length > 0) await repos.monitorRollups.upsert('1h', closedHours);
        if (lateResults.length > 0) await mergeStored(repos, '1m', lateResults);
        if (lateForClosedHours.length > 0) await mergeStored(repos, '1h', lateForClosedHours);
        if (progress === null || boundMs > progress) await repos.monitorRollups.setProgress(boundMs);
      });
    } catch (error) {
      // Nothing was written: undo the hour folds and keep the minutes open for the next try.
      hours.clear();
      for (const [endMs, byMonitor] of hoursBefore) hours.set(endMs, byMonitor);
      late.push(...lateResults);
      throw error;
    }
    for (const endMs of minuteEnds) minutes.delete(endMs);
    for (const endMs of hourEnds) hours.delete(endMs);
    if (progress === null || boundMs > progress) progress = boundMs;
    for (const [endMs, rollups] of closedMinutes) for (const listener of [...listeners]) listener(endMs, rollups);
  }

  /** Adds results to the stored buckets of `size` they belong to (read, merge, write back). */
  async function mergeStored(repos: StoreRepositories, size: RollupSize, results: readonly MonitorResult[]): Promise<void> {
    const sizeMs = rollupSizeMs(size);
    const byKey = new Map<string, MonitorRollup>();
    for (const result of results) {
      const endMs = bucketEndMs(result.atMs, sizeMs);
      const key = `${result.monitor}\u0000${endMs}`;
      const entry = byKey.get(key) ?? { monitor: result.monitor, bucket: emptyBucket(endMs, options.thresholdsOf(result.monitor)) };
      byKey.set(key, { monitor: entry.monitor, bucket: recordResult(entry.bucket, statusOf(result), result.latencyMs ?? undefined) });
    }
    const merged: MonitorRollup[] = [];
    for (const entry of byKey.values()) {
      const [stored] = await repos.monitorRollups.list(size, [entry.monitor], entry.bucket.endMs - 1, entry.bucket.endMs);
      merged.push({ monitor: entry.monitor, bucket: stored === undefined ? entry.bucket : mergeInto(stored.bucket, entry.bucket) });
    }
    await repos.monitorRollups.upsert(size, merged);
  }

  async function rebuild(): Promise<void> {
    const nowMs = clock.nowMs();
    progress = await store.monitorRollups.progress();
    const fromMs = progress ?? Math.floor((nowMs - hourMs) / minuteMs) * minuteMs;
    for (const result of await store.monitorResults.between(fromMs, nowMs)) addResult(result);
    if (progress !== null && progress % hourMs !== 0) {
      const hourEnd = bucketEndMs(progress, hourMs);
      for (const rollup of await store.monitorRollups.list('1m', undefined, hourEnd - hourMs, progress)) {
        fold(hours, hourEnd, rollup.monitor, (bucket) => mergeInto(bucket, rollup.bucket));
      }
    }
  }

  return {
    async start() {
      await rebuild();
      running = true;
      await closeDue();
      arm();
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = null;
      if (closing !== null) await closing;
    },
    add(results) {
      for (const result of results) addResult(result);
    },
    closeDue,
    openMinutes(monitors) {
      const wanted = monitors === undefined ? undefined : new Set(monitors);
      const open: MonitorRollup[] = [];
      for (const byMonitor of minutes.values()) {
        for (const [monitor, bucket] of byMonitor) if (wanted === undefined || wanted.has(monitor)) open.push({ monitor, bucket });
      }
      return open;
    },
    progressMs: () => progress,
    onMinuteClosed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    forget(monitor) {
      for (const byMonitor of minutes.values()) byMonitor.delete(monitor);
      for (const byMonitor of hours.values()) byMonitor.delete(monitor);
    },
  };
}

function rollupsOf(byMonitor: Map<string, UptimeBucket> | undefined): MonitorRollup[] {
  return byMonitor === undefined ? [] : [...byMonitor].map(([monitor, bucket]) => ({ monitor, bucket }));
}

/** `extra` merged into `base`, keeping base's end time. */
function mergeInto(base: UptimeBucket, extra: UptimeBucket): UptimeBucket {
  return mergeBuckets(base, { ...extra, endMs: base.endMs });
}

function statusOf(result: MonitorResult): ResultStatus {
  return result.maintenance ? 'maintenance' : result.status;
}

/** The size in ms of a roll-up size name. */
export function rollupSizeMs(size: RollupSize): number {
  return size === '1m' ? minuteMs : hourMs;
}
