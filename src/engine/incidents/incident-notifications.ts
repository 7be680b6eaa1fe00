/**
 * Incident notices (status updates, escalation levels) sent straight to receivers through the
 * outbox, as the alerting pipeline sends escalation levels (direct-notifications.ts). A notice
 * travels as one synthetic firing alert, `alertname="IncidentStatusUpdate"` or
 * `"IncidentEscalation"`, so every notifier (webhook, Slack, email, PagerDuty ...) renders it
 * without knowing about incidents: the text is the `description` annotation, and the signed
 * acknowledge and resolve links are the alert's ack URL and the `ack_url` / `resolve_url`
 * annotations.
 */
import { alertFingerprint, type Alert } from '../../core/alerting/alert.js';
import type { IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { Notification } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import type { Incident } from '../../core/incidents/incident.js';
import type { AckLinks } from '../alerting/ack-links.js';
import { directNotifications } from '../alerting/direct-notifications.js';

export type IncidentNoticeKind = 'status_update' | 'escalation';

export interface IncidentNotice {
  kind: IncidentNoticeKind;
  summary: string;
  text: string;
  /** Stable per notice: the outbox drops a second copy after a crash and retry. */
  idempotencyKey: string;
}

export interface IncidentNotifier {
  /** Enqueues the notice for every integration of each receiver; resolves once stored. Unknown receivers reject. */
  send(incident: Incident, receivers: readonly string[], notice: IncidentNotice): Promise<void>;
  /** True when a receiver of that name exists. */
  knows(receiver: string): boolean;
  /** Links for the incident: its API URL and, with ack links on, signed acknowledge/resolve URLs ('' when off). */
  links(incident: Incident): { url: string; ackUrl: string; resolveUrl: string };
}

export interface IncidentNotifierOptions {
  clock: Clock;
  integrationsOf: (receiver: string) => readonly IntegrationTarget[];
  receiverExists: (receiver: string) => boolean;
  enqueue: (notifications: readonly Notification[]) => Promise<void>;
  externalUrl: () => string;
  ackLinks: () => AckLinks | null;
}

const alertNames: Record<IncidentNoticeKind, string> = { status_update: 'IncidentStatusUpdate', escalation: 'IncidentEscalation' };

export function createIncidentNotifier(options: IncidentNotifierOptions): IncidentNotifier {
  const links = (incident: Incident) => {
    const ackLinks = options.ackLinks();
    const subject = { kind: 'incident' as const, id: incident.id };
    return {
      url: `${options.externalUrl()}/api/v1/incidents/${encodeURIComponent(incident.id)}`,
      ackUrl: ackLinks === null ? '' : ackLinks.urlFor(subject, 'acknowledge'),
      resolveUrl: ackLinks === null ? '' : ackLinks.urlFor(subject, 'resolve'),
    };
  };

  return {
    links,
    knows: (receiver) => options.receiverExists(receiver),
    async send(incident, receivers, notice) {
      const unknown = receivers.filter((receiver) => !options.receiverExists(receiver));
      if (unknown.length > 0) throw new Error(`incident ${incident.id}: no receiver named ${unknown.map((name) => JSON.stringify(name)).join(', ')}`);
      const nowMs = options.clock.nowMs();
      const { url, ackUrl, resolveUrl } = links(incident);
      const labels: Record<string, string> = { alertname: alertNames[notice.kind], incident_id: incident.id, severity: incident.severity };
      if (incident.services[0] !== undefined) labels.service = incident.services[0];
      const annotations: Record<string, string> = { summary: notice.summary, description: notice.text, incident_url: url };
      if (ackUrl !== '') annotations.ack_url = ackUrl;
      if (resolveUrl !== '') annotations.resolve_url = resolveUrl;
      const alert: Alert = {
        fingerprint: alertFingerprint(labels),
        labels,
        annotations,
        startsAtMs: incident.startedAtMs,
        endsAtMs: nowMs + 3_600_000,
        endsAtFromTimeout: true,
        updatedAtMs: nowMs,
        generatorUrl: url,
        source: 'meta',
        acknowledgedBy: null,
        acknowledgedAtMs: null,
      };
      const notifications = receivers.flatMap((receiver) =>
        directNotifications({
          integrations: options.integrationsOf(receiver),
          groupKey: `incident/${incident.id}/${notice.kind}`,
          groupLabels: { incident_id: incident.id },
          firing: [alert],
          resolved: [],
          nowMs,
          flushSequence: 0,
          externalUrl: options.externalUrl(),
          ackUrlFor: () => (ackUrl === '' ? null : ackUrl),
          idempotencyKeyOf: (integration) => `${notice.idempotencyKey}/${integration.ref.receiver}/${integration.ref.key}/${integration.ref.index}`,
        }),
      );
      if (notifications.length > 0) await options.enqueue(notifications);
    },
  };
}
