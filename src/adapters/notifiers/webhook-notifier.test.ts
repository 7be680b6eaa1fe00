import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseAlert, baseNotification, buildOne, resolvedNotification, send, startMs } from './notifier-builders.contract.js';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

registerHttpNotifierCases({ key: 'webhook_configs', channel: 'webhook', entry: (url) => ({ url }) });
registerHttpNotifierCases({
  key: 'webhook_configs',
  channel: 'webhook',
  entry: (url) => ({ url, signing_secret: 'whsec-test' }),
  receiverOptions: { signingSecret: 'whsec-test' },
});

describe('webhook_configs payloads', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('sends Alertmanager webhook JSON (version 4) with a zero endsAt while firing', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    const built = buildOne('webhook_configs', { url: receiver.url });
    expect(await send(built)).toEqual({ ok: true, status: 200 });
    expect(receiver.requests[0]?.parsed).toEqual({
      receiver: 'team-checkout',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: baseAlert().labels,
          annotations: baseAlert().annotations,
          startsAt: '2026-01-01T10:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.example.com/graph?g0.expr=up',
          fingerprint: '0123456789abcdef',
        },
      ],
      groupLabels: { alertname: 'HighLatency' },
      commonLabels: baseNotification().commonLabels,
      commonAnnotations: { summary: 'p99 latency above 500 ms' },
      externalURL: 'https://sre.example.com',
      version: '4',
      groupKey: '{}/{severity="critical"}:{alertname="HighLatency"}',
      truncatedAlerts: 0,
    });
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
    expect(receiver.requests[0]?.headers['x-sre-monitor-signature']).toBeUndefined();
  });

  it('sends resolved notifications with endsAt set (send_resolved defaults to true)', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    const built = buildOne('webhook_configs', { url: receiver.url });
    expect(built.integration.sendResolved).toBe(true);
    expect(await send(built, resolvedNotification())).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.parsed).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', endsAt: '2026-01-01T10:15:00Z' }] });
  });

  it('keeps at most max_alerts alerts and counts the rest in truncatedAlerts', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    const built = buildOne('webhook_configs', { url: receiver.url, max_alerts: 2 });
    expect(built.integration.maxAlerts).toBe(2);
    const alerts = ['a', 'b', 'c'].map((name, index) => baseAlert({ fingerprint: `000000000000000${index}`, labels: { alertname: name } }));
    await send(built, baseNotification({ alerts, truncatedAlerts: 1 }));
    expect(receiver.requests[0]?.parsed).toMatchObject({ truncatedAlerts: 2 });
    expect((receiver.requests[0]?.parsed as { alerts: unknown[] }).alerts).toHaveLength(2);
  });

  it('signs timestamp + "." + body with HMAC-SHA256 when signing_secret is set', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook', { signingSecret: 'whsec-test' });
    const built = buildOne('webhook_configs', { url: receiver.url, signing_secret: 'whsec-test' });
    receiver.reply();
    await send(built);
    const request = receiver.requests[0];
    const timestamp = String(request?.headers['x-sre-monitor-timestamp']);
    expect(timestamp).toBe(String((startMs + 60_000) / 1000));
    expect(request?.headers['x-sre-monitor-signature']).toBe(signWebhookBody('whsec-test', Number(timestamp), request?.body ?? ''));
    expect(request?.problems).toEqual([]);
  });

  it('a receiver with another secret rejects the request, and the failure is not retried', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook', { signingSecret: 'the-real-secret' });
    const built = buildOne('webhook_configs', { url: receiver.url, signing_secret: 'a-wrong-secret' });
    const result = await send(built);
    expect(receiver.requests[0]?.problems).toEqual(['bad X-SRE-Monitor-Signature']);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 400 });
  });

  it('sends sre-monitor JSON with ack and dashboard links when payload: sre-monitor', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    const built = buildOne('webhook_configs', { url: receiver.url, payload: 'sre-monitor' });
    await send(built, baseNotification({ acknowledged: true }));
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.parsed).toMatchObject({
      version: 'sre-monitor/1',
      idempotencyKey: 'ntf-0001-a',
      acknowledged: true,
      dashboardUrl: 'https://sre.example.com/alerts?group=abc',
      title: '[FIRING:1] [ACKED] HighLatency (api-1:9100 checkout critical)',
      alerts: [{ ackUrl: 'https://sre.example.com/ack/abc.def', endsAt: null, startsAt: '2026-01-01T10:00:00Z' }],
    });
  });

  it('sends bearer and basic credentials from http_config', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    await send(buildOne('webhook_configs', { url: receiver.url, http_config: { bearer_token: 'tok-1' } }));
    await send(buildOne('webhook_configs', { url: receiver.url, http_config: { basic_auth: { username: 'am', password: 'pw' } } }));
    expect(receiver.requests.map((request) => request.headers.authorization)).toEqual(['Bearer tok-1', `Basic ${Buffer.from('am:pw').toString('base64')}`]);
  });

  it('sends credentials in the URL as basic auth, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook');
    const url = receiver.url.replace('http://', 'http://am%40x:p%3Aw@');
    expect(await send(buildOne('webhook_configs', { url }))).toMatchObject({ ok: true });
    expect(receiver.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('am@x:p:w').toString('base64')}`);
  });

  it('reads url_file and signing_secret_file when sending', async () => {
    const receiver = await startNotificationReceiver(servers, 'webhook', { signingSecret: 'from-file' });
    const files: Record<string, string> = { '/run/secrets/url': receiver.url, '/run/secrets/sign': 'from-file' };
    const readSecretFile = (path: string) => (files[path] === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(files[path]));
    const built = buildOne('webhook_configs', { url_file: '/run/secrets/url', signing_secret_file: '/run/secrets/sign' }, { readSecretFile });
    expect(await send(built)).toMatchObject({ ok: true });
    const missing = buildOne('webhook_configs', { url_file: '/run/secrets/missing' }, { readSecretFile });
    expect(await send(missing)).toMatchObject({ ok: false, retryable: false, reason: 'config', message: expect.stringContaining('/run/secrets/missing') as unknown });
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"status":"firing"}';
  const nowMs = Date.UTC(2026, 0, 1, 12);
  const timestamp = String(nowMs / 1000);
  const header = signWebhookBody('s3cret', Number(timestamp), body);

  it.each([
    ['the signature sre-monitor sent', 's3cret', timestamp, body, header, nowMs, true],
    ['a Buffer body', 's3cret', timestamp, Buffer.from(body), header, nowMs, true],
    ['one of several signatures (secret rotation)', 's3cret', timestamp, body, `sha256=${'0'.repeat(64)}, ${header}`, nowMs, true],
    ['a changed body', 's3cret', timestamp, `${body} `, header, nowMs, false],
    ['another secret', 'other', timestamp, body, header, nowMs, false],
    ['a changed timestamp', 's3cret', String(Number(timestamp) + 1), body, header, nowMs, false],
    ['a timestamp older than the tolerance', 's3cret', timestamp, body, header, nowMs + 5 * 60_000 + 1000, false],
    ['a malformed header', 's3cret', timestamp, body, 'sha256=zz', nowMs, false],
    ['a non-numeric timestamp', 's3cret', 'abc', body, header, nowMs, false],
  ])('%s -> %s', (_name, secret, ts, payload, signature, now, expected) => {
    expect(verifyWebhookSignature(secret, ts, payload, signature, now)).toBe(expected);
  });
});
