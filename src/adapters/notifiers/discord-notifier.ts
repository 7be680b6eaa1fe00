/**
 * `discord_configs`: a Discord webhook execution with one embed (title, description, colour,
 * link fields for runbook, acknowledge and dashboard) and optional `content`. Discord's limits
 * are kept: content 2,000 characters, embed title 256, description 4,096, field values 1,024,
 * and 6,000 characters across the embed.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import type { HttpAuth, SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { firstAckUrl, firstRunbookUrl, notificationText, notificationTitle, rfc3339, truncate } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export interface DiscordSettings {
  url: SecretValue;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
  /** Templates ('' = default; `content` '' = none). */
  title: string;
  message: string;
  content: string;
  username: string;
  avatarUrl: string;
}

/** Alertmanager's colours: red while firing, green when resolved. */
const firingColor = 0x992d22;
const resolvedColor = 0x2ecc71;
export const discordLimits = { content: 2000, title: 256, description: 4096, fieldValue: 1024, embedTotal: 6000 } as const;

function linkFields(notification: Notification): Array<{ name: string; value: string; inline: boolean }> {
  return [
    { name: 'Runbook', url: firstRunbookUrl(notification) },
    { name: 'Acknowledge', url: firstAckUrl(notification) },
    { name: 'Dashboard', url: notification.dashboardUrl },
  ]
    .filter((link) => link.url !== '')
    .map((link) => ({ name: link.name, value: truncate(`[open](${link.url})`, discordLimits.fieldValue), inline: true }));
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}

/** The webhook body for a notification. */
export function discordMessage(notification: Notification, settings: DiscordSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const render = (source: string, fallback: string, field: string): string => renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
  const title = truncate(render(settings.title, notificationTitle(notification), 'title'), discordLimits.title);
  const fields = linkFields(notification);
  const fieldChars = fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const descriptionLimit = Math.min(discordLimits.description, discordLimits.embedTotal - title.length - fieldChars);
  const description = truncate(render(settings.message, notificationText(notification), 'message'), descriptionLimit);
  const content = truncate(render(settings.content, '', 'content'), discordLimits.content);
  const embed = {
    title,
    description,
    color: notification.status === 'firing' ? firingColor : resolvedColor,
    ...(isHttpUrl(notification.dashboardUrl) ? { url: notification.dashboardUrl } : {}),
    ...(fields.length === 0 ? {} : { fields }),
    timestamp: rfc3339(notification.createdAtMs),
  };
  return {
    ...(content === '' ? {} : { content }),
    ...(settings.username === '' ? {} : { username: truncate(settings.username, 80) }),
    ...(settings.avatarUrl === '' ? {} : { avatar_url: settings.avatarUrl }),
    embeds: [embed],
    // Alert text must never ping @everyone or roles.
    allowed_mentions: { parse: [] },
  };
}

export function createDiscordNotifier(settings: DiscordSettings, context: NotifierContext): Notifier {
  return {
    key: 'discord_configs',
    sendResolved: settings.sendResolved,
    send(notification, { signal }) {
      const body = JSON.stringify(discordMessage(notification, settings, context));
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: settings.url, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

export const buildDiscordIntegration: ChannelFactory = (reader, _global, context) => {
  reader.checkKeys(['webhook_url', 'webhook_url_file', 'send_resolved', 'http_config', 'title', 'message', 'content', 'username', 'avatar_url'], ['timeout']);
  const url = reader.secret('webhook_url', { required: true, isUrl: true });
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: DiscordSettings = {
    url: url ?? { kind: 'inline', value: '' },
    sendResolved: reader.boolean('send_resolved', true),
    title: reader.string('title'),
    message: reader.string('message'),
    content: reader.string('content'),
    username: reader.string('username'),
    avatarUrl: reader.string('avatar_url'),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (url === undefined) return undefined;
  return { notifier: createDiscordNotifier(settings, context), maxAlerts: 0 };
};
