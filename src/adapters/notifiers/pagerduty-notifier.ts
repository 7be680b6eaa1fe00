/**
 * `pagerduty_configs`: PagerDuty Events API v2 (`routing_key`), or v1 (`service_key`) as many
 * existing alertmanager.yml files still have it. A group's trigger, acknowledge and resolve use
 * one key (`dedup_key` in v2, `incident_key` in v1: SHA-256 of the group key, as Alertmanager
 * derives it), so PagerDuty keeps one incident per group and a retried trigger does not open a
 * second one. The action is `resolve` for a resolved notification, `acknowledge` when every
 * firing alert is acknowledged, else `trigger`.
 */
import { createHash } from 'node:crypto';
import { readList, readMapping, type Mapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalString, IntegrationConfigReader, type HttpAuth, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { firingCount, firstAckUrl, firstRunbookUrl, notificationText, notificationTitle, rfc3339, truncate, whereOf } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export const defaultPagerDutyUrl = 'https://events.pagerduty.com/v2/enqueue';
/** Events API v1's one endpoint; `global.pagerduty_url` is v2's and does not apply to it. */
export const defaultPagerDutyV1Url = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
export const pagerDutySeverities = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof pagerDutySeverities)[number];

export interface PagerDutySettings {
  url: string;
  /** `v1` when the entry has a `service_key`. */
  api: 'v1' | 'v2';
  /** The routing key (v2) or the service key (v1). */
  integrationKey: SecretValue;
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

type Render = (source: string, field: string, fallback?: string) => string;

function renderer(notification: Notification, context: Pick<NotifierContext, 'onTemplateError'>): Render {
  return (source, field, fallback = '') => renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
}

/** `custom_details` (v2) or `details` (v1): the firing alerts' text, the counts, then the configured entries. */
function eventDetails(notification: Notification, settings: PagerDutySettings, render: Render): Record<string, string> {
  const details: Record<string, string> = {
    // PagerDuty refuses events over 512 KB; the text of thousands of alerts would get there.
    firing: truncate(notificationText({ ...notification, alerts: notification.alerts.filter((alert) => alert.status === 'firing') }), 64_000),
    num_firing: String(firingCount(notification)),
    num_resolved: String(notification.alerts.length - firingCount(notification)),
  };
  for (const [key, value] of Object.entries(settings.details)) details[key] = render(value, `details.${key}`);
  return details;
}

function summaryOf(notification: Notification, settings: PagerDutySettings, render: Render): string {
  return truncate(render(settings.description, 'description', notificationTitle(notification)) || 'sre-monitor alert', 1024);
}

const optional = (key: string, value: string): Record<string, string> => (value === '' ? {} : { [key]: value });

function triggerPayload(notification: Notification, settings: PagerDutySettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const render = renderer(notification, context);
  const first = notification.alerts[0];
  const severitySource = settings.severity === '' ? (notification.commonLabels.severity ?? '') : render(settings.severity, 'severity');
  const links = [
    { href: firstRunbookUrl(notification), text: 'Runbook' },
    { href: firstAckUrl(notification), text: 'Acknowledge in sre-monitor' },
    { href: notification.dashboardUrl, text: 'sre-monitor dashboard' },
    ...renderAll(settings.links, render, 'links'),
  ].filter((link) => link.href !== '');
  return {
    payload: {
      summary: summaryOf(notification, settings, render),
      source: render(settings.source, 'source', (first === undefined ? '' : whereOf(first.labels)) || settings.client || 'sre-monitor') || 'sre-monitor',
      severity: pagerDutySeverity(severitySource),
      ...(first === undefined ? {} : { timestamp: rfc3339(first.startsAtMs) }),
      ...optional('component', render(settings.component, 'component')),
      ...optional('group', render(settings.group, 'group')),
      ...optional('class', render(settings.class, 'class')),
      custom_details: eventDetails(notification, settings, render),
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

/**
 * The Events API v1 event for a notification, without the service key: `event_type`,
 * `incident_key`, `description` and `details` on every event, `client` and `client_url` on a
 * trigger (as Alertmanager sends them).
 */
export function pagerDutyV1Event(notification: Notification, settings: PagerDutySettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const render = renderer(notification, context);
  const eventType = pagerDutyEventAction(notification);
  return {
    event_type: eventType,
    incident_key: pagerDutyDedupKey(notification.groupKey),
    description: summaryOf(notification, settings, render),
    details: eventDetails(notification, settings, render),
    ...(eventType === 'trigger'
      ? { client: settings.client || 'sre-monitor', ...optional('client_url', render(settings.clientUrl, 'client_url', notification.dashboardUrl || notification.externalUrl)) }
      : {}),
  };
}

/**
 * Events API v1 answers 403 when it throttles (v2 uses 429): retried, as Alertmanager does,
 * rather than dead-lettered as a refused key.
 */
function v1Throttled(result: DeliveryResult): DeliveryResult {
  if (result.ok || result.status !== 403) return result;
  return { ...result, retryable: true, reason: 'rate_limited', message: `${result.message} (PagerDuty Events API v1 answers 403 when it throttles: retried)` };
}

export function createPagerDutyNotifier(settings: PagerDutySettings, context: NotifierContext): Notifier {
  const keyField = settings.api === 'v1' ? 'service_key' : 'routing_key';
  return {
    key: 'pagerduty_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let key: string;
      try {
        key = settings.integrationKey.kind === 'inline' ? settings.integrationKey.value : await context.readSecretFile(settings.integrationKey.path);
      } catch (error) {
        return { ok: false, retryable: false, reason: 'config', message: `cannot read ${keyField}_file: ${error instanceof Error ? error.message : String(error)}` };
      }
      const event = settings.api === 'v1' ? pagerDutyV1Event(notification, settings, context) : pagerDutyEvent(notification, settings, context);
      const body = JSON.stringify({ [keyField]: key, ...event });
      const headers = { 'idempotency-key': notification.idempotencyKey };
      const result = await postToReceiver({ url: { kind: 'inline', value: settings.url }, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
      return settings.api === 'v1' ? v1Throttled(result) : result;
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

/**
 * v2: the entry's `url`, else `global.pagerduty_url`, else PagerDuty's. v1: the entry's `url`
 * (Alertmanager ignores it for v1; sre-monitor takes it, for a proxy or a test receiver), else
 * PagerDuty's v1 endpoint.
 */
function readUrl(reader: IntegrationConfigReader, global: Mapping, api: PagerDutySettings['api']): string {
  const url = reader.string('url') || (api === 'v1' ? defaultPagerDutyV1Url : globalString(global, 'pagerduty_url') || defaultPagerDutyUrl);
  return checkHttpUrl(url, reader.at('url'), reader.problems) ? url : '';
}

export const buildPagerDutyIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(
    ['routing_key', 'routing_key_file', 'service_key', 'service_key_file', 'url', 'send_resolved', 'http_config', 'severity', 'description', 'source', 'client', 'client_url', 'component', 'group', 'class', 'details', 'links', 'images'],
    ['timeout'],
  );
  const hasServiceKey = reader.has('service_key') || reader.has('service_key_file');
  // As in Alertmanager: a service key selects Events API v1 (even beside a routing key).
  const api = hasServiceKey ? 'v1' : 'v2';
  if (!hasServiceKey && !reader.has('routing_key') && !reader.has('routing_key_file')) {
    reader.problems.add(reader.path, 'missing routing_key (Events API v2) or service_key (Events API v1); each may also be given as a *_file');
    return undefined;
  }
  const integrationKey = api === 'v1' ? reader.secret('service_key', { required: true }) : reader.secret('routing_key', { required: true });
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: PagerDutySettings = {
    url: readUrl(reader, global, api),
    api,
    integrationKey: integrationKey ?? { kind: 'inline', value: '' },
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
  if (integrationKey === undefined || settings.url === '') return undefined;
  return { notifier: createPagerDutyNotifier(settings, context), maxAlerts: 0 };
};
