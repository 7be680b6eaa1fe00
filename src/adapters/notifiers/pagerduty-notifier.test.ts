import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalServers } from '../../../test/support/local-servers.js';
import { startNotificationReceiver } from '../../../test/support/notification-receivers.js';
import { registerHttpNotifierCases } from './http-notifier-cases.contract.js';
import { baseNotification, buildOne, resolvedNotification, send } from './notifier-builders.contract.js';
import { defaultPagerDutyV1Url, pagerDutySeverity } from './pagerduty-notifier.js';

const routingKey = 'R0UT1NGKEY0123456789abcdefABCDEF';

registerHttpNotifierCases({ key: 'pagerduty_configs', channel: 'pagerduty', entry: (url) => ({ routing_key: routingKey, url }) });

describe('pagerduty_configs events', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('triggers, acknowledges and resolves one incident per group with the same dedup_key', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty');
    const built = buildOne('pagerduty_configs', { routing_key: routingKey, url: receiver.url });
    expect(built.integration.sendResolved).toBe(true);
    expect(await send(built)).toEqual({ ok: true, status: 202 });
    expect(await send(built, baseNotification({ acknowledged: true, idempotencyKey: 'ntf-0002' }))).toMatchObject({ ok: true });
    expect(await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003' }))).toMatchObject({ ok: true });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const events = receiver.requests.map((request) => request.parsed as Record<string, unknown>);
    expect(events.map((event) => event.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    const dedupKey = createHash('sha256').update(baseNotification().groupKey).digest('hex');
    expect(events.map((event) => event.dedup_key)).toEqual([dedupKey, dedupKey, dedupKey]);
    expect(events[1]).toEqual({ routing_key: routingKey, event_action: 'acknowledge', dedup_key: dedupKey });
  });

  it('fills the trigger payload: summary, source, severity, details and links', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty');
    const built = buildOne('pagerduty_configs', { routing_key: routingKey, url: receiver.url, details: { team: '{{ .CommonLabels.service }}' } });
    await send(built);
    expect(receiver.requests[0]?.parsed).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      client: 'sre-monitor',
      client_url: 'https://sre.example.com/alerts?group=abc',
      payload: {
        summary: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
        source: 'service=checkout instance=api-1:9100',
        severity: 'critical',
        timestamp: '2026-01-01T10:00:00Z',
        custom_details: { num_firing: '1', num_resolved: '0', team: 'checkout' },
      },
      links: [
        { href: 'https://runbooks.example.com/high-latency', text: 'Runbook' },
        { href: 'https://sre.example.com/ack/abc.def', text: 'Acknowledge in sre-monitor' },
        { href: 'https://sre.example.com/alerts?group=abc', text: 'sre-monitor dashboard' },
      ],
    });
  });

  it('uses the configured severity template and maps it to one of the four PagerDuty severities', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty');
    const built = buildOne('pagerduty_configs', { routing_key: routingKey, url: receiver.url, severity: '{{ if eq .Status "firing" }}P3{{ end }}' });
    await send(built);
    expect(receiver.requests[0]?.parsed).toMatchObject({ payload: { severity: 'warning' } });
  });

  it.each([
    ['critical', 'critical'],
    ['P1', 'critical'],
    ['high', 'error'],
    ['Warning', 'warning'],
    ['P4', 'info'],
    ['', 'error'],
    ['whatever', 'error'],
  ])('severity %j -> %s', (given, expected) => {
    expect(pagerDutySeverity(given)).toBe(expected);
  });

  it('posts to global.pagerduty_url when the entry has no url', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty');
    const built = buildOne('pagerduty_configs', { routing_key: routingKey }, { global: { pagerduty_url: receiver.url } });
    expect(await send(built)).toMatchObject({ ok: true });
  });
});

describe('pagerduty_configs with service_key: Events API v1', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const serviceKey = 'S3RV1CEKEY0123456789abcdefABCDEF';

  it('triggers, acknowledges and resolves one incident per group with the same incident_key', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty-v1');
    const built = buildOne('pagerduty_configs', { service_key: serviceKey, url: receiver.url, details: { team: '{{ .CommonLabels.service }}' } });
    expect(await send(built)).toEqual({ ok: true, status: 200 });
    expect(await send(built, baseNotification({ acknowledged: true, idempotencyKey: 'ntf-0002' }))).toMatchObject({ ok: true });
    expect(await send(built, resolvedNotification({ idempotencyKey: 'ntf-0003' }))).toMatchObject({ ok: true });
    expect(receiver.requests.map((request) => request.problems)).toEqual([[], [], []]);
    const events = receiver.requests.map((request) => request.parsed as Record<string, unknown>);
    const incidentKey = createHash('sha256').update(baseNotification().groupKey).digest('hex');
    expect(events.map((event) => [event.event_type, event.incident_key])).toEqual([['trigger', incidentKey], ['acknowledge', incidentKey], ['resolve', incidentKey]]);
    expect(events[0]).toMatchObject({
      service_key: serviceKey,
      description: '[FIRING:1] HighLatency (api-1:9100 checkout critical)',
      client: 'sre-monitor',
      client_url: 'https://sre.example.com/alerts?group=abc',
      details: { num_firing: '1', num_resolved: '0', team: 'checkout' },
    });
    expect(events[2]).not.toHaveProperty('client');
    expect(receiver.requests[0]?.headers['idempotency-key']).toBe(baseNotification().idempotencyKey);
  });

  it("posts to PagerDuty's v1 endpoint, not to global.pagerduty_url (v2's), when the entry has no url; the key may come from a file", async () => {
    const urls: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      expect(JSON.parse(typeof init?.body === 'string' ? init.body : '')).toMatchObject({ service_key: serviceKey, event_type: 'trigger' });
      return Promise.resolve(new Response('{"status":"success"}', { status: 200 }));
    };
    const built = buildOne('pagerduty_configs', { service_key_file: '/run/secrets/pd' }, {
      global: { pagerduty_url: 'http://127.0.0.1:9/v2/enqueue' },
      fetch: recordingFetch,
      readSecretFile: (path) => Promise.resolve(path === '/run/secrets/pd' ? serviceKey : ''),
    });
    expect(await send(built)).toMatchObject({ ok: true, status: 200 });
    expect(urls).toEqual([defaultPagerDutyV1Url]);
    expect(defaultPagerDutyV1Url).toBe('https://events.pagerduty.com/generic/2010-04-15/create_event.json');
  });

  it('retries a 403 (v1 throttles with 403) and dead-letters a 400', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty-v1');
    receiver.reply({ status: 403, body: '{"status":"throttle exceeded"}' }, { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["Service key is the wrong length (should be 32 characters)"]}' });
    const built = buildOne('pagerduty_configs', { service_key: serviceKey, url: receiver.url });
    expect(await send(built)).toMatchObject({ ok: false, retryable: true, reason: 'rate_limited', status: 403 });
    expect(await send(built)).toMatchObject({ ok: false, retryable: false, reason: 'client', status: 400 });
    expect(await send(built)).toMatchObject({ ok: true, status: 200 });
  });

  it('uses the service key when both keys are set, as Alertmanager does', async () => {
    const receiver = await startNotificationReceiver(servers, 'pagerduty-v1');
    const built = buildOne('pagerduty_configs', { service_key: serviceKey, routing_key: routingKey, url: receiver.url });
    await send(built);
    expect(receiver.requests[0]?.problems).toEqual([]);
    expect(receiver.requests[0]?.parsed).toMatchObject({ service_key: serviceKey, event_type: 'trigger' });
  });
});
