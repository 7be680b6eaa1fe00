/**
 * `webhook_configs`: a JSON POST in Alertmanager's webhook format (version "4"), so existing
 * webhook receivers keep working, or sre-monitor's own format (`payload: sre-monitor`) with the
 * ack and dashboard links. Every request carries `Idempotency-Key`; with a `signing_secret` it
 * is signed (see webhook-signature.ts).
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import { limitAlerts, type ChannelFactory } from './channel.js';
import { postToReceiver, resolveSecret, SecretFileError, configFailure, type NotifierContext } from './http-delivery.js';
import type { HttpAuth, SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationText, notificationTitle, rfc3339 } from './notification-text.js';
import { signatureHeader, signWebhookBody, timestampHeader } from './webhook-signature.js';

export type WebhookPayloadFormat = 'alertmanager' | 'sre-monitor';

export interface WebhookSettings {
  url: SecretValue;
  sendResolved: boolean;
  maxAlerts: number;
  auth?: HttpAuth;
  transport?: HttpTransport;
  signingSecret?: SecretValue;
  payload: WebhookPayloadFormat;
}

/** Go's zero time, which Alertmanager's webhook sends as `endsAt` of a firing alert. */
export const zeroTime = '0001-01-01T00:00:00Z';

/** Alertmanager's webhook message (notify/webhook: `Message`), field for field. */
export function alertmanagerWebhookBody(notification: Notification): Record<string, unknown> {
  return {
    receiver: notification.integration.receiver,
    status: notification.status,
    alerts: notification.alerts.map((alert) => ({
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: rfc3339(alert.startsAtMs),
      endsAt: alert.endsAtMs === null ? zeroTime : rfc3339(alert.endsAtMs),
      generatorURL: alert.generatorUrl,
      fingerprint: alert.fingerprint,
    })),
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL: notification.externalUrl,
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: notification.truncatedAlerts,
  };
}

/** sre-monitor's own webhook body: Alertmanager's fields plus ack state, links and default texts. */
export function sreMonitorWebhookBody(notification: Notification): Record<string, unknown> {
  return {
    version: 'sre-monitor/1',
    idempotencyKey: notification.idempotencyKey,
    receiver: notification.integration.receiver,
    groupKey: notification.groupKey,
    status: notification.status,
    acknowledged: notification.acknowledged,
    title: notificationTitle(notification),
    text: notificationText(notification),
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalUrl: notification.externalUrl,
    dashboardUrl: notification.dashboardUrl,
    createdAt: rfc3339(notification.createdAtMs),
    truncatedAlerts: notification.truncatedAlerts,
    alerts: notification.alerts.map((alert) => ({
      status: alert.status,
      fingerprint: alert.fingerprint,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: rfc3339(alert.startsAtMs),
      endsAt: alert.endsAtMs === null ? null : rfc3339(alert.endsAtMs),
      generatorUrl: alert.generatorUrl,
      ackUrl: alert.ackUrl,
    })),
  };
}

export function createWebhookNotifier(settings: WebhookSettings, context: NotifierContext): Notifier {
  return {
    key: 'webhook_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      const limited = limitAlerts(notification, settings.maxAlerts);
      const body = JSON.stringify(settings.payload === 'sre-monitor' ? sreMonitorWebhookBody(limited) : alertmanagerWebhookBody(limited));
      const headers: Record<string, string> = { 'idempotency-key': notification.idempotencyKey };
      if (settings.signingSecret !== undefined) {
        let secret: string;
        try {
          secret = await resolveSecret(settings.signingSecret, context);
        } catch (error) {
          return configFailure(error instanceof SecretFileError ? error.message : String(error));
        }
        const timestampSeconds = Math.floor(context.clock.nowMs() / 1000);
        headers[timestampHeader] = String(timestampSeconds);
        headers[signatureHeader] = signWebhookBody(secret, timestampSeconds, body);
      }
      return postToReceiver({ url: settings.url, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

export const buildWebhookIntegration: ChannelFactory = (reader, _global, context) => {
  reader.checkKeys(['url', 'url_file', 'send_resolved', 'max_alerts', 'http_config', 'signing_secret', 'signing_secret_file', 'payload'], ['timeout']);
  const url = reader.secret('url', { required: true, isUrl: true });
  const signingSecret = reader.secret('signing_secret', { required: false });
  const payload = reader.string('payload') || 'alertmanager';
  if (payload !== 'alertmanager' && payload !== 'sre-monitor') reader.problems.add(reader.at('payload'), 'must be alertmanager or sre-monitor');
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: WebhookSettings = {
    url: url ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', true),
    maxAlerts: reader.nonNegativeInteger('max_alerts', 0),
    payload: payload === 'sre-monitor' ? 'sre-monitor' : 'alertmanager',
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
    ...(signingSecret ? { signingSecret } : {}),
  };
  if (url === undefined) return undefined;
  return { notifier: createWebhookNotifier(settings, context), maxAlerts: settings.maxAlerts };
};
