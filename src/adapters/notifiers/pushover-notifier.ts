/**
 * `pushover_configs`: one Pushover Message API message per notification, as Alertmanager sends
 * it: POST https://api.pushover.net/1/messages.json with every parameter in the query string
 * and an empty `text/plain` body (`token`, `user`, `title`, `message`, `url`, `url_title`,
 * `priority`, `retry`, `expire`, `device`, `sound`; `html=1` or `monospace=1` when set; `ttl`
 * when above zero). Pushover has no resolve: a resolved group is one more message, titled
 * `[RESOLVED] ...` and sent at normal priority. By default a firing group is an emergency
 * (priority 2: repeated every `retry` until someone acknowledges it in the app, at most
 * `expire`), as in Alertmanager. Fields are cut to Pushover's limits in code points, the last
 * one an ellipsis, as Alertmanager's TruncateInRunes does. The token travels in the query
 * string: failure messages name the host only.
 */
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { configFailure, postToReceiver, resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { checkHttpUrl, type HttpAuth, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { notificationText, notificationTitle, runeLength, truncateRunes } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

/** Alertmanager's fixed endpoint (it has no key to change it; `api_url` is sre-monitor's, for a proxy or a test receiver). */
export const defaultPushoverApiUrl = 'https://api.pushover.net/1/messages.json';

/** Pushover's documented limits, in characters (code points). */
export const pushoverLimits = { title: 250, message: 1024, url: 512, urlTitle: 100 } as const;
/** Emergency (priority 2) messages: repeated no more often than every 30 s, for at most 3 hours. */
export const pushoverMinRetrySeconds = 30;
export const pushoverMaxExpireSeconds = 10_800;
/** Alertmanager's defaults for `retry` and `expire`. */
const defaultRetrySeconds = 60;
const defaultExpireSeconds = 3600;
/** What Alertmanager sends when the message renders empty: Pushover refuses an empty message. */
const emptyMessage = '(no details)';

/** Pushover's API tokens and user / group keys: 30 letters and digits. */
const pushoverKeyPattern = /^[A-Za-z0-9]{30}$/;

export interface PushoverSettings {
  apiUrl: string;
  token: SecretValue;
  userKey: SecretValue;
  /** Templates ('' = the default). */
  title: string;
  message: string;
  url: string;
  urlTitle: string;
  priority: string;
  /** Templates, sent as rendered (empty = the user's devices and sound). */
  device: string;
  sound: string;
  retrySeconds: number;
  expireSeconds: number;
  /** 0 = not sent (the message stays until deleted). */
  ttlSeconds: number;
  html: boolean;
  monospace: boolean;
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
}

export function escapePushoverHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `text` HTML-escaped and cut so that the escaped text fits `max` (entities are never split). */
function escapedWithin(text: string, max: number): string {
  const whole = escapePushoverHtml(text);
  if (runeLength(whole) <= max) return whole;
  let out = '';
  let used = 0;
  for (const rune of text) {
    const piece = escapePushoverHtml(rune);
    const length = runeLength(piece);
    // Keep one place for the ellipsis.
    if (used + length > max - 1) break;
    out += piece;
    used += length;
  }
  return `${out}…`;
}

/**
 * The notification with every text a template can reach HTML-escaped: with `html: true`
 * Alertmanager renders `message` with Go's html/template, which escapes the values it inserts
 * (labels, annotations, links) and keeps the template's own markup.
 */
function htmlEscapedNotification(notification: Notification): Notification {
  const escapeAll = (labels: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, escapePushoverHtml(value)]));
  return {
    ...notification,
    integration: { ...notification.integration, receiver: escapePushoverHtml(notification.integration.receiver) },
    groupKey: escapePushoverHtml(notification.groupKey),
    groupLabels: escapeAll(notification.groupLabels),
    commonLabels: escapeAll(notification.commonLabels),
    commonAnnotations: escapeAll(notification.commonAnnotations),
    externalUrl: escapePushoverHtml(notification.externalUrl),
    dashboardUrl: escapePushoverHtml(notification.dashboardUrl),
    alerts: notification.alerts.map((alert) => ({
      ...alert,
      labels: escapeAll(alert.labels),
      annotations: escapeAll(alert.annotations),
      generatorUrl: escapePushoverHtml(alert.generatorUrl),
      ackUrl: alert.ackUrl === null ? null : escapePushoverHtml(alert.ackUrl),
    })),
  };
}

/**
 * The default priority, Alertmanager's `{{ if eq .Status "firing" }}2{{ else }}0{{ end }}`;
 * sre-monitor also sends a group whose firing alerts are all acknowledged at normal priority,
 * so an acknowledgement does not page again.
 */
export function defaultPushoverPriority(notification: Notification): number {
  return notification.status === 'firing' && !notification.acknowledged ? 2 : 0;
}

/** A priority as Pushover takes it: a whole number from -2 to 2; undefined otherwise. */
export function parsePushoverPriority(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const priority = Number(trimmed);
  return priority >= -2 && priority <= 2 ? priority : undefined;
}

const isTemplate = (text: string): boolean => text.includes('{{');

