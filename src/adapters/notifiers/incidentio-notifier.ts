/**
 * `incidentio_configs`: one JSON POST per notification to an incident.io HTTP alert source, as
 * Alertmanager sends it: Alertmanager's webhook message with `version: "1"`, authenticated with
 * the alert source token as a Bearer token (or `http_config.authorization`, never both). A body
 * over incident.io's 512 KiB keeps only the first alert, and is sent even when still too large,
 * as Alertmanager does (incident.io creates one alert per group, so the rest is context).
 * 429 and 5xx answers are retried, other 4xx dead-lettered.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import { limitAlerts, type ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import type { HttpAuth, IntegrationConfigReader, SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { alertmanagerWebhookBody } from './webhook-notifier.js';

/** incident.io refuses larger payloads. */
export const incidentioMaxPayloadBytes = 512 * 1024;

export interface IncidentioSettings {
  url: SecretValue;
  sendResolved: boolean;
  maxAlerts: number;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

/** The body: the webhook message with incident.io's protocol version, cut to the first alert when too large. */
export function incidentioBody(notification: Notification, maxAlerts: number): string {
  const limited = limitAlerts(notification, maxAlerts);
  const body = JSON.stringify({ ...alertmanagerWebhookBody(limited), version: '1' });
  if (Buffer.byteLength(body) <= incidentioMaxPayloadBytes || limited.alerts.length <= 1) return body;
  // Alertmanager keeps `truncatedAlerts` as it was here: only max_alerts counts there.
  return JSON.stringify({ ...alertmanagerWebhookBody({ ...limited, alerts: limited.alerts.slice(0, 1) }), version: '1' });
}

export function createIncidentioNotifier(settings: IncidentioSettings, context: NotifierContext): Notifier {
  return {
    key: 'incidentio_configs',
    sendResolved: settings.sendResolved,
    send(notification, { signal }) {
      const body = incidentioBody(notification, settings.maxAlerts);
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: settings.url, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

/**
 * The token (`alert_source_token` / `_file`) wins over any `http_config` authentication, but may
 * not be set beside the entry's own `http_config.authorization`; an entry with an `http_config`
 * of its own needs one of them (Alertmanager's rules).
 */
function readAuth(reader: IntegrationConfigReader): HttpAuth | undefined {
  const token = reader.secret('alert_source_token', { required: false });
  const own = reader.mapping.http_config;
  const ownHttp = typeof own === 'object' && own !== null && !Array.isArray(own) ? (own as Record<string, unknown>) : undefined;
  const ownAuthorization = ownHttp !== undefined && ['authorization', 'bearer_token', 'bearer_token_file'].some((key) => ownHttp[key] !== undefined && ownHttp[key] !== null);
  const auth = reader.httpAuth();
  if (token !== undefined && ownAuthorization) {
    reader.problems.add(reader.at('alert_source_token'), 'cannot be set together with http_config.authorization (use one of them)');
    return undefined;
  }
  if (token === undefined && ownHttp !== undefined && !ownAuthorization) {
    reader.problems.add(reader.path, 'missing alert_source_token (one of alert_source_token, alert_source_token_file or http_config.authorization must be set)');
    return undefined;
  }
  return token === undefined ? auth : { kind: 'authorization', type: 'Bearer', credentials: token };
}

export const buildIncidentioIntegration: ChannelFactory = (reader, _global, context) => {
  reader.checkKeys(['url', 'url_file', 'alert_source_token', 'alert_source_token_file', 'max_alerts', 'send_resolved', 'http_config'], ['timeout']);
  const url = reader.secret('url', { required: true, isUrl: true });
  const auth = readAuth(reader);
  const transport = readHttpTransport(reader);
  const settings: IncidentioSettings = {
    url: url ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', true),
    maxAlerts: reader.nonNegativeInteger('max_alerts', 0),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (url === undefined) return undefined;
  return { notifier: createIncidentioNotifier(settings, context), maxAlerts: settings.maxAlerts };
};
