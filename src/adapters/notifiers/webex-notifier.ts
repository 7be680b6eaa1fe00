/**
 * `webex_configs`: one Webex Messages API call per notification, as Alertmanager sends it: POST
 * `api_url` (default `https://webexapis.com/v1/messages`) with a JSON body `{roomId, markdown}`
 * and `Authorization: Bearer <bot token>` from `http_config.authorization` (Alertmanager refuses
 * a webex entry without it, and so does sre-monitor). `room_id` and `message` are templates. The
 * default message is markdown: the notification's title in bold, then each alert (what, where,
 * since, description, runbook, acknowledge and source links) and the dashboard link, with the
 * alert text escaped so labels and annotations show as written. Webex takes at most 7,439 bytes
 * of markdown; longer messages are cut on a UTF-8 boundary with an ellipsis, as Alertmanager does.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import { ProblemList, type Mapping } from '../../core/alerting/config-reader.js';
import type { ChannelFactory } from './channel.js';
import { configFailure, postToReceiver, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, globalString, type HttpAuth, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationTitle, truncate, truncateUtf8 } from './notification-text.js';
import { alertsMarkdown, type MarkdownDialect } from './markdown-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export const defaultWebexApiUrl = 'https://webexapis.com/v1/messages';
/** Webex refuses longer `markdown` (and `text`): "The maximum message length is 7439 bytes." */
export const webexMessageLimitBytes = 7439;

export interface WebexSettings {
  apiUrl: string;
  /** Template (usually a literal room id). */
  roomId: string;
  /** Template ('' = default text). */
  message: string;
  /** The bot's access token and the scheme it is sent with (`Bearer` unless `authorization.type` says otherwise). */
  token: { type: string; credentials: SecretValue };
  sendResolved: boolean;
  transport?: HttpTransport;
}

/**
 * Text shown as written in Webex markdown: CommonMark's backslash escapes for the characters
 * that format inline (emphasis, code, links, strikethrough, tables, entities) and `<`, which
 * would also start HTML or a mention such as `<@all>`; at the start of a line, the characters
 * that would make a heading, list, quote or rule.
 */
