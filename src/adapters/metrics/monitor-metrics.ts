/**
 * Metrics of the monitors: checks by kind and status, check duration, scheduling lag (the
 * back-pressure signal), skipped runs, breaker states and monitors by status. Registered on
 * the app's registry; gauges that describe every monitor are computed at scrape time.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerStatus } from '../../core/monitors/circuit-breaker.js';

export interface MonitorMetricsSnapshot {
  /** Monitors by status (pending, up, down, degraded, paused, maintenance). */
  statuses(): Map<string, number>;
  /** Every breaker with its state. */
  breakers(): Array<{ name: string; monitor: string; state: BreakerStatus }>;
  pressure(): { queued: number; running: number };
  /** Results waiting for the group commit. */
  pendingWrites(): number;
}

export interface MonitorMetrics {
  observeLag(seconds: number): void;
  observeCheck(kind: string, status: string, seconds: number): void;
  skipped(reason: 'overrun' | 'behind'): void;
  resultsDropped(count: number): void;
  resultsWritten(count: number): void;
}

const breakerValue: Record<BreakerStatus, number> = { closed: 0, half_open: 1, open: 2 };

export function createMonitorMetrics(registry: Registry, snapshot: MonitorMetricsSnapshot): MonitorMetrics {
  const checks = new Counter({ name: 'sre_monitor_checks_total', help: 'Checks completed, by monitor kind and result status.', labelNames: ['kind', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'sre_monitor_check_duration_seconds',
    help: 'Time one scheduled check took, retries included, by kind.',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'sre_monitor_scheduler_lag_seconds',
    help: 'Time from a check being due to it starting; grows when checks wait for a free slot.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const skippedRuns = new Counter({
    name: 'sre_monitor_checks_skipped_total',
    help: 'Due checks not run: overrun (the previous one still running or queued) or behind (a whole interval late).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const written = new Counter({ name: 'sre_monitor_results_written_total', help: 'Check results committed to the store.', registers: [registry] });
  const dropped = new Counter({ name: 'sre_monitor_results_dropped_total', help: 'Check results dropped because the store could not take them for too long.', registers: [registry] });
  new Gauge({
    name: 'sre_monitor_breaker_state',
    help: 'Circuit breaker state per breaker: 0 closed, 1 half-open, 2 open.',
    labelNames: ['breaker', 'monitor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const breaker of snapshot.breakers()) this.set({ breaker: breaker.name, monitor: breaker.monitor }, breakerValue[breaker.state]);
    },
  });
  new Gauge({
    name: 'sre_monitor_monitors',
    help: 'Monitors by current status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, count] of snapshot.statuses()) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'sre_monitor_scheduler_checks',
    help: 'Checks running and checks waiting for a free slot.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { queued, running } = snapshot.pressure();
      this.set({ state: 'queued' }, queued);
      this.set({ state: 'running' }, running);
    },
  });
  new Gauge({
    name: 'sre_monitor_results_pending_writes',
    help: 'Check results waiting for the next group commit.',
    registers: [registry],
    collect() {
      this.set(snapshot.pendingWrites());
    },
  });
  return {
    observeLag: (seconds) => lag.observe(seconds),
    observeCheck(kind, status, seconds) {
      checks.inc({ kind, status });
      duration.observe({ kind }, seconds);
    },
    skipped: (reason) => skippedRuns.inc({ reason }),
    resultsDropped: (count) => dropped.inc(count),
    resultsWritten: (count) => written.inc(count),
  };
}
