/**
 * Part of the composition root: builds the incident service on the store, connects it to the
 * alerting pipeline (alert events for auto-create, receivers and the outbox for notices, ack
 * links, escalation policies) and registers its metrics. Only app.ts calls it; it starts after
 * alerting and stops before it.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { registerIncidentMetrics } from './adapters/metrics/incident-metrics.js';
import type { Store } from './adapters/store/store.js';
import type { Clock } from './core/clock.js';
import { createSloBudgetImpact } from './engine/incidents/slo-budget-impact.js';
import type { EscalationTarget } from './core/escalation/escalation-policy.js';
import type { IncidentSettings } from './config/incidents-section.js';
import type { Alerting } from './engine/alerting/alerting.js';
import { createEscalationRunner, type EscalationRunner } from './engine/escalation/escalation-runner.js';
import { typedEscalationStore } from './engine/escalation/typed-escalation-store.js';
import type { EventBus } from './engine/event-bus.js';
import type { Timers } from './engine/timers.js';
import { createAutoCreateFromAlerts, type AutoCreateFromAlerts } from './engine/incidents/auto-create-from-alerts.js';
import { createIncidentEscalation, incidentSubjectKind, type IncidentEscalationContext } from './engine/incidents/incident-escalation.js';
import { createIncidentNotifier } from './engine/incidents/incident-notifications.js';
import { createIncidentService, type IncidentService } from './engine/incidents/incident-service.js';
import type { IncidentsApi } from './http/routes/incidents.js';

export interface IncidentsWiring {
  service: IncidentService;
  escalation: EscalationRunner<IncidentEscalationContext>;
  autoCreate: AutoCreateFromAlerts;
  api: IncidentsApi;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A reloaded config: new scale, templates, channels, correlation and policies. */
  reconfigure(settings: IncidentSettings): Promise<void>;
}

export interface IncidentsWiringOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  settings: IncidentSettings;
  alerting: Alerting;
  metrics: Registry;
  /** Receivers for {person} / {schedule} escalation targets (on-call schedules, issue 7); default: none, reported as errors. */
  resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[];
}

export function createIncidentsWiring(options: IncidentsWiringOptions): IncidentsWiring {
  const { store, bus, clock, timers, logger, alerting } = options;
  const sloImpact = createSloBudgetImpact(store.sloHistory);
  let settings = options.settings;
  const onError = (error: unknown, context: string): void => logger.error({ err: error }, context);

  const notifier = createIncidentNotifier({
    clock,
    integrationsOf: (receiver) => alerting.integrationsOf(receiver),
    receiverExists: (receiver) => alerting.receivers().includes(receiver),
    enqueue: (notifications) => alerting.enqueue(notifications),
    externalUrl: () => alerting.settings().externalUrl,
    ackLinks: () => alerting.ackLinks,
  });
  const service = createIncidentService({
    repositories: store,
    transaction: (work) => store.transaction(work),
    bus,
    clock,
    settings: () => settings,
    notifier,
    onError,
  });

  const late: { escalation?: ReturnType<typeof createIncidentEscalation> } = {};
  const runner = createEscalationRunner<IncidentEscalationContext>({
    clock,
    timers,
    policies: alerting.settings().escalation.policies,
    store: typedEscalationStore<IncidentEscalationContext>(store.escalations, incidentSubjectKind),
    notify: (target, subject, step, context) => (late.escalation as ReturnType<typeof createIncidentEscalation>).notify(target, subject, step, context),
    onFired: (subject, firing) => late.escalation?.fired(subject, firing),
    onError: (error, subject) => onError(error, `escalating incident ${subject?.id ?? ''}`),
  });
  const escalation = createIncidentEscalation({
    runner,
    settings: () => settings,
    severityPolicies: () => alerting.settings().escalation.severityPolicies,
    incidents: service,
    timeline: service,
    notifier,
    resolveTargetReceivers: options.resolveTargetReceivers,
    onError,
  });
  late.escalation = escalation;
  service.listen(escalation);

  const metrics = registerIncidentMetrics(options.metrics, {
    async openBySeverity() {
      const counts: Record<string, number> = Object.fromEntries(settings.severities.map((level) => [level.name, 0]));
      for (const incident of await store.incidents.open()) counts[incident.severity] = (counts[incident.severity] ?? 0) + 1;
      return counts;
    },
  });
  service.listen({
    resolved: (incident) => {
      if (incident.resolvedAtMs !== null) metrics.observeResolution(incident.severity, (incident.resolvedAtMs - incident.startedAtMs) / 1000);
      return Promise.resolve();
    },
  });

  const autoCreate = createAutoCreateFromAlerts({ bus, clock, service, settings: () => settings, onError });

  return {
    service,
    escalation: runner,
    autoCreate,
    api: { ...service, severities: () => settings.severities, sloImpact: (incident) => sloImpact(incident, clock.nowMs()) },
    async start() {
      await runner.restore();
      await autoCreate.start();
    },
    async stop() {
      autoCreate.stop();
      await autoCreate.idle();
      await runner.stop();
    },
    async reconfigure(next) {
      settings = next;
      await runner.reconfigure(alerting.settings().escalation.policies);
    },
  };
}
