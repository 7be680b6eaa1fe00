/**
 * Part of the composition root: builds the alerting pipeline from the config and connects it to
 * the monitors and SLOs (rule readings, the SLO and monitor bridges) and to the HTTP layer's
 * narrow interfaces. Only app.ts calls it.
 */
import type { Logger } from 'pino';
import { buildReceiverNotifiers } from './adapters/notifiers/index.js';
import type { Store } from './adapters/store/store.js';
import type { Clock } from './core/clock.js';
import type { EscalationTarget } from './core/escalation/escalation-policy.js';
import type { AlertingSettings } from './config/runtime-config.js';
import type { EventBus } from './engine/event-bus.js';
import type { Timers } from './engine/timers.js';
import { createAlerting, type Alerting } from './engine/alerting/alerting.js';
import { createMonitorAlertBridge, type MonitorAlertBridge } from './engine/alerting/monitor-alert-bridge.js';
import { createSloAlertBridge, type SloAlertBridge } from './engine/alerting/slo-alert-bridge.js';
import { createMetricSampleSource, createPromqlSampleSource, monitorReadingsFrom, sloReadingsFrom, type LatestMonitorResults } from './engine/alerting/rules/index.js';
import type { Monitoring } from './engine/monitors/monitoring.js';
import type { SloEngine } from './engine/slos/slo-engine.js';
import type { AlertsApi, SilencesApi } from './http/alerting-api.js';
import type { NotificationsApi } from './http/routes/notifications.js';
import type { RequestPriority } from './engine/request-priority.js';

export interface AlertingWiring {
  alerting: Alerting;
  api: { alerts: AlertsApi; silences: SilencesApi; notifications: NotificationsApi };
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface AlertingWiringOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  settings: AlertingSettings;
  version: string;
  monitoring: () => Monitoring;
  slos: () => SloEngine;
  latestResults: LatestMonitorResults;
  /** Receivers of `{person}` / `{schedule}` escalation targets (src/engine/oncall/escalation-targets.ts). */
  resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[];
  /** Shared with the HTTP server, which counts the requests in flight. */
  priority?: RequestPriority;
}

export function createAlertingWiring(options: AlertingWiringOptions): AlertingWiring {
  const { store, bus, clock, timers, logger } = options;
  const onError = (error: unknown, context: string): void => logger.error({ err: error }, context);
  const alerting = createAlerting({
    store,
    bus,
    clock,
    timers,
    settings: options.settings,
    onError,
    resolveTargetReceivers: options.resolveTargetReceivers,
    priority: options.priority,
    onRuleHealth: (rule, health, lastError) => (health === 'err' ? logger.warn({ rule, error: lastError }, 'alert rule failing') : logger.info({ rule }, `alert rule ${health}`)),
    buildNotifiers: (config) =>
      buildReceiverNotifiers(config.receivers, {
        basePath: ['alerting', 'receivers'],
        global: config.global,
        timeoutMs: options.settings.notifications.timeoutMs,
        clock,
        userAgent: `sre-monitor/${options.version}`,
        onTemplateError: (message) => logger.warn({ message }, 'notification template failed; sent with the default text'),
      }),
    ruleSources: {
      metric: createMetricSampleSource({
        monitors: monitorReadingsFrom({ views: () => options.monitoring().scheduler.views(), latest: options.latestResults, uptime: options.monitoring().query }),
        slos: sloReadingsFrom(() => options.slos().evaluator.runtimes.values()),
      }),
      promql: createPromqlSampleSource({ timeoutMs: 10_000 }),
    },
  });

  const settings = options.settings;
  const externalUrl = settings.externalUrl;
  const sloBridge: SloAlertBridge | null = settings.sloAlerts
    ? createSloAlertBridge({
        bus,
        sink: alerting.registry.sink,
        clock,
        timers,
        onError,
        sloUrlOf: (slo) => `${externalUrl}/slos/${encodeURIComponent(slo)}`,
        burnRatesOf: (slo) => options.slos().evaluator.runtimes.get(slo)?.status?.burnRates.map((rate) => ({ windowMs: rate.windowMs, burnRate: rate.burnRate })) ?? [],
        initiallyFiring: () =>
          [...options.slos().evaluator.runtimes.values()].flatMap((runtime) =>
            (['page', 'ticket'] as const)
              .filter((severity) => runtime.alerts[severity].state === 'firing')
              .map((severity) => ({
                labels: { alertname: 'SLOBurnRate', slo: runtime.spec.name, service: runtime.spec.service, severity, ...runtime.spec.labels },
                slo: runtime.spec.name,
                service: runtime.spec.service,
                severity,
                conditions: [],
                budgetRemainingRatio: runtime.status?.errorBudget.remainingRatio ?? 1,
              })),
          ),
      })
    : null;
  const monitorBridge: MonitorAlertBridge | null = settings.monitorAlerts.enabled
    ? createMonitorAlertBridge({
        bus,
        sink: alerting.registry.sink,
        clock,
        timers,
        onError,
        severity: settings.monitorAlerts.severity,
        monitorUrlOf: (monitor) => `${externalUrl}/monitors/${encodeURIComponent(monitor)}`,
        initiallyDown: () =>
          options
            .monitoring()
            .scheduler.views()
            .filter((view) => view.state.status.status === 'down')
            .map((view) => ({ monitor: view.monitor.name, service: view.monitor.service, kind: view.monitor.kind, status: 'down' as const, message: view.state.status.lastMessage, sinceMs: view.state.status.since })),
      })
    : null;

  const { registry, silences, dispatcher, delivery } = alerting;
  return {
    alerting,
    api: {
      alerts: {
        sink: registry.sink,
        list: (filter) => registry.list({ state: filter.state, matchers: filter.matchers }),
        get: (fingerprint) => registry.get(fingerprint),
        async acknowledge(fingerprint, actor) {
          const alert = await registry.acknowledge(fingerprint, actor.name);
          await alerting.groupEscalation.sync();
          return alert;
        },
        groups: () => dispatcher.groups(),
        disposition(alert) {
          const status = dispatcher.alertStatus(alert);
          return { receivers: status.receivers, silencedBy: status.silencedBy, inhibitedBy: status.inhibitedBy, mutedBy: status.mutedByTimeInterval ? ['time_interval'] : [] };
        },
      },
      silences: {
        list: () => silences.list(),
        get: (id) => silences.get(id),
        save: (input) => {
          const { id, ...rest } = input;
          return id === undefined ? silences.create(rest) : silences.update(id, rest);
        },
        expire: (id) => silences.expire(id),
      },
      notifications: { outbox: store.outbox, retryDead: (id) => delivery.retryDead(id) },
    },
    async start() {
      await alerting.start();
      await sloBridge?.start();
      await monitorBridge?.start();
    },
    async stop() {
      sloBridge?.stop();
      monitorBridge?.stop();
      await alerting.stop();
    },
  };
}
