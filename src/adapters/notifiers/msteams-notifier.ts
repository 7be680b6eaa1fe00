/**
 * Microsoft Teams. `msteams_configs` posts a connector MessageCard (title, summary, one section
 * of facts per alert, OpenUri buttons for runbook, acknowledge and dashboard), as Alertmanager's
 * msteams integration does; `msteamsv2_configs` posts an Adaptive Card wrapped in a message with
 * one attachment, the shape Teams workflow (Power Automate) webhooks take.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import type { HttpAuth, SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { describeAlert, firstAckUrl, firstRunbookUrl, notificationTitle, shortText, truncate } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export type TeamsCardFormat = 'message-card' | 'adaptive-card';

export interface TeamsSettings {
  format: TeamsCardFormat;
  url: SecretValue;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
  /** Templates ('' = default). */
  title: string;
  summary: string;
  text: string;
}

/** Alerts shown with their own facts; Teams rejects cards over about 28 KB. */
const maxAlertSections = 10;
const firingColor = '8C1A1A';
const resolvedColor = '2DC72D';

function links(notification: Notification): Array<{ name: string; uri: string }> {
  return [
    { name: 'Runbook', uri: firstRunbookUrl(notification) },
    { name: 'Acknowledge', uri: firstAckUrl(notification) },
    { name: 'Dashboard', uri: notification.dashboardUrl },
  ].filter((link) => link.uri !== '');
}

function alertFacts(alert: Notification['alerts'][number]): Array<{ name: string; value: string }> {
  const described = describeAlert(alert);
  return [
    { name: 'Status', value: described.status },
    { name: 'Where', value: described.where || '-' },
    { name: 'Since', value: described.since },
    ...(described.severity === '' ? [] : [{ name: 'Severity', value: described.severity }]),
  ];
}

interface TeamsTexts {
  title: string;
  summary: string;
  /** '' when the default per-alert layout is used. */
  text: string;
}

function texts(notification: Notification, settings: TeamsSettings, context: Pick<NotifierContext, 'onTemplateError'>): TeamsTexts {
  const render = (source: string, fallback: string, field: string): string => renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
  return {
    title: truncate(render(settings.title, notificationTitle(notification), 'title'), 1000),
    summary: truncate(render(settings.summary, shortText(notification), 'summary'), 1000),
    text: truncate(render(settings.text, '', 'text'), 20_000),
  };
}

/** The legacy connector MessageCard. */
export function teamsMessageCard(notification: Notification, settings: TeamsSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const { title, summary, text } = texts(notification, settings, context);
  const shown = text === '' ? notification.alerts.slice(0, maxAlertSections) : [];
  const hidden = text === '' ? notification.alerts.length - shown.length + notification.truncatedAlerts : 0;
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    themeColor: notification.status === 'firing' ? firingColor : resolvedColor,
    title,
    summary,
    ...(text === '' ? {} : { text }),
    sections: [
      ...shown.map((alert) => {
        const described = describeAlert(alert);
        return {
          activityTitle: truncate(`${described.name}${described.summary === '' ? '' : ` - ${described.summary}`}`, 500),
          ...(described.description === '' ? {} : { text: truncate(described.description, 2000) }),
          facts: alertFacts(alert),
          markdown: true,
        };
      }),
      ...(hidden > 0 ? [{ text: `...and ${hidden} more alert(s)` }] : []),
    ],
    potentialAction: links(notification).map((link) => ({ '@type': 'OpenUri', name: link.name, targets: [{ os: 'default', uri: link.uri }] })),
  };
}

/** A Teams workflow message with one Adaptive Card (schema 1.4). */
export function teamsAdaptiveCardMessage(notification: Notification, settings: TeamsSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const { title, text } = texts(notification, settings, context);
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading', color: notification.status === 'firing' ? 'Attention' : 'Good' },
  ];
  if (text !== '') body.push({ type: 'TextBlock', text, wrap: true });
  else {
    for (const alert of notification.alerts.slice(0, maxAlertSections)) {
      const described = describeAlert(alert);
      body.push({ type: 'TextBlock', text: truncate(`**${described.name}**${described.summary === '' ? '' : ` - ${described.summary}`}`, 1000), wrap: true, separator: true });
      if (described.description !== '') body.push({ type: 'TextBlock', text: truncate(described.description, 2000), wrap: true });
      body.push({ type: 'FactSet', facts: alertFacts(alert).map((fact) => ({ title: fact.name, value: fact.value })) });
    }
    const hidden = notification.alerts.length - Math.min(notification.alerts.length, maxAlertSections) + notification.truncatedAlerts;
    if (hidden > 0) body.push({ type: 'TextBlock', text: `...and ${hidden} more alert(s)`, wrap: true, isSubtle: true });
  }
  const content = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    actions: links(notification).map((link) => ({ type: 'Action.OpenUrl', title: link.name, url: link.uri })),
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

export function createTeamsNotifier(settings: TeamsSettings, context: NotifierContext): Notifier {
  return {
    key: settings.format === 'message-card' ? 'msteams_configs' : 'msteamsv2_configs',
    sendResolved: settings.sendResolved,
    send(notification, { signal }) {
      const message = settings.format === 'message-card' ? teamsMessageCard(notification, settings, context) : teamsAdaptiveCardMessage(notification, settings, context);
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: settings.url, body: JSON.stringify(message), contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

function teamsFactory(format: TeamsCardFormat): ChannelFactory {
  return (reader, _global, context) => {
    reader.checkKeys(['webhook_url', 'webhook_url_file', 'send_resolved', 'http_config', 'title', 'text', ...(format === 'message-card' ? ['summary'] : [])], ['timeout']);
    const url = reader.secret('webhook_url', { required: true, isUrl: true });
    const auth = reader.httpAuth();
    const transport = readHttpTransport(reader);
    const settings: TeamsSettings = {
      format,
      url: url ?? { kind: 'inline', value: '' },
      sendResolved: reader.boolean('send_resolved', true),
      title: reader.string('title'),
      summary: format === 'message-card' ? reader.string('summary') : '',
      text: reader.string('text'),
      ...(auth ? { auth } : {}),
      ...(transport ? { transport } : {}),
    };
    if (url === undefined) return undefined;
    return { notifier: createTeamsNotifier(settings, context), maxAlerts: 0 };
  };
}

export const buildTeamsIntegration = teamsFactory('message-card');
export const buildTeamsV2Integration = teamsFactory('adaptive-card');
