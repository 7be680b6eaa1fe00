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
import { createRetentionJob, type RetentionTask } from '../retention-job.js';
import { createSloEvaluator, type SloEvaluator } from './slo-evaluator.js';
import { createSloService, type SloService } from './slo-service.js';

export interface SloEngineOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  /** Where monitor minutes come from (MonitorSliSource.onMinuteClosed). */
  onMonitorMinuteClosed: (listener: MinuteClosedListener) => () => void;
  onError?: (error: unknown, context: string) => void;
}

export interface SloEngine {
  service: SloService;
  evaluator: SloEvaluator;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSloEngine(options: SloEngineOptions): SloEngine {
  const evaluator = createSloEvaluator({ store: options.store, bus: options.bus, clock: options.clock, timers: options.timers, onError: options.onError });
  const service = createSloService({ store: options.store, bus: options.bus, clock: options.clock, evaluator });
  const retention = createRetentionJob({ clock: options.clock, timers: options.timers, tasks: sloRetentionTasks(options.store, evaluator), onError: (error) => options.onError?.(error, 'deleting old SLO data') });
  let unsubscribe: (() => void) | null = null;
  return {
    service,
    evaluator,
    async start() {
      await service.load();
      unsubscribe = options.onMonitorMinuteClosed((_minuteEndMs, rollups) => {
        service.monitorMinuteClosed(rollups).catch((error: unknown) => options.onError?.(error, 'counting monitor SLIs'));
      });
      evaluator.start();
      retention.start();
    },
    async stop() {
      await retention.stop();
      unsubscribe?.();
      await evaluator.stop();
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
