/**
 * `email_configs`: one message over SMTP (nodemailer) with an HTML and a text body. Keys and
 * defaults are Alertmanager's, including the `global.smtp_*` fallbacks and `require_tls: true`
 * (STARTTLS required; set false for a local relay without TLS). SMTP answers map like HTTP ones:
 * 4xx replies are transient (retried), 5xx permanent (not retried), 535 is an auth failure.
 * The Message-ID derives from the idempotency key, so a retried message is recognisable.
 */
import { createHash } from 'node:crypto';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Mapping } from '../../core/alerting/config-reader.js';
import type { DeliveryResult, Notification, Notifier } from '../../core/alerting/notification.js';
import type { ChannelFactory } from './channel.js';
import { resolveSecret, SecretFileError, type NotifierContext } from './http-delivery.js';
import { globalSecret, globalString, type IntegrationConfigReader, type SecretValue } from './integration-config.js';
import { readTlsConfig, tlsConnectOptions, type TlsConnectOptions, type TlsSettings } from './tls-config.js';
import { describeAlert, firstAckUrl, firstRunbookUrl, humanTime, notificationText, notificationTitle } from './notification-text.js';
import { fieldName, renderOrDefault } from './template-rendering.js';
import { lazyModule } from '../lazy-module.js';

/** nodemailer is loaded at the first email, not at start-up (most installations send none). */
const loadNodemailer = lazyModule(async () => (await import('nodemailer')).default);

export interface EmailSettings {
  to: string;
  from: string;
  host: string;
  port: number;
  hello: string;
  username: string;
  password?: SecretValue;
  requireTls: boolean;
  /** TLS from the first byte (SMTPS); default: when the port is 465. */
  forceImplicitTls?: boolean;
  tls?: TlsSettings;
  sendResolved: boolean;
  /** Templates ('' = default). */
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function link(url: string, text: string): string {
  return `<a href="${escapeHtml(url)}" style="display:inline-block;margin-right:12px">${escapeHtml(text)}</a>`;
}

function alertHtml(alert: Notification['alerts'][number]): string {
  const described = describeAlert(alert);
  const color = described.status === 'firing' ? '#b3261e' : '#1e7b34';
  const rows = [
    ['Where', described.where || '-'],
    ['Since', described.since],
    ...(alert.status === 'resolved' && alert.endsAtMs !== null ? [['Resolved', humanTime(alert.endsAtMs)]] : []),
    ...(described.severity === '' ? [] : [['Severity', described.severity]]),
  ];
  const links = [
    ...(described.runbookUrl === '' ? [] : [link(described.runbookUrl, 'Runbook')]),
    ...(described.ackUrl !== null && alert.status === 'firing' ? [link(described.ackUrl, 'Acknowledge')] : []),
    ...(described.generatorUrl === '' ? [] : [link(described.generatorUrl, 'Source')]),
  ];
  return [
    `<div style="border-left:4px solid ${color};padding:8px 12px;margin:12px 0">`,
    `<div><strong style="color:${color}">${described.status.toUpperCase()}</strong> <strong>${escapeHtml(described.name)}</strong>${described.summary === '' ? '' : ` - ${escapeHtml(described.summary)}`}</div>`,
    described.description === '' ? '' : `<p style="margin:6px 0">${escapeHtml(described.description)}</p>`,
    `<table style="border-collapse:collapse">${rows.map(([name, value]) => `<tr><td style="padding:2px 12px 2px 0;color:#555">${name ?? ''}</td><td>${escapeHtml(value ?? '')}</td></tr>`).join('')}</table>`,
    links.length === 0 ? '' : `<p style="margin:6px 0">${links.join('')}</p>`,
    '</div>',
  ].join('');
}

/** The default HTML body: title, one block per alert, and the group's links. */
export function defaultEmailHtml(notification: Notification): string {
  const footer = [
    ...(firstAckUrl(notification) === '' ? [] : [link(firstAckUrl(notification), 'Acknowledge all')]),
    ...(firstRunbookUrl(notification) === '' ? [] : [link(firstRunbookUrl(notification), 'Runbook')]),
    ...(notification.dashboardUrl === '' ? [] : [link(notification.dashboardUrl, 'Open in sre-monitor')]),
  ];
  const more = notification.truncatedAlerts > 0 ? `<p>...and ${notification.truncatedAlerts} more alert(s) not shown.</p>` : '';
  return [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 8px">${escapeHtml(notificationTitle(notification))}</h2>`,
    ...notification.alerts.map(alertHtml),
    more,
    footer.length === 0 ? '' : `<p>${footer.join('')}</p>`,
    '</body></html>',
  ].join('\n');
}

/** SMTP failures to DeliveryResult: 4xx transient, 5xx permanent, 535/EAUTH auth, STARTTLS failures config, socket problems network/timeout. */
export function smtpFailure(error: unknown): DeliveryResult {
  const details = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof details.code === 'string' ? details.code : '';
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const message = `SMTP: ${typeof details.message === 'string' ? details.message : String(error)}`;
  if (code === 'ETLS' || /STARTTLS/.test(message)) {
    return { ok: false, retryable: false, reason: 'config', message: `${message} (require_tls is true, Alertmanager's default, and STARTTLS failed: set require_tls: false for a relay without TLS)` };
  }
  if (code === 'EAUTH' || responseCode === 535 || responseCode === 530) return { ok: false, retryable: false, reason: 'auth', message, ...(responseCode === undefined ? {} : { status: responseCode }) };
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) return { ok: false, retryable: true, reason: 'server', message, status: responseCode };
  if (responseCode !== undefined && responseCode >= 500) return { ok: false, retryable: false, reason: 'client', message, status: responseCode };
  if (code === 'ETIMEDOUT') return { ok: false, retryable: true, reason: 'timeout', message };
  // Retried: a server whose certificate is being renewed may present a good one next time.
  if (/certificate|CERT_|unable to verify/i.test(message)) return { ok: false, retryable: true, reason: 'network', message: `${message} (the server's certificate is not trusted: set tls_config.ca_file to its CA, or tls_config.insecure_skip_verify)` };
  return { ok: false, retryable: true, reason: 'network', message };
}

