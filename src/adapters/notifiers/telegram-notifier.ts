/**
 * `telegram_configs`: one Telegram Bot API `sendMessage` per notification, as Alertmanager sends
 * it: POST `<api_url>/bot<token>/sendMessage` with `chat_id`, `text`, `parse_mode` (HTML unless
 * set), `disable_notification` and `message_thread_id`. The default text is the notification's
 * title in bold and its plain text (what, where, since, runbook, acknowledge and dashboard links),
 * HTML-escaped, within Telegram's 4,096 characters. A `message` template is sent as rendered, cut
 * to 4,096 characters, as Alertmanager does: escaping for the chosen `parse_mode` is the
 * template's business. The bot token is part of the URL path; failure messages name the host only.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { configFailure, postToReceiver, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalString, type HttpAuth, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationText, notificationTitle, truncate } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export const defaultTelegramApiUrl = 'https://api.telegram.org';
/** Telegram refuses longer messages (counted after entity parsing). */
export const telegramMessageLimit = 4096;
export const telegramParseModes = ['', 'HTML', 'Markdown', 'MarkdownV2'] as const;
export type TelegramParseMode = (typeof telegramParseModes)[number];

export interface TelegramSettings {
  apiUrl: string;
  botToken: SecretValue;
  chatId: number;
  messageThreadId?: number;
  /** Template ('' = default text). */
  message: string;
  parseMode: TelegramParseMode;
  disableNotifications: boolean;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

/** Text shown as written in `mode` (Telegram's formatting rules for each parse mode). */
export function escapeTelegram(text: string, mode: TelegramParseMode): string {
  switch (mode) {
    case 'HTML':
      return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case 'MarkdownV2':
      return text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
    case 'Markdown':
      return text.replace(/[_*`[]/g, '\\$&');
    default:
      return text;
  }
}

/** The default text: the title in bold (plain without a parse mode), then the plain text, escaped for the mode. */
function defaultMessage(notification: Notification, mode: TelegramParseMode): string {
  const title = truncate(notificationTitle(notification), 256);
  // Telegram counts the visible length: escapes and markup do not count.
  const body = escapeTelegram(truncate(notificationText(notification), telegramMessageLimit - title.length - 2), mode);
  const escapedTitle = escapeTelegram(title, mode);
  const bold = mode === 'HTML' ? `<b>${escapedTitle}</b>` : mode === '' ? escapedTitle : `*${escapedTitle}*`;
  return `${bold}\n\n${body}`;
}

/** The `sendMessage` body for a notification. */
export function telegramMessage(notification: Notification, settings: TelegramSettings, context: Pick<NotifierContext, 'onTemplateError'>): Record<string, unknown> {
  const fallback = defaultMessage(notification, settings.parseMode);
  // A template that fails to render sends the default text (and is logged), never nothing.
  const text = settings.message === '' ? fallback : truncate(renderOrDefault(settings.message, notification, fallback, context, fieldName(notification, 'message')), telegramMessageLimit);
  return {
    chat_id: settings.chatId,
    ...(settings.messageThreadId === undefined ? {} : { message_thread_id: settings.messageThreadId }),
    text,
    ...(settings.parseMode === '' ? {} : { parse_mode: settings.parseMode }),
    disable_notification: settings.disableNotifications,
  };
}

export function createTelegramNotifier(settings: TelegramSettings, context: NotifierContext): Notifier {
  return {
    key: 'telegram_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let token: string;
      try {
        token = await resolveSecret(settings.botToken, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (token === '') return configFailure('the bot token is empty');
      const url = `${settings.apiUrl.replace(/\/+$/, '')}/bot${token}/sendMessage`;
      const body = JSON.stringify(telegramMessage(notification, settings, context));
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver({ url: { kind: 'inline', value: url }, body, contentType: 'application/json', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

/** A chat or thread id: a whole number (chat ids are negative for groups and channels), as a number or its digits. */
function readId(reader: IntegrationConfigReader, key: 'chat_id' | 'message_thread_id', required: boolean): number | undefined {
  const value = reader.mapping[key];
  if (value === undefined || value === null || value === '') {
    if (required) reader.problems.add(reader.path, `missing ${key}`);
    return undefined;
  }
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
  reader.problems.add(reader.at(key), key === 'chat_id' ? 'must be a whole number (a chat id; negative for groups and channels)' : 'must be a whole number (a forum topic id)');
  return undefined;
}

function readParseMode(reader: IntegrationConfigReader): TelegramParseMode {
  if (reader.mapping.parse_mode === undefined || reader.mapping.parse_mode === null) return 'HTML';
  const mode = reader.string('parse_mode');
  if ((telegramParseModes as readonly string[]).includes(mode)) return mode as TelegramParseMode;
  reader.problems.add(reader.at('parse_mode'), `must be HTML, Markdown, MarkdownV2 or empty, got "${mode}"`);
  return 'HTML';
}

export const buildTelegramIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(['api_url', 'bot_token', 'bot_token_file', 'chat_id', 'message_thread_id', 'message', 'parse_mode', 'disable_notifications', 'send_resolved', 'http_config'], ['timeout']);
  const apiUrl = reader.string('api_url') || globalString(global, 'telegram_api_url') || defaultTelegramApiUrl;
  const urlOk = checkHttpUrl(apiUrl, reader.at('api_url'), reader.problems);
  const botToken = reader.secret('bot_token', { required: true });
  const chatId = readId(reader, 'chat_id', true);
  const messageThreadId = readId(reader, 'message_thread_id', false);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: TelegramSettings = {
    apiUrl,
    botToken: botToken ?? { kind: 'inline', value: '' },
    chatId: chatId ?? 0,
    ...(messageThreadId === undefined ? {} : { messageThreadId }),
    message: reader.string('message'),
    parseMode: readParseMode(reader),
    disableNotifications: reader.boolean('disable_notifications', false),
    sendResolved: reader.boolean('send_resolved', true),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (!urlOk || botToken === undefined || chatId === undefined) return undefined;
  return { notifier: createTelegramNotifier(settings, context), maxAlerts: 0 };
};
