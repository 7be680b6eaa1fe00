/**
 * The alerting pipeline through the real HTTP API on both stores: alerts posted as Prometheus
 * posts them, routed to a real local webhook receiver that checks Alertmanager's payload and the
 * signature, silences, acknowledgement, signed ack links, the outbox and the dead-letter list,
 * and bad input answered with the field named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receivers.js';
import { until } from '../support/until.js';
import { storeKinds, startTestApp, type TestApp } from '../support/test-app.js';

const secret = 'test-signing-secret-0123456789';
const ackSecret = 'ack-secret-0123456789-0123456789-0123456789';

function config(hookUrl: string, badUrl: string): string {
  return `
alerting:
  external_url: http://sre.test
  ack_links: { secret: "${ackSecret}" }
  notifications: { initial_backoff: 100ms, max_backoff: 200ms, breaker_failures: 100 }
  route:
    receiver: hook
    group_by: [alertname, service]
    group_wait: 0s
    group_interval: 1s
    repeat_interval: 1h
    routes:
      - matchers: ['team="broken"']
        receiver: broken
  receivers:
    - name: hook
      webhook_configs: [{ url: "${hookUrl}", signing_secret: "${secret}" }]
    - name: broken
      webhook_configs: [{ url: "${badUrl}" }]
`;
}

interface AlertJson {
  fingerprint: string;
  state: string;
  labels: Record<string, string>;
  receivers: string[];
  silenced_by: string[];
  acknowledged_by: string | null;
}

describe.each(storeKinds)('alerting through the API (%s store)', (kind) => {
  let servers: LocalServers;
  let hook: NotificationReceiver;
  let broken: NotificationReceiver;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    hook = await startNotificationReceiver(servers, 'webhook', { signingSecret: secret });
    broken = await startNotificationReceiver(servers, 'webhook');
    t = await startTestApp(kind, { yaml: config(hook.url, broken.url) });
  });
  afterAll(async () => {
    await t.close();
    await servers.closeAll();
  });

  it('routes a posted alert to the webhook with Alertmanager\'s payload, signed, with an idempotency key', async () => {
    const posted = await t.request('/api/v2/alerts', {
      method: 'POST',
      token: t.tokens.responder,
      json: [{ labels: { alertname: 'HighErrorRate', service: 'api', severity: 'P2' }, annotations: { summary: 'errors above 5%' }, generatorURL: 'http://prometheus/graph' }],
    });
    expect(posted.status).toBe(200);
    await hook.waitForRequests(1);
    const request = hook.requests[0];
    expect(request?.problems).toEqual([]);
    expect(request?.headers['idempotency-key']).toMatch(/.+/);
    const body = request?.parsed as { version: string; status: string; receiver: string; groupLabels: Record<string, string>; alerts: Array<{ labels: Record<string, string>; status: string }> };
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'hook', groupLabels: { alertname: 'HighErrorRate', service: 'api' } });
    expect(body.alerts.map((alert) => [alert.labels.alertname, alert.status])).toEqual([['HighErrorRate', 'firing']]);

    const list = (await (await t.request('/api/v1/alerts?filter={service="api"}')).json()) as { items: AlertJson[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ state: 'firing', receivers: ['hook'], acknowledged_by: null });
    const v2 = (await (await t.request('/api/v2/alerts')).json()) as Array<{ fingerprint: string; status: { state: string } }>;
    expect(v2.map((alert) => alert.status.state)).toEqual(['active']);
  });

  it('lists aggregation groups in both shapes, with Alertmanager\'s filters', async () => {
    await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [{ labels: { alertname: 'HighErrorRate', service: 'api', severity: 'P2', instance: 'b' } }] });
    const groups = await until(async () => {
      const body = (await (await t.request('/api/v1/alerts/groups')).json()) as { items: Array<{ receiver: string; labels: Record<string, string>; alerts: AlertJson[] }> };
      return body.items[0]?.alerts.length === 2 ? body.items : undefined;
    });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ receiver: 'hook', labels: { alertname: 'HighErrorRate', service: 'api' } });
    const v2 = (await (await t.request('/api/v2/alerts/groups')).json()) as Array<{ receiver: { name: string }; labels: Record<string, string>; alerts: Array<{ labels: Record<string, string> }> }>;
    expect(v2.map((group) => [group.receiver.name, group.labels, group.alerts.length])).toEqual([['hook', { alertname: 'HighErrorRate', service: 'api' }, 2]]);
    const filtered = (await (await t.request('/api/v2/alerts/groups?filter=instance%3D%22b%22')).json()) as Array<{ alerts: unknown[] }>;
    expect(filtered.map((group) => group.alerts.length)).toEqual([1]);
    expect(await (await t.request('/api/v2/alerts/groups?receiver=broken')).json()).toEqual([]);
    expect(await (await t.request('/api/v2/alerts/groups?active=false')).json()).toEqual([]);
    const badRegex = await t.request('/api/v2/alerts/groups?receiver=(');
    expect(badRegex.status).toBe(400);
    expect(await badRegex.text()).toContain('receiver');
    await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.responder, json: [{ labels: { alertname: 'HighErrorRate', service: 'api', severity: 'P2', instance: 'b' }, endsAt: new Date(Date.now() - 1000).toISOString() }] });
  });

  it('silences by matcher, shows the silence on the alert, and expires it', async () => {
    const created = await t.request('/api/v1/silences', { method: 'POST', token: t.tokens.responder, json: { matchers: '{service="api"}', duration: '1h', comment: 'deploying' } });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; state: string; created_by: string };
    expect(silence).toMatchObject({ state: 'active', created_by: 'test-responder' });
    const alerts = (await (await t.request('/api/v1/alerts?state=suppressed')).json()) as { items: AlertJson[] };
    expect(alerts.items.map((alert) => alert.silenced_by)).toEqual([[silence.id]]);
    const v2 = (await (await t.request('/api/v2/silences')).json()) as Array<{ id: string; status: { state: string } }>;
    expect(v2.map((item) => [item.id, item.status.state])).toEqual([[silence.id, 'active']]);
    const expired = await t.request(`/api/v1/silences/${silence.id}`, { method: 'DELETE', token: t.tokens.responder });
    expect(((await expired.json()) as { state: string }).state).toBe('expired');
  });

  it('acknowledges through a signed link; a forged link is refused and nothing changes', async () => {
    const [alert] = ((await (await t.request('/api/v1/alerts?state=firing')).json()) as { items: AlertJson[] }).items;
    const link = t.app.alerting.alerting.ackLinks?.urlFor({ kind: 'alert', id: alert?.fingerprint ?? '' }, 'acknowledge') ?? '';
    const token = link.split('/api/v1/ack/')[1] ?? '';
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await t.request(`/api/v1/ack/${forged}`, { method: 'POST' })).status).toBe(403);
    expect((await t.request(`/api/v1/ack/not-a-token`, { method: 'POST' })).status).toBe(400);
    const page = await t.request(`/api/v1/ack/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('HighErrorRate');
    const again = (await (await t.request(`/api/v1/alerts/${alert?.fingerprint ?? ''}`)).json()) as AlertJson;
    expect(again.acknowledged_by).toBeNull();
    const acted = await t.request(`/api/v1/ack/${token}`, { method: 'POST' });
    expect(acted.status).toBe(200);
    const after = (await (await t.request(`/api/v1/alerts/${alert?.fingerprint ?? ''}`)).json()) as AlertJson;
    expect(after.acknowledged_by).toBe('ack-link');
  });

  it('dead-letters a notification the receiver refuses with 4xx, and retries it by hand', async () => {
    broken.reply({ status: 400, body: 'bad payload' });
    await t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels: { alertname: 'DiskFull', team: 'broken' } } });
    const dead = await until(async () => {
      const page = (await (await t.request('/api/v1/notifications?status=dead')).json()) as { items: Array<{ id: number; receiver: string; last_reason: string; last_error: string }> };
      return page.items.length > 0 ? page.items : undefined;
    });
    expect(dead[0]).toMatchObject({ receiver: 'broken', last_reason: 'client' });
    expect((await t.request(`/api/v1/notifications/${dead[0]?.id ?? 0}/retry`, { method: 'POST', token: t.tokens.viewer })).status).toBe(403);
    const retried = await t.request(`/api/v1/notifications/${dead[0]?.id ?? 0}/retry`, { method: 'POST', token: t.tokens.responder });
    expect(retried.status).toBe(200);
    await broken.waitForRequests(2);
    const sent = await until(async () => {
      const item = (await (await t.request(`/api/v1/notifications/${dead[0]?.id ?? 0}`)).json()) as { status: string };
      return item.status === 'sent' ? item : undefined;
    });
    expect(sent.status).toBe('sent');
    const detail = (await (await t.request(`/api/v1/notifications/${dead[0]?.id ?? 0}`)).json()) as { notification: { alerts: Array<{ ackUrl: string | null }> } };
    expect(detail.notification.alerts.map((alert) => alert.ackUrl)).toEqual(['<hidden>']);
  });

  it.each([
    ['an alert without labels', '/api/v2/alerts', [{ annotations: { a: 'b' } }], /labels/],
    ['a label value that is not a string', '/api/v2/alerts', [{ labels: { alertname: 'X', n: 5 } }], /labels/],
    ['a manual alert without alertname', '/api/v1/alerts', { labels: { service: 'api' } }, /labels\.alertname/],
    ['a silence with a bad regex', '/api/v1/silences', { matchers: 'service=~"(api"', duration: '1h', comment: 'x' }, /matchers/],
    ['a silence ending before it starts', '/api/v1/silences', { matchers: 'service="api"', starts_at: '2030-01-01T00:00:00Z', ends_at: '2029-01-01T00:00:00Z', comment: 'x' }, /ends/],
  ])('answers %s with 400 naming the field', async (_name, pathname, body, field) => {
    const before = ((await (await t.request('/api/v1/alerts')).json()) as { items: unknown[] }).items.length;
    const response = await t.request(pathname, { method: 'POST', token: t.tokens.responder, json: body });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors?: Array<{ field: string }>; detail: string };
    expect(JSON.stringify(problem.errors ?? problem.detail)).toMatch(field);
    expect(((await (await t.request('/api/v1/alerts')).json()) as { items: unknown[] }).items).toHaveLength(before);
  });

  it('exports alert and notification metrics', async () => {
    const text = await (await t.request('/metrics')).text();
    expect(text).toMatch(/^sre_monitor_alerts\{state="firing"\} [1-9]/m);
    expect(text).toMatch(/^sre_monitor_notifications\{outcome="sent",reason=""\} [1-9]/m);
    expect(text).toMatch(/^sre_monitor_notifications\{outcome="dead",reason=""\} 0/m);
    expect(text).toMatch(/^sre_monitor_alerts_suppressed\{reason="silenced"\} \d+$/m);
  });

  it('needs a responder token to post alerts', async () => {
    expect((await t.request('/api/v2/alerts', { method: 'POST', json: [{ labels: { alertname: 'X' } }] })).status).toBe(401);
    expect((await t.request('/api/v2/alerts', { method: 'POST', token: t.tokens.viewer, json: [{ labels: { alertname: 'X' } }] })).status).toBe(403);
  });
});

describe('a receiver that keeps failing (sqlite store)', () => {
  let servers: LocalServers;
  let failing: NotificationReceiver;
  let fallback: NotificationReceiver;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    failing = await startNotificationReceiver(servers, 'webhook');
    fallback = await startNotificationReceiver(servers, 'webhook');
    failing.reply(...Array.from({ length: 50 }, () => ({ status: 503 })));
    t = await startTestApp('sqlite', {
      yaml: `
alerting:
  notifications: { initial_backoff: 50ms, max_backoff: 100ms, breaker_failures: 3, breaker_open_for: 1h, fallback_receiver: ops-fallback }
  route:
    receiver: team
    group_wait: 0s
    group_interval: 1s
    routes:
      - matchers: ['alertname="ReceiverFailing"']
        receiver: ops-fallback
  receivers:
    - name: team
      webhook_configs: [{ url: "${failing.url}" }]
    - name: ops-fallback
      webhook_configs: [{ url: "${fallback.url}" }]
`,
    });
  });
  afterAll(async () => {
    await t.close();
    await servers.closeAll();
  });

  it('raises ReceiverFailing once its breaker opens and tells the fallback receiver; the notification stays pending', async () => {
    await t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels: { alertname: 'QueueBacklog', service: 'worker' } } });
    const meta = await until(async () => {
      const page = (await (await t.request('/api/v1/alerts?filter={alertname="ReceiverFailing"}')).json()) as { items: AlertJson[] };
      return page.items.length > 0 ? page.items[0] : undefined;
    }, 40_000);
    expect(meta).toMatchObject({ state: 'firing', labels: { alertname: 'ReceiverFailing', receiver: 'team' }, receivers: ['ops-fallback'] });
    await fallback.waitForRequests(1);
    const told = fallback.requests.map((request) => (request.parsed as { alerts: Array<{ labels: Record<string, string> }> }).alerts.map((alert) => alert.labels.alertname)).flat();
    expect(told).toContain('ReceiverFailing');
    expect(failing.requests.length).toBeGreaterThanOrEqual(3);
    const pending = (await (await t.request('/api/v1/notifications?status=pending&receiver=team')).json()) as { items: Array<{ attempts: number }> };
    expect(pending.items).toHaveLength(1);
  }, 60_000);
});