function emailMessage(notification: Notification, settings: EmailSettings, context: Pick<NotifierContext, 'onTemplateError'>): SendMailOptions {
  const render = (source: string, fallback: string, field: string): string => renderOrDefault(source, notification, fallback, context, fieldName(notification, field));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.headers)) {
    if (!['subject', 'to', 'from'].includes(name.toLowerCase())) headers[name] = render(value, value, `headers.${name}`);
  }
  const subjectHeader = Object.entries(settings.headers).find(([name]) => name.toLowerCase() === 'subject')?.[1] ?? settings.subject;
  return {
    from: settings.from,
    to: settings.to,
    subject: render(subjectHeader, notificationTitle(notification), 'headers.Subject').replace(/[\r\n]+/g, ' '),
    html: render(settings.html, defaultEmailHtml(notification), 'html'),
    text: render(settings.text, notificationText(notification), 'text'),
    messageId: `<${createHash('sha256').update(notification.idempotencyKey).digest('hex').slice(0, 32)}@sre-monitor>`,
    headers: { ...headers, 'X-SRE-Monitor-Idempotency-Key': notification.idempotencyKey },
  };
}

async function sendWithAbort(transport: Transporter<SMTPTransport.SentMessageInfo>, message: SendMailOptions, signal: AbortSignal): Promise<DeliveryResult> {
  if (signal.aborted) return { ok: false, retryable: true, reason: 'timeout', message: 'SMTP: aborted before sending (delivery timeout)' };
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<DeliveryResult>((resolve) => {
    onAbort = () => {
      transport.close();
      resolve({ ok: false, retryable: true, reason: 'timeout', message: 'SMTP: aborted (delivery timeout)' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const sent = transport.sendMail(message).then(
    (): DeliveryResult => ({ ok: true }),
    (error: unknown) => smtpFailure(error),
  );
  try {
    return await Promise.race([sent, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function createEmailNotifier(settings: EmailSettings, context: NotifierContext): Notifier {
  return {
    key: 'email_configs',
    sendResolved: settings.sendResolved,
    async send(notification, { signal }) {
      let password = '';
      let tls: TlsConnectOptions | undefined;
      try {
        if (settings.password !== undefined) password = await resolveSecret(settings.password, context);
        if (settings.tls !== undefined) tls = await tlsConnectOptions(settings.tls, (secret) => resolveSecret(secret, context));
      } catch (error) {
        return { ok: false, retryable: false, reason: 'config', message: error instanceof SecretFileError ? error.message : String(error) };
      }
      const implicitTls = settings.forceImplicitTls ?? settings.port === 465;
      const nodemailer = await loadNodemailer();
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: implicitTls,
        requireTLS: settings.requireTls,
        ignoreTLS: !settings.requireTls && !implicitTls,
        ...(tls === undefined ? {} : { tls }),
        name: settings.hello,
        connectionTimeout: context.timeoutMs,
        greetingTimeout: context.timeoutMs,
        socketTimeout: context.timeoutMs,
        ...(settings.username === '' ? {} : { auth: { user: settings.username, pass: password } }),
      });
      try {
        return await sendWithAbort(transport, emailMessage(notification, settings, context), signal);
      } finally {
        transport.close();
      }
    },
  };
}

function readSmarthost(reader: IntegrationConfigReader, global: Mapping): { host: string; port: number } | undefined {
  const text = reader.string('smarthost') || globalString(global, 'smtp_smarthost');
  const path = reader.at('smarthost');
  if (text === '') return reader.problems.add(path, 'missing smarthost (host:port), here or as global.smtp_smarthost');
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || port < 1 || port > 65535) return reader.problems.add(path, `must be host:port, got ${JSON.stringify(text)}`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export const buildEmailIntegration: ChannelFactory = (reader, global, context) => {
  reader.checkKeys(
    ['to', 'from', 'smarthost', 'hello', 'auth_username', 'auth_password', 'auth_password_file', 'require_tls', 'tls_config', 'force_implicit_tls', 'html', 'text', 'headers', 'send_resolved'],
    ['auth_identity', 'auth_secret', 'auth_secret_file', 'threading'],
  );
  if (reader.has('auth_secret') || reader.has('auth_secret_file')) reader.problems.add(reader.at('auth_secret'), 'CRAM-MD5 (auth_secret) is not supported by sre-monitor yet: use auth_username and auth_password');
  const tls = readTlsConfig(reader);
  const to = reader.string('to');
  if (to === '') reader.problems.add(reader.path, 'missing to address');
  const from = reader.string('from') || globalString(global, 'smtp_from');
  if (from === '') reader.problems.add(reader.path, 'missing from address (here or as global.smtp_from)');
  const smarthost = readSmarthost(reader, global);
  const globalPassword = globalSecret(global, 'smtp_auth_password');
  const password = reader.secret('auth_password', { required: false, ...(globalPassword ? { fallback: globalPassword } : {}) });
  const globalRequireTls = global.smtp_require_tls;
  const settings: EmailSettings = {
    to,
    from,
    host: smarthost?.host ?? '',
    port: smarthost?.port ?? 0,
    hello: reader.string('hello') || globalString(global, 'smtp_hello') || 'localhost',
    username: reader.string('auth_username') || globalString(global, 'smtp_auth_username'),
    requireTls: reader.boolean('require_tls', globalRequireTls === false || globalRequireTls === 'false' ? false : true),
    ...(reader.has('force_implicit_tls') ? { forceImplicitTls: reader.boolean('force_implicit_tls', false) } : {}),
    ...(tls ? { tls } : {}),
    sendResolved: reader.boolean('send_resolved', false),
    subject: '',
    html: reader.string('html'),
    text: reader.string('text'),
    headers: reader.stringMap('headers'),
    ...(password ? { password } : {}),
  };
  if (to === '' || from === '' || smarthost === undefined) return undefined;
  return { notifier: createEmailNotifier(settings, context), maxAlerts: 0 };
};
