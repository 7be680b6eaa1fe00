/**
 * Monitor state into the alert pipeline: a monitor going down raises `MonitorDown` (labels
 * alertname, monitor, service, kind, severity), and leaving down (up, degraded, paused, pending
 * or maintenance) resolves it with endsAt = now. Optionally `MonitorDegraded` the same way for
 * degraded. The monitor's own damping (retries, failure threshold) has already happened, so the
 * alert fires at once. Firing alerts are re-sent every minute (FiringAlertKeeper) because the
 * scheduler only publishes transitions; after a restart pass the monitors that are still down
 * as `initiallyDown`.
 */
import type { AlertSink } from '../../core/alerting/alert.js';
import type { Clock } from '../../core/clock.js';
import type { MonitorStatusEvent } from '../../core/events/domain-events.js';
import type { EventBus } from '../event-bus.js';
import type { Timers } from '../timers.js';
import { createFiringAlertKeeper, type FiringAlertKeeper } from './rules/firing-alert-keeper.js';

/** A monitor that is down (or degraded) as sre-monitor starts. */
export interface MonitorAlertSeed {
  monitor: string;
  service: string;
  kind: string;
  status: 'down' | 'degraded';
  message: string;
  /** Since when (ms). */
  sinceMs: number;
}

export interface MonitorAlertBridgeOptions {
  bus: EventBus;
  sink: AlertSink;
  clock: Clock;
  timers: Timers;
  /** Severity label of MonitorDown (default `critical`); per monitor when a function. */
  severity?: string | ((monitor: string) => string);
  /** Also alert on degraded (MonitorDegraded); default false. */
  degraded?: boolean | { severity: string };
  /** Link to the monitor, sent as generatorURL and dashboard_url. */
  monitorUrlOf?: (monitor: string) => string;
  initiallyDown?: () => readonly MonitorAlertSeed[];
  refreshIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface MonitorAlertBridge {
  keeper: FiringAlertKeeper;
  start(): Promise<void>;
  stop(): void;
}

type AlertedStatus = 'down' | 'degraded';

const alertNames: Record<AlertedStatus, string> = { down: 'MonitorDown', degraded: 'MonitorDegraded' };

export function createMonitorAlertBridge(options: MonitorAlertBridgeOptions): MonitorAlertBridge {
  const keeper = createFiringAlertKeeper({ sink: options.sink, source: 'monitor', clock: options.clock, timers: options.timers, refreshIntervalMs: options.refreshIntervalMs, onError: options.onError });
  let unsubscribe: (() => void) | null = null;
  const alerted = (status: string): status is AlertedStatus => status === 'down' || (status === 'degraded' && options.degraded !== undefined && options.degraded !== false);
  const keyOf = (monitor: string, status: AlertedStatus): string => `${monitor}\u0000${status}`;

  function severityOf(monitor: string, status: AlertedStatus): string {
    if (status === 'degraded') return typeof options.degraded === 'object' ? options.degraded.severity : 'warning';
    if (typeof options.severity === 'function') return options.severity(monitor);
    return options.severity ?? 'critical';
  }

  function labelsOf(seed: Pick<MonitorAlertSeed, 'monitor' | 'service' | 'kind'>, status: AlertedStatus): Record<string, string> {
    return { alertname: alertNames[status], monitor: seed.monitor, service: seed.service, kind: seed.kind, severity: severityOf(seed.monitor, status) };
  }

  function fire(seed: Omit<MonitorAlertSeed, 'sinceMs'> & { sinceMs?: number }, status: AlertedStatus): Promise<void> {
    const url = options.monitorUrlOf?.(seed.monitor);
    const annotations: Record<string, string> = {
      summary: `Monitor ${seed.monitor} (${seed.kind}) of ${seed.service} is ${status}`,
      description: seed.message,
    };
    if (url !== undefined) annotations.dashboard_url = url;
    return keeper.fire(keyOf(seed.monitor, status), {
      labels: labelsOf(seed, status),
      annotations,
      ...(seed.sinceMs === undefined ? {} : { startsAtMs: seed.sinceMs }),
      ...(url === undefined ? {} : { generatorUrl: url }),
    });
  }

  function onStatus(event: MonitorStatusEvent): void {
    if (alerted(event.from) && event.from !== event.to) {
      void keeper.resolve(keyOf(event.monitor, event.from), {
        labels: labelsOf(event, event.from),
        annotations: { summary: `Monitor ${event.monitor} (${event.kind}) of ${event.service} is ${event.to}`, description: event.reason },
      });
    }
    if (alerted(event.to) && event.from !== event.to) void fire({ ...event, status: event.to, message: event.message === '' ? event.reason : event.message }, event.to);
  }

  return {
    keeper,
    async start() {
      unsubscribe = options.bus.subscribe((event) => {
        switch (event.type) {
          case 'monitor.up':
          case 'monitor.down':
          case 'monitor.degraded':
          case 'monitor.pending':
          case 'monitor.paused':
          case 'monitor.maintenance':
            onStatus(event.data);
        }
      });
      for (const seed of options.initiallyDown?.() ?? []) if (alerted(seed.status)) await fire(seed, seed.status);
      keeper.start();
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
      keeper.stop();
    },
  };
}
