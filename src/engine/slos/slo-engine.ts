/**
 * The SLO feature assembled: the evaluator (counts in memory, one evaluation per minute) and the
 * service (CRUD, pushed events, monitor SLIs, release gate), fed by the monitors' closing
 * minutes. app.ts hands in the adapters and calls start/stop.
 */
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../adapters/store/store.js';
import type { EventBus } from '../event-bus.js';
import type { MinuteClosedListener } from '../monitors/uptime-rollups.js';
import type { Timers } from '../timers.js';
import { longestWindowMs } from '../../core/slo/slo-window.js';
import type { PrometheusSliSource } from '../../adapters/sources/prometheus-sli-source.js';
import { createRetentionJob, type RetentionTask } from '../retention-job.js';
import { createPrometheusSliPoller, type PrometheusSliPoller, type PrometheusSliPollerOptions, type SliSourceHealth } from './prometheus-sli-poller.js';
import { createSloCheckpointer, type CheckpointWriteReport, type SloCheckpointer } from './slo-checkpoints.js';
import { createSloEvaluator, type SloEvaluator } from './slo-evaluator.js';
import type { RestoreReport } from './slo-restore.js';
import { createSloService, type SloService } from './slo-service.js';

export interface SloEngineOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  /** Where monitor minutes come from (MonitorSliSource.onMinuteClosed). */
  onMonitorMinuteClosed: (listener: MinuteClosedListener) => () => void;
  onError?: (error: unknown, context: string) => void;
  /** How late counts may arrive (default 1h): pushed events, PromQL catch-up, ring sizes. */
  latenessMs?: number;
  /** Time after each minute boundary before evaluating (default 10 s). */
  evaluationDelayMs?: number;
  /** Reads PromQL SLIs; SLOs with a prometheus SLI get no counts without it. */
  prometheus?: PrometheusSliSource;
  /** Tuning of the PromQL poller (delay after each minute, catch-up, concurrency). */
  prometheusPolling?: Pick<PrometheusSliPollerOptions, 'delayMs' | 'catchUpMs' | 'maxStepsPerCycle' | 'concurrency'>;
  /** Counts each failed PromQL read of an SLO (a metric). */
  onSourceFailure?: (slo: string) => void;
  /** An SLO's PromQL source started failing or recovered. */
  onSourceHealthChange?: (slo: string, health: SliSourceHealth) => void;
  /** Between two restart checkpoints of every SLO's counts (default 10 min; see slo-checkpoints.ts). */
  checkpointEveryMs?: number;
  /** The start restored the SLOs: how many from checkpoints, how many from rows, in how many ms. */
  onRestored?: (report: RestoreReport, durationMs: number) => void;
  /** A checkpoint of every SLO was written. */
  onCheckpointWritten?: (report: CheckpointWriteReport) => void;
}

export interface SloEngine {
  service: SloService;
  evaluator: SloEvaluator;
  /** PromQL read progress and last error of an SLO; undefined for other sources. */
  sourceHealth(slo: string): SliSourceHealth | undefined;
  /** The PromQL poller, when a source was given (tests drive it with `pollNow`). */
  prometheusPoller: PrometheusSliPoller | null;
  /** Restart checkpoints (written every `checkpointEveryMs` and at stop). */
  checkpointer: SloCheckpointer;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSloEngine(options: SloEngineOptions): SloEngine {
  const latenessMs = options.latenessMs ?? 3_600_000;
  const evaluator = createSloEvaluator({
    store: options.store,
    bus: options.bus,
    clock: options.clock,
    timers: options.timers,
    onError: options.onError,
    latenessMs,
    evaluationDelayMs: options.evaluationDelayMs,
  });
  const service = createSloService({ store: options.store, bus: options.bus, clock: options.clock, evaluator, latenessMs });
  const retention = createRetentionJob({ clock: options.clock, timers: options.timers, tasks: sloRetentionTasks(options.store, evaluator), onError: (error) => options.onError?.(error, 'deleting old SLO data') });
  const poller =
    options.prometheus === undefined
      ? null
      : createPrometheusSliPoller({
          // Missed minutes are read back while they can still be counted, 5 minutes to spare.
          catchUpMs: Math.max(60_000, latenessMs - 5 * 60_000),
          ...options.prometheusPolling,
          source: options.prometheus,
          store: options.store,
          clock: options.clock,
          timers: options.timers,
          specs: function* () {
            for (const runtime of evaluator.runtimes.values()) yield runtime.spec;
          },
          persist: (counts) => service.addSourceCounts(counts),
          onFailure: options.onSourceFailure,
          onHealthChange: options.onSourceHealthChange,
        });
  const checkpointer = createSloCheckpointer({
    store: options.store,
    clock: options.clock,
    timers: options.timers,
    runtimes: () => evaluator.runtimes.values(),
    latenessMs,
    everyMs: options.checkpointEveryMs,
    oldestPendingMs: () => service.oldestPendingMs(),
    onError: options.onError,
    onWritten: options.onCheckpointWritten,
  });
  let unsubscribe: (() => void) | null = null;
  return {
    service,
    evaluator,
    checkpointer,
    prometheusPoller: poller,
    sourceHealth: (slo) => poller?.health(slo),
    async start() {
      const startedMs = options.clock.nowMs();
      const restored = await service.load();
      options.onRestored?.(restored, options.clock.nowMs() - startedMs);
      unsubscribe = options.onMonitorMinuteClosed((_minuteEndMs, rollups) => {
        service.monitorMinuteClosed(rollups).catch((error: unknown) => options.onError?.(error, 'counting monitor SLIs'));
      });
      evaluator.start();
      poller?.start();
      retention.start();
      // SLOs restored from rows (a first start, a changed window) get a checkpoint soon (90 s).
      checkpointer.start(restored.fromRows > 0);
    },
    async stop() {
      await retention.stop();
      await poller?.stop();
      unsubscribe?.();
      await evaluator.stop();
      await checkpointer.stop();
    },
  };
}

const dayMs = 86_400_000;

/**
 * Minute counts live 4 days (the 3-day alert window plus lateness), hour counts the longest SLO
 * window plus 5 days (DESIGN.md), idempotency keys a day, history the longest window plus 5 days.
 */
export function sloRetentionTasks(store: Store, evaluator: SloEvaluator): RetentionTask[] {
  const longestKeptMs = (): number => {
    let longest = 30 * dayMs;
    for (const runtime of evaluator.runtimes.values()) longest = Math.max(longest, longestWindowMs(runtime.spec.window));
    return longest + 5 * dayMs;
  };
  return [
    { name: 'slo_counts_1m', deleteBatch: (nowMs, limit) => store.sloCounts.deleteOlderThan('1m', nowMs - 4 * dayMs, limit) },
    { name: 'slo_counts_1h', deleteBatch: (nowMs, limit) => store.sloCounts.deleteOlderThan('1h', nowMs - longestKeptMs(), limit) },
    { name: 'ingest_keys', deleteBatch: (nowMs, limit) => store.ingestKeys.deleteOlderThan(nowMs - dayMs, limit) },
    { name: 'slo_history', deleteBatch: (nowMs, limit) => store.sloHistory.deleteOlderThan(nowMs - longestKeptMs(), limit) },
  ];
}
