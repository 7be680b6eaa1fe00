/**
 * `sms_configs` (sre-monitor's own): a Twilio-style provider webhook, one
 * `application/x-www-form-urlencoded` POST per recipient with `To`, `From` and `Body`, basic
 * auth from `account_sid` and `auth_token`. The body is one short line (at most 1,600
 * characters, Twilio's limit). A retry skips recipients this process already reached with the
 * same idempotency key, so a partial failure does not text everyone twice.
 */
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { postToReceiver, type NotifierContext } from './http-delivery.js';
import type { HttpAuth, SecretValue } from './integration-config.js';
import { readHttpTransport, type HttpTransport } from './http-transport.js';
import { shortText, truncate } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';

export const smsBodyLimit = 1600;

export interface SmsSettings {
  url: SecretValue;
  accountSid: string;
  authToken?: SecretValue;
  from: string;
  to: string[];
  sendResolved: boolean;
  auth?: HttpAuth;
  transport?: HttpTransport;
  /** Template ('' = default short text). */
  message: string;
}

/** Twilio's Messages resource for an account. */
export function twilioMessagesUrl(accountSid: string): string {
  return `https://api.twilio.com/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

export function smsBody(notification: Notification, settings: SmsSettings, context: Pick<NotifierContext, 'onTemplateError'>): string {
  const text = renderOrDefault(settings.message, notification, shortText(notification), context, fieldName(notification, 'message'));
  return truncate(text.replace(/\s+/g, ' ').trim(), smsBodyLimit);
}

/** Remembers (idempotency key, recipient) pairs already delivered, bounded to the newest entries. */
function createDeliveredMemo(limit = 2000): { has(key: string): boolean; add(key: string): void } {
  const entries = new Set<string>();
  return {
    has: (key) => entries.has(key),
    add(key) {
      entries.add(key);
      if (entries.size > limit) entries.delete(entries.values().next().value as string);
    },
  };
}

/** All recipients reached: ok. Otherwise a retryable failure when any recipient may still be reached by retrying. */
function combine(results: Array<{ to: string; result: DeliveryResult }>): DeliveryResult {
  const failures = results.filter((entry) => !entry.result.ok);
  if (failures.length === 0) return results[0]?.result ?? { ok: true };
  const chosen = failures.find((entry) => !entry.result.ok && entry.result.retryable) ?? failures[0];
  if (chosen === undefined || chosen.result.ok) return { ok: true };
  const reached = results.length - failures.length;
  return { ...chosen.result, message: `${chosen.result.message} (to ${chosen.to}; ${reached} of ${results.length} recipient(s) reached)` };
}

export function createSmsNotifier(settings: SmsSettings, context: NotifierContext): Notifier {
  const delivered = createDeliveredMemo();
  const auth: HttpAuth | undefined = settings.authToken !== undefined ? { kind: 'basic', username: settings.accountSid, password: settings.authToken } : settings.auth;
  return {
    key: 'sms_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      const body = smsBody(notification, settings, context);
      const results: Array<{ to: string; result: DeliveryResult }> = [];
      for (const to of settings.to) {
        const memoKey = `${notification.idempotencyKey}\u0000${to}`;
        if (delivered.has(memoKey)) continue;
        const form = new URLSearchParams({ To: to, From: settings.from, Body: body }).toString();
        const headers = { 'idempotency-key': `${notification.idempotencyKey}:${to}` };
        const result = await postToReceiver({ url: settings.url, body: form, contentType: 'application/x-www-form-urlencoded', headers, auth, transport: settings.transport }, context, signal);
        if (result.ok) delivered.add(memoKey);
        results.push({ to, result });
      }
      return combine(results);
    },
  };
}

export const buildSmsIntegration: ChannelFactory = (reader, _global, context) => {
  reader.checkKeys(['url', 'account_sid', 'auth_token', 'auth_token_file', 'from', 'to', 'message', 'send_resolved', 'http_config']);
  const accountSid = reader.string('account_sid');
  const explicitUrl = reader.has('url') ? reader.secret('url', { required: true, isUrl: true }) : undefined;
  if (!reader.has('url') && accountSid === '') reader.problems.add(reader.path, 'missing url (or account_sid, for Twilio)');
  const url = explicitUrl ?? (accountSid === '' ? undefined : ({ kind: 'inline', value: twilioMessagesUrl(accountSid) } as const));
  const authToken = reader.secret('auth_token', { required: false });
  if (authToken !== undefined && accountSid === '') reader.problems.add(reader.at('account_sid'), 'auth_token needs account_sid (the basic-auth user)');
  const from = reader.string('from');
  if (from === '') reader.problems.add(reader.path, 'missing from (the sending number)');
  const to = reader.stringOrList('to');
  if (to.length === 0) reader.problems.add(reader.path, 'missing to (one or more numbers)');
  const auth = authToken === undefined || reader.has('http_config') ? reader.httpAuth() : undefined;
  const transport = readHttpTransport(reader);
  if (reader.has('http_config') && auth !== undefined && authToken !== undefined) reader.problems.add(reader.at('http_config'), 'set either auth_token or http_config authentication, not both');
  const settings: SmsSettings = {
    url: url ?? { kind: 'inline', value: '' },
    accountSid,
    from,
    to,
    sendResolved: reader.boolean('send_resolved', false),
    message: reader.string('message'),
    ...(authToken ? { authToken } : {}),
    ...(auth ? { auth } : {}),
    ...(transport ? { transport } : {}),
  };
  if (url === undefined || from === '' || to.length === 0) return undefined;
  return { notifier: createSmsNotifier(settings, context), maxAlerts: 0 };
};
