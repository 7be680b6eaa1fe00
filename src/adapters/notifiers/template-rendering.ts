/**
 * User templates (`title`, `text`, `message` ... in an integration entry) rendered against
 * Alertmanager's template data (`.Status`, `.Alerts`, `.CommonLabels`, `.ExternalURL` ...) plus
 * sre-monitor's `.DashboardURL`, `.Acknowledged` and each alert's `.AckURL`. A template that
 * fails to render is reported through the context and replaced by the default text, so the
 * notification still goes out.
 */
import type { Notification } from '../../core/alerting/notification.js';
import { renderGoTemplate, type NamedTemplates } from './go-template.js';
import type { NotifierContext } from './http-delivery.js';
import { notificationText, notificationTitle, rfc3339 } from './notification-text.js';

/** Alertmanager's `template.Data` for a notification, with sre-monitor's extra links. */
export function templateData(notification: Notification): Record<string, unknown> {
  return {
    Receiver: notification.integration.receiver,
    Status: notification.status,
    Acknowledged: notification.acknowledged,
    GroupKey: notification.groupKey,
    TruncatedAlerts: notification.truncatedAlerts,
    GroupLabels: notification.groupLabels,
    CommonLabels: notification.commonLabels,
    CommonAnnotations: notification.commonAnnotations,
    ExternalURL: notification.externalUrl,
    DashboardURL: notification.dashboardUrl,
    Alerts: notification.alerts.map((alert) => ({
      Status: alert.status,
      Labels: alert.labels,
      Annotations: alert.annotations,
      StartsAt: rfc3339(alert.startsAtMs),
      EndsAt: alert.endsAtMs === null ? '0001-01-01T00:00:00Z' : rfc3339(alert.endsAtMs),
      GeneratorURL: alert.generatorUrl,
      Fingerprint: alert.fingerprint,
      AckURL: alert.ackUrl ?? '',
    })),
  };
}

/**
 * Default texts a `{{ template "<name>" . }}` resolves to: Alertmanager's names for the
 * channel (`slack.default.title`, `email.default.subject` ...) map to sre-monitor's defaults
 * by their last part (`title`, `subject`, `text` ...).
 */
export function defaultNamedTemplates(notification: Notification, extra: Record<string, string> = {}): (name: string) => string | undefined {
  return (name) => {
    if (name in extra) return extra[name];
    const last = name.split('.').pop() ?? '';
    if (['title', 'subject', 'summary', 'description', '__subject'].includes(last) || name === '__subject') return notificationTitle(notification);
    if (['text', 'message', 'content', '__text_alert_list', 'fallback'].includes(last) || name === '__text_alert_list') return notificationText(notification);
    if (['title_link', 'titlelink', 'url', 'client_url'].includes(last)) return notification.dashboardUrl;
    return undefined;
  };
}

/**
 * `source` rendered for the notification, or `fallback` when `source` is empty or fails (the
 * failure goes to `context.onTemplateError` naming `what`, e.g. `team-db slack_configs[0].title`).
 */
export function renderOrDefault(source: string, notification: Notification, fallback: string, context: Pick<NotifierContext, 'onTemplateError'>, what: string): string {
  if (source === '') return fallback;
  return renderAt(source, templateData(notification), defaultNamedTemplates(notification), fallback, context, what);
}

function renderAt(source: string, data: Record<string, unknown>, named: NamedTemplates, fallback: string, context: Pick<NotifierContext, 'onTemplateError'>, what: string): string {
  try {
    return renderGoTemplate(source, data, named);
  } catch (error) {
    context.onTemplateError(`${what}: ${error instanceof Error ? error.message : String(error)}; sent the default text instead`);
    return fallback;
  }
}

/** Renders one entry field: the template, or `fallback` when empty or when it fails (then logged). */
export type FieldRenderer = (source: string, field: string, fallback?: string) => string;

/**
 * A renderer for the fields of one notification, with a channel's own named templates
 * (`opsgenie.default.message` ...). A field that fails to render is reported as
 * `receiver key[index].field` and replaced by its fallback ('' unless given), never dropping the
 * notification.
 */
export function fieldRenderer(notification: Notification, named: NamedTemplates, context: Pick<NotifierContext, 'onTemplateError'>): FieldRenderer {
  const data = templateData(notification);
  return (source, field, fallback = '') => (source === '' ? fallback : renderAt(source, data, named, fallback, context, fieldName(notification, field)));
}

/** `receiver key[index].field`, for template error messages. */
export function fieldName(notification: Notification, field: string): string {
  const { receiver, key, index } = notification.integration;
  return `receiver ${JSON.stringify(receiver)} ${key}[${index}].${field}`;
}
