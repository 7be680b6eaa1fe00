/**
 * `slack_configs`: an incoming-webhook POST with a Block Kit message: a header with the title,
 * one section per alert (what, where, since, description), link buttons for the runbook, the
 * acknowledge link and the dashboard, and a plain `text` that Slack shows in notifications and
 * where blocks cannot be shown. Block Kit limits are respected (header 150 characters, section
 * text 3,000, at most 50 blocks).
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import { globalSecret, type HttpAuth, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { describeAlert, firstAckUrl, firstRunbookUrl, notificationTitle, shortText, truncate } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export interface SlackSettings {
  url: SecretValue;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
  channel: string;
  username: string;
  iconEmoji: string;
  iconUrl: string;
  linkNames: boolean;
  /** Templates ('' = default). */
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fallback: string;
  footer: string;
}

/** Alerts shown as their own section; the rest are counted, keeping the message under 50 blocks. */
const maxAlertSections = 20;

export type SlackBlock = Record<string, unknown>;

/** Slack's mrkdwn control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mrkdwnSection(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function alertSection(alert: Notification['alerts'][number]): SlackBlock {
  const described = describeAlert(alert);
  const status = described.status === 'firing' ? ':red_circle: *FIRING*' : ':large_green_circle: *RESOLVED*';
  const lines = [`${status} *${escapeMrkdwn(described.name)}*${described.summary === '' ? '' : ` - ${escapeMrkdwn(described.summary)}`}`];
  if (described.description !== '') lines.push(escapeMrkdwn(described.description));
  const fields = [
    { type: 'mrkdwn', text: truncate(`*Where*\n${escapeMrkdwn(described.where || '-')}`, 2000) },
    { type: 'mrkdwn', text: `*Since*\n${described.since}` },
  ];
  if (described.severity !== '') fields.push({ type: 'mrkdwn', text: `*Severity*\n${escapeMrkdwn(described.severity)}` });
  return { ...mrkdwnSection(lines.join('\n')), fields };
}

function linkButtons(notification: Notification): SlackBlock | undefined {
  const links = [
    { id: 'runbook', text: 'Runbook', url: firstRunbookUrl(notification) },
    { id: 'acknowledge', text: 'Acknowledge', url: firstAckUrl(notification), style: 'primary' },
    { id: 'dashboard', text: 'Dashboard', url: notification.dashboardUrl },
  ].filter((link) => link.url !== '' && link.url.length <= 3000);
  if (links.length === 0) return undefined;
  return {
    type: 'actions',
    elements: links.map((link) => ({
      type: 'button',
      action_id: link.id,
      text: { type: 'plain_text', text: link.text },
      url: link.url,
      ...(link.style === undefined ? {} : { style: link.style }),
    })),
  };
}

/** The Block Kit message for a notification (what the incoming webhook receives). */
export function slackMessage(notification: Notification, settings: SlackSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const render = (source: string, fallback: string, field: string): string =>
    renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
  const title = render(settings.title, notificationTitle(notification), 'title');
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(title || 'Alert', 150), emoji: true } }];
  const pretext = render(settings.pretext, '', 'pretext');
  if (pretext !== '') blocks.push(mrkdwnSection(pretext));
  const text = render(settings.text, '', 'text');
  if (text !== '') blocks.push(mrkdwnSection(text));
  else {
    const shown = notification.alerts.slice(0, maxAlertSections);
    for (const alert of shown) blocks.push(alertSection(alert));
    const hidden = notification.alerts.length - shown.length + notification.truncatedAlerts;
    if (hidden > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `...and ${hidden} more alert(s)` }] });
  }
  const titleLink = render(settings.titleLink, '', 'title_link');
  if (titleLink !== '') blocks.push(mrkdwnSection(`<${titleLink}|Details>`));
  const buttons = linkButtons(notification);
  if (buttons !== undefined) blocks.push(buttons);
  const footer = render(settings.footer, '', 'footer');
  if (footer !== '') blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(footer, 3000) }] });
  // Alertmanager renders these as templates too (`channel: '#{{ .CommonLabels.team }}'`).
  const channel = render(settings.channel, settings.channel, 'channel');
  const username = render(settings.username, settings.username, 'username');
  return {
    ...(channel === '' ? {} : { channel }),
    ...(username === '' ? {} : { username }),
    ...(settings.iconEmoji === '' ? {} : { icon_emoji: settings.iconEmoji }),
    ...(settings.iconUrl === '' ? {} : { icon_url: settings.iconUrl }),
    ...(settings.linkNames ? { link_names: true } : {}),
    text: truncate(render(settings.fallback, shortText(notification), 'fallback'), 3000),
    blocks,
  };
}

export function createSlackNotifier(settings: SlackSettings, context: NotifierContext): Notifier {
  return {
    key: 'slack_configs',
    sendResolved: settings.sendResolved,
    send(notification, { signal }) {
      const body = JSON.stringify(slackMessage(notification, settings, context));
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: settings.url, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

const usedKeys = ['api_url', 'api_url_file', 'send_resolved', 'http_config', 'channel', 'username', 'icon_emoji', 'icon_url', 'link_names', 'title', 'title_link', 'pretext', 'text', 'fallback', 'footer'];
/** Alertmanager keys for the legacy attachment layout; accepted, not used by the Block Kit message. */
const acceptedKeys = ['color', 'fields', 'short_fields', 'callback_id', 'image_url', 'thumb_url', 'mrkdwn_in', 'actions', 'timeout', 'message_text', 'update_message', 'app_token', 'app_token_file', 'app_url'];

export const buildSlackIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(usedKeys, acceptedKeys);
  const fallback = globalSecret(global, 'slack_api_url');
  const url = reader.secret('api_url', { required: true, isUrl: true, ...(fallback ? { fallback } : {}) });
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: SlackSettings = {
    url: url ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', false),
    channel: reader.string('channel'),
    username: reader.string('username'),
    iconEmoji: reader.string('icon_emoji'),
    iconUrl: reader.string('icon_url'),
    linkNames: reader.boolean('link_names', false),
    title: reader.string('title'),
    titleLink: reader.string('title_link'),
    pretext: reader.string('pretext'),
    text: reader.string('text'),
    fallback: reader.string('fallback'),
    footer: reader.string('footer'),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (url === undefined) return undefined;
  return { notifier: createSlackNotifier(settings, context), maxAlerts: 0 };
};
