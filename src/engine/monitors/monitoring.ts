/**
 * The monitors feature assembled: scheduler, group-commit recorder, roll-ups, uptime queries,
 * retention and the monitor service, wired to each other. app.ts hands in the adapters (store,
 * probes, metrics, clock, timers) and calls start/stop; everything here is engine.
 *
 * Start order matters: roll-ups rebuild from the store before the scheduler produces new
 * results; stop order is the reverse, and the recorder flushes last so nothing in flight is lost.
 */
import { randomBytes } from 'node:crypto';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import type { Clock } from '../../core/clock.js';
import type { MonitorStatus } from '../../core/monitors/monitor-status.js';
import type { MonitorMetrics, MonitorMetricsSnapshot } from '../../adapters/metrics/monitor-metrics.js';
import type { ProbeRegistry } from '../../adapters/probes/probe-registry.js';
import type { Store } from '../../adapters/store/store.js';
import type { EventBus } from '../event-bus.js';
import type { Timers } from '../timers.js';
import { createMonitorEventPublisher } from './monitor-events.js';
import { createRetentionJob, type RetentionJob } from '../retention-job.js';
import { monitorRetentionTasks, type RetentionSettings } from './monitor-retention.js';
import { createMonitorScheduler, type MonitorScheduler } from './monitor-scheduler.js';
import { createMonitorService, type MonitorService } from './monitor-service.js';
import { createResultRecorder, type ResultRecorder } from './result-recorder.js';
import { createUptimeQuery, type UptimeQuery } from './uptime-query.js';
import { createUptimeRollups, type UptimeRollups } from './uptime-rollups.js';

export interface MonitoringOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  probes: ProbeRegistry;
  maxConcurrency: number;
  retention: RetentionSettings;
  /** Builds the metrics once the parts they read exist. */
  metrics?: (snapshot: MonitorMetricsSnapshot) => MonitorMetrics;
  onError?: (error: unknown, context: string) => void;
  /** Group-commit interval (ms); tests shorten it. */
  flushIntervalMs?: number;
  newToken?: () => string;
  /** Names of what reads a monitor (SLOs); such a monitor cannot be deleted. */
  usersOf?: (monitor: string) => string[];
  /** Results once durable (alert rules read the newest latency and host readings). */
  onResultsCommitted?: (results: readonly MonitorResult[]) => void;
}

export interface Monitoring {
  service: MonitorService;
  query: UptimeQuery;
  scheduler: MonitorScheduler;
  recorder: ResultRecorder;
  rollups: UptimeRollups;
  retention: RetentionJob;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createMonitoring(options: MonitoringOptions): Monitoring {
  const { store, bus, clock, timers, probes } = options;
  const report = (context: string) => (error: unknown) => options.onError?.(error, context);
  let metrics: MonitorMetrics | undefined;

  const rollups = createUptimeRollups({
    store,
    clock,
    timers,
    // Called only for results, which exist only once the scheduler below runs.
    thresholdsOf: (monitor) => scheduler.view(monitor)?.monitor.latencyThresholdsMs ?? [],
    onError: report('closing uptime roll-ups'),
  });
  const recorder = createResultRecorder({
    store,
    timers,
    flushIntervalMs: options.flushIntervalMs,
    onCommitted: (results) => {
      metrics?.resultsWritten(results.length);
      rollups.add(results);
      options.onResultsCommitted?.(results);
    },
    onError: (error, pending) => options.onError?.(error, `writing ${pending} check results (kept for the next attempt)`),
    onDropped: (count) => metrics?.resultsDropped(count),
  });
  const listener = createMonitorEventPublisher(bus);
  const scheduler = createMonitorScheduler({
    clock,
    timers,
    probes,
    recorder,
    listener,
    metrics: {
      observeLag: (seconds) => metrics?.observeLag(seconds),
      observeCheck: (kind, status, seconds) => metrics?.observeCheck(kind, status, seconds),
      skipped: (reason) => metrics?.skipped(reason),
    },
    maxConcurrency: options.maxConcurrency,
    onError: (error, monitor) => options.onError?.(error, `checking monitor ${monitor}`),
    onRemoved: (monitor) => rollups.forget(monitor),
  });
  const service = createMonitorService({
    store,
    bus,
    clock,
    scheduler,
    probes,
    newToken: options.newToken ?? (() => randomBytes(18).toString('base64url')),
    usersOf: options.usersOf,
  });
  const query = createUptimeQuery({ store, rollups, clock, minuteRetentionMs: options.retention.minuteRollupsMs });
  const retention = createRetentionJob({ clock, timers, tasks: monitorRetentionTasks(store, options.retention), onError: report('deleting old monitor data') });

  if (options.metrics !== undefined) {
    metrics = options.metrics({
      statuses() {
        const counts = new Map<MonitorStatus, number>();
        for (const view of scheduler.views()) counts.set(view.state.status.status, (counts.get(view.state.status.status) ?? 0) + 1);
        return counts;
      },
      breakers: () => service.breakers().map((view) => ({ name: view.name, monitor: view.monitor.name, state: view.breaker.state })),
      pressure: () => scheduler.pressure(),
      pendingWrites: () => recorder.pending(),
    });
  }

  return {
    service,
    query,
    scheduler,
    recorder,
    rollups,
    retention,
    async start() {
      await service.load();
      await rollups.start();
      scheduler.start();
      retention.start();
    },
    async stop() {
      await retention.stop();
      await scheduler.stop();
      await recorder.close();
      await rollups.closeDue();
      await rollups.stop();
    },
  };
}
