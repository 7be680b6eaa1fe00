/**
 * Incidents from alerts. An alert firing with `incident="true"` (rules set it with
 * `incident: {create: true, severity: P2}`) joins the open incident it correlates with
 * (src/core/incidents/correlation.ts) or opens one with the severity of its
 * `incident_severity` label. A linked alert's firing and resolving go on that incident's
 * timeline. Bus listeners are synchronous, so events are queued and handled one at a time in
 * arrival order: two alerts of one service firing together open one incident, not two.
 */
import type { Clock } from '../../core/clock.js';
import type { AlertEvent } from '../../core/events/domain-events.js';
import type { Incident } from '../../core/incidents/incident.js';
import { decideCorrelation } from '../../core/incidents/correlation.js';
import { findSeverity } from '../../core/incidents/severity-scale.js';
import type { IncidentSettings } from '../../config/incidents-section.js';
import type { EventBus } from '../event-bus.js';
import type { IncidentService } from './incident-service.js';

export interface AutoCreateOptions {
  bus: EventBus;
  clock: Clock;
  service: IncidentService;
  settings: () => IncidentSettings;
  onError: (error: unknown, context: string) => void;
}

export interface AutoCreateFromAlerts {
  /** Loads which alerts open incidents hold, then listens to the bus. */
  start(): Promise<void>;
  stop(): void;
  /** Resolves when every event received so far has been handled (tests and shutdown). */
  idle(): Promise<void>;
}

const actor = 'sre-monitor';

export function createAutoCreateFromAlerts(options: AutoCreateOptions): AutoCreateFromAlerts {
  const { service } = options;
  /** Fingerprint -> ids of incidents that link it (open or not: a resolve after the incident still belongs on its timeline). */
  const linked = new Map<string, Set<string>>();
  let unsubscribe: (() => void) | null = null;
  let queue: Promise<void> = Promise.resolve();

  const remember = (incident: Pick<Incident, 'id' | 'alerts'>) => {
    for (const fingerprint of incident.alerts) {
      const ids = linked.get(fingerprint) ?? new Set<string>();
      ids.add(incident.id);
      linked.set(fingerprint, ids);
    }
  };

  const wantsIncident = (alert: AlertEvent): boolean => {
    const settings = options.settings().autoCreate;
    return settings.enabled && (alert.labels[settings.label] ?? '').toLowerCase() === 'true';
  };

  const severityOf = (alert: AlertEvent): string => {
    const settings = options.settings();
    const named = alert.labels[settings.autoCreate.severityLabel];
    return (named === undefined ? undefined : findSeverity(settings.severities, named)?.name) ?? settings.autoCreate.severity;
  };

  const incidentLabels = (alert: AlertEvent): Record<string, string> => {
    const { label, severityLabel } = options.settings().autoCreate;
    return Object.fromEntries(Object.entries(alert.labels).filter(([name]) => name !== label && name !== severityLabel));
  };

  const alertName = (alert: AlertEvent) => alert.labels.alertname ?? alert.fingerprint;

  async function firing(alert: AlertEvent): Promise<void> {
    const nowMs = options.clock.nowMs();
    const known = linked.get(alert.fingerprint);
    if (!wantsIncident(alert) && known === undefined) return;
    const settings = options.settings();
    const open = await service.open();
    const decision = decideCorrelation({ openIncidents: open, alert, keyLabels: settings.correlation.labels, windowMs: settings.correlation.windowMs, nowMs });
    if (decision.action === 'create' && !wantsIncident(alert)) return;
    let incidentId: string;
    if (decision.action === 'join') {
      incidentId = decision.incidentId;
      await service.linkAlert(incidentId, alert, actor);
    } else {
      const startedAtMs = Date.parse(alert.startsAt);
      const created = await service.create(
        {
          title: alert.annotations.summary ?? `${alertName(alert)}${alert.labels.service === undefined ? '' : ` on ${alert.labels.service}`}`,
          description: alert.annotations.description ?? '',
          severity: severityOf(alert),
          services: alert.labels.service === undefined ? [] : [alert.labels.service],
          // An SLO's alerts (SLOBurnRate, rules on its metrics) carry `slo`: the incident's budget impact follows it.
          slos: alert.labels.slo === undefined ? [] : [alert.labels.slo],
          // The alert's labels (type, team ...) let runbooks match the incident; the switches that opened it are left out.
          labels: incidentLabels(alert),
          alerts: [alert.fingerprint],
          correlationKey: decision.key,
          startedAtMs: Number.isFinite(startedAtMs) ? startedAtMs : nowMs,
        },
        actor,
      );
      incidentId = created.id;
    }
    remember({ id: incidentId, alerts: [alert.fingerprint] });
    await service.append(incidentId, { actor, kind: 'alert_firing', message: `alert ${alertName(alert)} firing`, data: { fingerprint: alert.fingerprint, labels: alert.labels, decision: decision.reason } });
  }

  async function resolved(alert: AlertEvent): Promise<void> {
    const ids = linked.get(alert.fingerprint);
    if (ids === undefined) return;
    for (const id of ids) {
      await service.append(id, { actor, kind: 'alert_resolved', message: `alert ${alertName(alert)} resolved`, data: { fingerprint: alert.fingerprint, resolvedBy: alert.resolvedBy } });
    }
  }

  const enqueue = (work: () => Promise<void>, context: string) => {
    queue = queue.then(work).catch((error: unknown) => options.onError(error, context));
  };

  return {
    async start() {
      for (const incident of await service.open()) remember(incident);
      unsubscribe = options.bus.subscribe((event) => {
        if (event.type === 'alert.firing') enqueue(() => firing(event.data), `incident for alert ${event.data.fingerprint}`);
        else if (event.type === 'alert.resolved') enqueue(() => resolved(event.data), `incident timeline for alert ${event.data.fingerprint}`);
        // Alerts linked by hand (API) are followed too.
        else if (event.type === 'incident.timeline' && event.data.kind === 'alert_linked' && typeof event.data.data.fingerprint === 'string') {
          remember({ id: event.data.incidentId, alerts: [event.data.data.fingerprint] });
        }
      });
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
    idle: () => queue,
  };
}