export function escapeWebexMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>|&]/g, '\\$&')
    .replace(/^([ \t]*)([#+\-=])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)([.)])/gm, '$1\\$2');
}

const webexMarkdown: MarkdownDialect = {
  escape: escapeWebexMarkdown,
  cut: truncateUtf8,
  size: (text) => Buffer.byteLength(text, 'utf8'),
  limit: webexMessageLimitBytes,
  summaryMax: 500,
  descriptionMax: 1500,
};

/**
 * The default markdown: the title in bold, as many whole alerts as fit in Webex's limit (at
 * least one), a line counting the alerts left out, and the dashboard link.
 */
export function defaultWebexMessage(notification: Notification): string {
  return alertsMarkdown(notification, [`**${escapeWebexMarkdown(truncate(notificationTitle(notification), 1000))}**`], webexMarkdown);
}

/** The Messages API body; undefined when `room_id` renders empty (nowhere to send). */
export function webexMessage(notification: Notification, settings: Pick<WebexSettings, 'roomId' | 'message'>, context: Pick<NotifierContext, 'onTemplateError'>): { roomId: string; markdown: string } | undefined {
  const roomId = renderOrDefault(settings.roomId, notification, '', context, fieldName(notification, 'room_id')).trim();
  if (roomId === '') return undefined;
  const fallback = defaultWebexMessage(notification);
  // A template that fails to render sends the default text (and is logged), never nothing.
  const rendered = settings.message === '' ? fallback : renderOrDefault(settings.message, notification, fallback, context, fieldName(notification, 'message'));
  // As Alertmanager: whatever the template gives, cut to Webex's byte limit on a UTF-8 boundary.
  const markdown = truncateUtf8(rendered.trim() === '' ? fallback : rendered, webexMessageLimitBytes);
  return { roomId, markdown };
}

export function createWebexNotifier(settings: WebexSettings, context: NotifierContext): Notifier {
  return {
    key: 'webex_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let token: string;
      try {
        token = await resolveSecret(settings.token.credentials, context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (token === '') return configFailure('the Webex bot token (http_config.authorization) is empty');
      const message = webexMessage(notification, settings, context);
      if (message === undefined) return configFailure('room_id rendered to an empty room id');
      const auth: HttpAuth = { kind: 'authorization', type: settings.token.type, credentials: { kind: 'inline', value: token } };
      const headers = { 'idempotency-key': notification.idempotencyKey };
      return postToReceiver(
        { url: { kind: 'inline', value: settings.apiUrl }, body: JSON.stringify(message), contentType: 'application/json', headers, auth, transport: settings.transport },
        context,
        signal,
      );
    },
  };
}

/** The entry's `api_url`, else `global.webex_api_url`, else Webex's; a bad global URL is reported once, at its own path. */
function readApiUrl(reader: IntegrationConfigReader, global: Mapping): string | undefined {
  const own = reader.string('api_url');
  if (own !== '') return checkHttpUrl(own, reader.at('api_url'), reader.problems) ? own : undefined;
  const fromGlobal = globalString(global, 'webex_api_url');
  if (fromGlobal === '') return defaultWebexApiUrl;
  const found = new ProblemList();
  if (checkHttpUrl(fromGlobal, reader.globalPath('webex_api_url'), found)) return fromGlobal;
  for (const problem of found.problems) {
    const known = reader.problems.problems.some((other) => other.message === problem.message && other.path.join('\0') === problem.path.join('\0'));
    if (!known) reader.problems.add(problem.path, problem.message);
  }
  return undefined;
}

/** `room_id`: required (Alertmanager: "missing room_id on webex_config"); a template, usually a literal id. */
function readRoomId(reader: IntegrationConfigReader): string | undefined {
  if (!reader.has('room_id')) return reader.problems.add(reader.path, 'missing room_id');
  const before = reader.problems.problems.length;
  const roomId = reader.string('room_id').trim();
  if (reader.problems.problems.length > before) return undefined;
  if (roomId === '') return reader.problems.add(reader.at('room_id'), 'must not be blank');
  return roomId;
}

/**
 * The bot token: the entry's own `http_config.authorization` (or `bearer_token`, which
 * Alertmanager turns into one). `global.http_config` does not count: Alertmanager checks the
 * entry before applying the global default.
 */
function readToken(reader: IntegrationConfigReader): WebexSettings['token'] | undefined {
  const before = reader.problems.problems.length;
  const auth = reader.httpAuth();
  if (reader.problems.problems.length > before) return undefined;
  const own = reader.mapping.http_config !== undefined && reader.mapping.http_config !== null;
  if (own && auth?.kind === 'authorization') {
    // prometheus/common refuses this type for every http_config; Webex itself only takes Bearer.
    if (auth.type.trim().toLowerCase() === 'basic') return reader.problems.add([...reader.at('http_config'), 'authorization', 'type'], 'cannot be "Basic" (Webex takes the bot token as Bearer)');
    return { type: auth.type.trim(), credentials: auth.credentials };
  }
  reader.problems.add([...reader.at('http_config'), 'authorization'], "missing: Webex needs the bot's access token in http_config.authorization (credentials or credentials_file; bearer_token also works), as Alertmanager requires");
  return undefined;
}

export const buildWebexIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(['api_url', 'room_id', 'message', 'send_resolved', 'http_config']);
  const apiUrl = readApiUrl(reader, global);
  const roomId = readRoomId(reader);
  const token = readToken(reader);
  const transport = readHttpTransport(reader);
  const message = reader.string('message');
  const sendResolved = reader.boolean('send_resolved', true);
  if (apiUrl === undefined || roomId === undefined || token === undefined) return undefined;
  const settings: WebexSettings = { apiUrl, roomId, message, token, sendResolved, ...(transport ? { transport } : {}) };
  return { notifier: createWebexNotifier(settings, context), maxAlerts: 0 };
};