type Context = Pick<NotifierContext, 'onTemplateError'>;

/** The rendered priority; one that is not -2..2 is logged like a failed template and replaced by the default. */
function renderPriority(notification: Notification, settings: PushoverSettings, context: Context): number {
  const fallback = defaultPushoverPriority(notification);
  if (settings.priority === '') return fallback;
  const what = fieldName(notification, 'priority');
  const rendered = renderOrDefault(settings.priority, notification, String(fallback), context, what);
  // Pushover takes an empty priority as its default, normal (0).
  if (rendered.trim() === '') return 0;
  const priority = parsePushoverPriority(rendered);
  if (priority !== undefined) return priority;
  context.onTemplateError(`${what}: rendered ${JSON.stringify(truncateRunes(rendered, 40))}, not a Pushover priority (-2 to 2); sent priority ${fallback} instead`);
  return fallback;
}

/** The message: the template (or the default text), cut to 1,024 characters and trimmed; never empty. */
function renderMessage(notification: Notification, settings: PushoverSettings, context: Context): string {
  const plain = notificationText(notification);
  const fallback = (settings.html ? escapedWithin(plain, pushoverLimits.message) : truncateRunes(plain, pushoverLimits.message)).trim();
  if (settings.message === '') return fallback || emptyMessage;
  const source = settings.html ? htmlEscapedNotification(notification) : notification;
  const rendered = truncateRunes(renderOrDefault(settings.message, source, fallback, context, fieldName(notification, 'message')), pushoverLimits.message).trim();
  // Alertmanager sends "(no details)" for an empty render; sre-monitor sends its default text.
  return rendered || fallback || emptyMessage;
}

/** The Message API parameters for a notification, in Alertmanager's order (without `token` and `user`). */
export function pushoverParameters(notification: Notification, settings: PushoverSettings, context: Context): Array<[string, string]> {
  const render = (source: string, fallback: string, field: string): string => (source === '' ? fallback : renderOrDefault(source, notification, fallback, context, fieldName(notification, field)));
  const title = truncateRunes(render(settings.title, notificationTitle(notification), 'title'), pushoverLimits.title);
  const message = renderMessage(notification, settings, context);
  const url = truncateRunes(render(settings.url, notification.dashboardUrl, 'url'), pushoverLimits.url);
  const defaultUrlTitle = settings.url === '' && url !== '' ? 'sre-monitor dashboard' : '';
  // Alertmanager does not cut url_title; Pushover refuses more than 100 characters.
  const urlTitle = truncateRunes(render(settings.urlTitle, defaultUrlTitle, 'url_title'), pushoverLimits.urlTitle);
  const priority = renderPriority(notification, settings, context);
  let retry = settings.retrySeconds;
  let expire = settings.expireSeconds;
  if (priority === 2) {
    // Only a priority template can get here with values Pushover refuses (the config check covers the rest).
    retry = Math.max(retry, pushoverMinRetrySeconds);
    expire = Math.min(Math.max(expire, 1), pushoverMaxExpireSeconds);
  }
  const parameters: Array<[string, string]> = [['title', title]];
  if (settings.html) parameters.push(['html', '1']);
  if (settings.monospace) parameters.push(['monospace', '1']);
  parameters.push(
    ['message', message],
    ['url', url],
    ['url_title', urlTitle],
    ['priority', String(priority)],
    ['retry', String(retry)],
    ['expire', String(expire)],
    ['device', render(settings.device, '', 'device')],
    ['sound', render(settings.sound, '', 'sound')],
  );
  if (settings.ttlSeconds > 0) parameters.push(['ttl', String(settings.ttlSeconds)]);
  return parameters;
}

/** The token or user key: from its file at send time; a `{{ }}` value is a template, as in Alertmanager. */
async function keyValue(secret: SecretValue, notification: Notification, field: string, context: NotifierContext): Promise<string> {
  const value = await resolveSecret(secret, context);
  return isTemplate(value) ? renderOrDefault(value, notification, value, context, fieldName(notification, field)).trim() : value;
}

export function createPushoverNotifier(settings: PushoverSettings, context: NotifierContext): Notifier {
  return {
    key: 'pushover_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let token: string;
      let user: string;
      try {
        token = await keyValue(settings.token, notification, 'token', context);
        user = await keyValue(settings.userKey, notification, 'user_key', context);
      } catch (error) {
        return configFailure(error instanceof SecretFileError ? error.message : String(error));
      }
      if (token === '') return configFailure('the Pushover token is empty');
      if (user === '') return configFailure('the Pushover user key is empty');
      const query = new URLSearchParams([['token', token], ['user', user], ...pushoverParameters(notification, settings, context)]);
      const url = new URL(settings.apiUrl);
      url.search = query.toString();
      const headers = { 'idempotency-key': notification.idempotencyKey };
      // As Alertmanager: a POST whose parameters are all in the URL, with an empty text/plain body.
      return postToReceiver({ url: { kind: 'inline', value: url.href }, body: '', contentType: 'text/plain', headers, auth: settings.auth, transport: settings.transport }, context, signal);
    },
  };
}

const goDurationUnitsMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (`30s`, `1m30s`, `1.5h`, `0`), as Alertmanager reads `retry`, `expire` and `ttl`; milliseconds, undefined when it is not one. */
export function parseGoDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?0$/.test(trimmed)) return 0;
  const match = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(trimmed);
  if (match === null) return undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * (goDurationUnitsMs[part[2] ?? ''] ?? 0);
  return match[1] === '-' ? -total : total;
}

/** A duration field in whole seconds (Alertmanager sends the seconds, cut). */
function readSeconds(reader: IntegrationConfigReader, key: 'retry' | 'expire' | 'ttl', defaultSeconds: number): number {
  const value = reader.mapping[key];
  if (value === undefined || value === null || value === '') return defaultSeconds;
  const text = reader.string(key);
  const ms = parseGoDurationMs(text);
  if (ms === undefined) {
    reader.problems.add(reader.at(key), `must be a duration with a unit, such as 30s, 5m or 1h, got "${text}"`);
    return defaultSeconds;
  }
  if (ms < 0) {
    reader.problems.add(reader.at(key), 'must not be negative');
    return defaultSeconds;
  }
  return Math.trunc(ms / 1000);
}

/** An inline token or user key that cannot be one; a file or a template is checked by Pushover. */
function checkKeyFormat(reader: IntegrationConfigReader, key: 'token' | 'user_key', secret: SecretValue | undefined): void {
  if (secret?.kind !== 'inline' || isTemplate(secret.value) || pushoverKeyPattern.test(secret.value)) return;
  const what = key === 'token' ? "an application's API token" : 'a user or group key';
  reader.problems.add(reader.at(key), `must be ${what}: 30 letters and digits, got ${secret.value.length} characters`);
}

/**
 * `priority`: a template, or a fixed -2..2. Emergency messages (priority 2: the default for a
 * firing group, or fixed) need `retry` >= 30s and `expire` <= 3h, else Pushover refuses every one.
 */
function checkPriority(reader: IntegrationConfigReader, priority: string, retrySeconds: number, expireSeconds: number): void {
  if (priority !== '' && !isTemplate(priority) && parsePushoverPriority(priority) === undefined) {
    reader.problems.add(reader.at('priority'), `must be -2, -1, 0, 1 or 2 (or a template rendering one), got "${priority}"`);
    return;
  }
  const mayBeEmergency = priority === '' || (!isTemplate(priority) && parsePushoverPriority(priority) === 2);
  if (!mayBeEmergency) return;
  const why = priority === '' ? 'firing groups are sent at emergency priority (2)' : 'priority 2 (emergency)';
  if (retrySeconds < pushoverMinRetrySeconds) reader.problems.add(reader.at('retry'), `must be at least 30s: ${why}, and Pushover repeats those no more often than every 30 seconds`);
  if (expireSeconds < 1) reader.problems.add(reader.at('expire'), `must be at least 1s: ${why}`);
  if (expireSeconds > pushoverMaxExpireSeconds) reader.problems.add(reader.at('expire'), `must be at most 3h: ${why}, and Pushover repeats those for at most 3 hours`);
}

export const buildPushoverIntegration: ChannelFactory = (reader, _global, context) => {
  reader.checkKeys(['user_key', 'user_key_file', 'token', 'token_file', 'title', 'message', 'url', 'url_title', 'device', 'sound', 'priority', 'retry', 'expire', 'ttl', 'html', 'monospace', 'send_resolved', 'http_config', 'api_url']);
  const apiUrl = reader.string('api_url') || defaultPushoverApiUrl;
  const urlOk = checkHttpUrl(apiUrl, reader.at('api_url'), reader.problems);
  const userKey = reader.secret('user_key', { required: true });
  const token = reader.secret('token', { required: true });
  checkKeyFormat(reader, 'user_key', userKey);
  checkKeyFormat(reader, 'token', token);
  const html = reader.boolean('html', false);
  const monospace = reader.boolean('monospace', false);
  if (html && monospace) reader.problems.add(reader.at('monospace'), 'at most one of html and monospace may be set');
  const retrySeconds = readSeconds(reader, 'retry', defaultRetrySeconds);
  const expireSeconds = readSeconds(reader, 'expire', defaultExpireSeconds);
  const priority = reader.string('priority').trim();
  checkPriority(reader, priority, retrySeconds, expireSeconds);
  const auth = reader.httpAuth();
  const transport = readHttpTransport(reader);
  const settings: PushoverSettings = {
    apiUrl,
    token: token ?? { kind: 'inline', value: '' },
    userKey: userKey ?? { kind: 'inline', value: '' },
    title: reader.string('title'),
    message: reader.string('message'),
    url: reader.string('url'),
    urlTitle: reader.string('url_title'),
    priority,
    device: reader.string('device'),
    sound: reader.string('sound'),
    retrySeconds,
    expireSeconds,
    ttlSeconds: readSeconds(reader, 'ttl', 0),
    html,
    monospace,
    sendResolved: reader.boolean('send_resolved', true),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (!urlOk || token === undefined || userKey === undefined) return undefined;
  return { notifier: createPushoverNotifier(settings, context), maxAlerts: 0 };
};
