/**
 * `pagerduty_configs`: PagerDuty Events API v2. A group's trigger, acknowledge and resolve use
 * one `dedup_key` (SHA-256 of the group key, as Alertmanager derives it), so PagerDuty keeps one
 * incident per group and a retried trigger does not open a second one. `event_action` is
 * `resolve` for a resolved notification, `acknowledge` when every firing alert is acknowledged,
 * else `trigger`. Events API v1 (`service_key`) is not supported.
 */
import { createHash } from 'node:crypto';
import { readList, readMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalString, IntegrationConfigReader, type HttpAuth, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { firingCount, firstAckUrl, firstRunbookUrl, notificationText, notificationTitle, rfc3339, truncate, whereOf } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export const defaultPagerDutyUrl = 'https://events.pagerduty.com/v2/enqueue';
export const pagerDutySeverities = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof pagerDutySeverities)[number];

export interface PagerDutySettings {
  url: string;
  routingKey: SecretValue;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
  /** Templates ('' = default). */
  severity: string;
  description: string;
  source: string;
  client: string;
  clientUrl: string;
  component: string;
  group: string;
  class: string;
  details: Record<string, string>;
  links: Array<{ href: string; text: string }>;
  images: Array<{ src: string; alt: string; href: string }>;
}

/** Alertmanager's dedup key: hex SHA-256 of the group key; the same for every event of a group. */
export function pagerDutyDedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

export function pagerDutyEventAction(notification: Notification): 'trigger' | 'acknowledge' | 'resolve' {
  if (notification.status === 'resolved') return 'resolve';
  return notification.acknowledged ? 'acknowledge' : 'trigger';
}

const severityAliases: Record<string, PagerDutySeverity> = {
  critical: 'critical', p1: 'critical', page: 'critical', fatal: 'critical', emergency: 'critical',
  error: 'error', high: 'error', p2: 'error', major: 'error',
  warning: 'warning', warn: 'warning', p3: 'warning', medium: 'warning', minor: 'warning',
  info: 'info', p4: 'info', p5: 'info', low: 'info', none: 'info', notice: 'info',
};

/** One of PagerDuty's four severities (it rejects others): known aliases map, anything else is `error`, Alertmanager's default. */
export function pagerDutySeverity(text: string): PagerDutySeverity {
  return severityAliases[text.trim().toLowerCase()] ?? 'error';
}

function renderAll(entries: Array<Record<string, string>>, render: (source: string, field: string) => string, field: string): Array<Record<string, string>> {
  return entries
    .map((entry, index) => Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, render(value, `${field}[${index}].${key}`)])))
    .filter((entry) => Object.values(entry).some((value) => value !== ''));
}

function triggerPayload(notification: Notification, settings: PagerDutySettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const render = (source: string, field: string, fallback = ''): string => renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
  const first = notification.alerts[0];
  const severitySource = settings.severity === '' ? (notification.commonLabels.severity ?? '') : render(settings.severity, 'severity');
  const details: Record<string, string> = {
    // PagerDuty refuses events over 512 KB; the text of thousands of alerts would get there.
    firing: truncate(notificationText({ ...notification, alerts: notification.alerts.filter((alert) => alert.status === 'firing') }), 64_000),
    num_firing: String(firingCount(notification)),
    num_resolved: String(notification.alerts.length - firingCount(notification)),
  };
  for (const [key, value] of Object.entries(settings.details)) details[key] = render(value, `details.${key}`);
  const links = [
    { href: firstRunbookUrl(notification), text: 'Runbook' },
    { href: firstAckUrl(notification), text: 'Acknowledge in sre-monitor' },
    { href: notification.dashboardUrl, text: 'sre-monitor dashboard' },
    ...renderAll(settings.links, render, 'links'),
  ].filter((link) => link.href !== '');
  const optional = (key: string, value: string): Record<string, string> => (value === '' ? {} : { [key]: value });
  return {
    payload: {
      summary: truncate(render(settings.description, 'description', notificationTitle(notification)) || 'sre-monitor alert', 1024),
      source: render(settings.source, 'source', (first === undefined ? '' : whereOf(first.labels)) || settings.client || 'sre-monitor') || 'sre-monitor',
      severity: pagerDutySeverity(severitySource),
      ...(first === undefined ? {} : { timestamp: rfc3339(first.startsAtMs) }),
      ...optional('component', render(settings.component, 'component')),
      ...optional('group', render(settings.group, 'group')),
      ...optional('class', render(settings.class, 'class')),
      custom_details: details,
    },
    client: settings.client || 'sre-monitor',
    ...optional('client_url', render(settings.clientUrl, 'client_url', notification.dashboardUrl || notification.externalUrl)),
    links,
    ...(settings.images.length === 0 ? {} : { images: renderAll(settings.images, render, 'images') }),
  };
}

