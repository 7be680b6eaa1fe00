import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { startSmtpCapture, type SmtpCapture } from '../../../test/support/smtp-capture.js';
import { baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';

describe('email_configs over a real SMTP server', () => {
  let smtp: SmtpCapture;
  beforeEach(async () => {
    smtp = await startSmtpCapture({ auth: { username: 'alerts', password: 'mail-pw' } });
  });
  afterEach(() => smtp.close());

  const entry = () => ({ to: 'oncall@example.com, lead@example.com', from: 'sre-monitor@example.com', smarthost: smtp.smarthost, auth_username: 'alerts', auth_password: 'mail-pw', require_tls: false });

  it('sends one message with subject, HTML and text bodies, links and a stable Message-ID', async () => {
    const built = buildOne('email_configs', entry());
    expect(built.integration.sendResolved).toBe(false);
    expect(await send(built)).toEqual({ ok: true });
    expect(smtp.messages).toHaveLength(1);
    const captured = smtp.messages[0];
    expect(captured?.user).toBe('alerts');
    expect(captured?.envelopeFrom).toBe('sre-monitor@example.com');
    expect(captured?.envelopeTo).toEqual(['oncall@example.com', 'lead@example.com']);
    const mail = captured?.mail;
    expect(mail?.subject).toBe('[FIRING:1] HighLatency (api-1:9100 checkout critical)');
    expect(mail?.text).toContain('FIRING: HighLatency - p99 latency above 500 ms');
    expect(mail?.text).toContain('Where: service=checkout instance=api-1:9100');
    expect(mail?.text).toContain('Acknowledge: https://sre.example.com/ack/abc.def');
    expect(mail?.text).toContain('Dashboard: https://sre.example.com/alerts?group=abc');
    expect(mail?.html).toContain('href="https://runbooks.example.com/high-latency"');
    expect(mail?.html).toContain('href="https://sre.example.com/ack/abc.def"');
    expect(mail?.headers.get('x-sre-monitor-idempotency-key')).toBe('ntf-0001-a');
    expect(mail?.messageId).toMatch(/^<[0-9a-f]{32}@sre-monitor>$/);
  });

  it('sends the same Message-ID when the notification is retried', async () => {
    const built = buildOne('email_configs', entry());
    await send(built);
    await send(built);
    expect(smtp.messages[0]?.mail.messageId).toBe(smtp.messages[1]?.mail.messageId);
  });

  it('escapes alert text in the HTML body', async () => {
    const built = buildOne('email_configs', entry());
    await send(built, baseNotification({ commonAnnotations: {}, alerts: [{ ...baseNotification().alerts[0]!, annotations: { summary: '<script>alert(1)</script>' } }] }));
    expect(smtp.messages[0]?.mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(smtp.messages[0]?.mail.html).not.toContain('<script>');
  });

  it('sends resolved notifications and honours Subject and custom headers', async () => {
    const built = buildOne('email_configs', { ...entry(), send_resolved: true, headers: { Subject: 'Checkout: {{ .Status }}', 'X-Team': '{{ .CommonLabels.service }}' } });
    await send(built, resolvedNotification());
    expect(smtp.messages[0]?.mail.subject).toBe('Checkout: resolved');
    expect(smtp.messages[0]?.mail.headers.get('x-team')).toBe('checkout');
    expect(smtp.messages[0]?.mail.text).toContain('RESOLVED: HighLatency');
  });

  it.each([
    [450, 'Mailbox busy, try later', { ok: false, retryable: true, reason: 'server', status: 450 }],
    [550, 'No such user', { ok: false, retryable: false, reason: 'client', status: 550 }],
  ])('maps SMTP %i to %o', async (code, message, expected) => {
    smtp.refuseNextRecipient(code, message);
    const built = buildOne('email_configs', { ...entry(), to: 'oncall@example.com' });
    const result = await send(built);
    expect(result).toMatchObject(expected);
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('counts a message accepted for some recipients as delivered', async () => {
    smtp.refuseNextRecipient(550, 'No such user');
    expect(await send(buildOne('email_configs', entry()))).toEqual({ ok: true });
    expect(smtp.messages[0]?.envelopeTo).toEqual(['lead@example.com']);
  });

  it('reports wrong credentials as a non-retryable auth failure', async () => {
    const built = buildOne('email_configs', { ...entry(), auth_password: 'wrong' });
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'auth' });
    expect(smtp.messages).toEqual([]);
  });

  it('fails as a config problem when require_tls is left at its default and the server offers no STARTTLS', async () => {
    const { require_tls: _unused, ...withoutTls } = entry();
    const result = await send(buildOne('email_configs', withoutTls));
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('require_tls') as unknown });
    expect(smtp.messages).toEqual([]);
  });

  it('uses global.smtp_* settings when the entry leaves them out', async () => {
    const global = { smtp_from: 'global@example.com', smtp_smarthost: smtp.smarthost, smtp_auth_username: 'alerts', smtp_auth_password: 'mail-pw', smtp_require_tls: false };
    const built = buildOne('email_configs', { to: 'oncall@example.com' }, { global });
    expect(await send(built)).toEqual({ ok: true });
    expect(smtp.messages[0]?.envelopeFrom).toBe('global@example.com');
  });

  it('reports an aborted delivery as a retryable timeout', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await send(buildOne('email_configs', entry()), baseNotification(), controller.signal)).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
  });

  it('reports a server that never greets as a retryable timeout after timeoutMs', async () => {
    const servers = createLocalServers();
    try {
      const silent = await servers.listen(createServer(() => undefined));
      const result = await send(buildOne('email_configs', { ...entry(), smarthost: silent }, { timeoutMs: 200 }));
      expect(result).toMatchObject({ ok: false, retryable: true, reason: 'timeout' });
    } finally {
      await servers.closeAll();
    }
  });

  it('reports a refused connection as a retryable network failure', async () => {
    const port = await closedPort(createServer);
    expect(await send(buildOne('email_configs', { ...entry(), smarthost: `127.0.0.1:${port}` }))).toMatchObject({ ok: false, retryable: true, reason: 'network' });
  });
});