/** The Events API v2 event for a notification, without the routing key. */
export function pagerDutyEvent(notification: Notification, settings: PagerDutySettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const eventAction = pagerDutyEventAction(notification);
  const base = { event_action: eventAction, dedup_key: pagerDutyDedupKey(notification.groupKey) };
  return eventAction === 'trigger' ? { ...base, ...triggerPayload(notification, settings, context) } : base;
}

export function createPagerDutyNotifier(settings: PagerDutySettings, context: NotifierContext): Notifier {
  return {
    key: 'pagerduty_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let routingKey: string;
      try {
        routingKey = settings.routingKey.kind === 'inline' ? settings.routingKey.value : await context.readSecretFile(settings.routingKey.path);
      } catch (error) {
        return { ok: false, retryable: false, reason: 'config', message: `cannot read routing_key_file: ${error instanceof Error ? error.message : String(error)}` };
      }
      const body = JSON.stringify({ routing_key: routingKey, ...pagerDutyEvent(notification, settings, context) });
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: { kind: 'inline', value: settings.url }, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

function readEntries(reader: IntegrationConfigReader, key: string, fields: string[]): Array<Record<string, string>> {
  return (readList(reader.mapping[key], reader.at(key), reader.problems) ?? []).map((item, index) => {
    const entry = new IntegrationConfigReader(readMapping(item, [...reader.at(key), index], reader.problems) ?? {}, [...reader.at(key), index], reader.problems);
    entry.checkKeys(fields);
    return Object.fromEntries(fields.map((name) => [name, entry.string(name)]));
  });
}

function readUrl(reader: IntegrationConfigReader, global: Mapping): string {
  const url = reader.string('url') || globalString(global, 'pagerduty_url') || defaultPagerDutyUrl;
  return checkHttpUrl(url, reader.at('url'), reader.problems) ? url : '';
}

export const buildPagerDutyIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(
    ['routing_key', 'routing_key_file', 'url', 'send_resolved', 'http_config', 'severity', 'description', 'source', 'client', 'client_url', 'component', 'group', 'class', 'details', 'links', 'images'],
    ['timeout', 'service_key', 'service_key_file'],
  );
  for (const key of ['service_key', 'service_key_file']) {
    if (reader.has(key)) reader.problems.add(reader.at(key), 'PagerDuty Events API v1 (service_key) is not supported by sre-monitor yet: use routing_key (Events API v2)');
  }
  const routingKey = reader.secret('routing_key', { required: !reader.has('service_key') && !reader.has('service_key_file') });
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: PagerDutySettings = {
    url: readUrl(reader, global),
    routingKey: routingKey ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', true),
    severity: reader.string('severity'),
    description: reader.string('description'),
    source: reader.string('source'),
    client: reader.string('client'),
    clientUrl: reader.string('client_url'),
    component: reader.string('component'),
    group: reader.string('group'),
    class: reader.string('class'),
    details: reader.stringMap('details'),
    links: readEntries(reader, 'links', ['href', 'text']) as PagerDutySettings['links'],
    images: readEntries(reader, 'images', ['src', 'alt', 'href']) as PagerDutySettings['images'],
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (routingKey === undefined || settings.url === '') return undefined;
  return { notifier: createPagerDutyNotifier(settings, context), maxAlerts: 0 };
};
