import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface OverviewItem {
  name: string;
  health_score: number;
  monitors: Record<string, number>;
  alerts: { firing: number; suppressed: number };
  slos: Array<{ name: string }>;
}

const configYaml = `
auth:
  anonymous: none
services:
  - name: calm
  - name: burning
monitors:
  - name: calm-paused
    service: calm
    kind: tcp
    paused: true
    tcp: { host: 127.0.0.1, port: 9 }
`;

/** The session cookie `name=value` from a Set-Cookie answer. */
function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0] ?? '';
}

describe('dashboard session (cookie login) and overview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { yaml: configYaml });
  });
  afterAll(async () => t.close());

  const login = (token: string) => t.request('/api/v1/session', { method: 'POST', token });

  it('exchanges a token for an httpOnly, SameSite=Strict cookie that authenticates reads', async () => {
    const response = await login(t.tokens.viewer);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'test-viewer', role: 'viewer' });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^srem_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = cookieOf(response);

    const me = await t.request('/api/v1/session', { headers: { cookie } });
    expect(await me.json()).toMatchObject({ name: 'test-viewer', role: 'viewer', via: 'session' });
    expect((await t.request('/api/v1/services', { headers: { cookie } })).status).toBe(200);
    expect((await t.request('/api/v1/services')).status).toBe(401);
  });

  it('refuses a login without a token, and with a bad one', async () => {
    expect((await t.request('/api/v1/session', { method: 'POST' })).status).toBe(401);
    expect((await login('srem_not-a-real-token')).status).toBe(401);
  });

  it('keeps the role of the token: a viewer session cannot act', async () => {
    const cookie = cookieOf(await login(t.tokens.viewer));
    const response = await t.request('/api/v1/monitors/calm-paused/resume', { method: 'POST', headers: { cookie, 'x-requested-with': 'sre-monitor' } });
    expect(response.status).toBe(403);
  });

  it('needs the CSRF header for unsafe requests and rejects foreign origins', async () => {
    const cookie = cookieOf(await login(t.tokens.responder));
    const withoutHeader = await t.request('/api/v1/monitors/calm-paused/pause', { method: 'POST', headers: { cookie } });
    expect(withoutHeader.status).toBe(403);
    expect(((await withoutHeader.json()) as { detail: string }).detail).toContain('x-requested-with');
    const foreign = await t.request('/api/v1/services', { headers: { cookie, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const allowed = await t.request('/api/v1/monitors/calm-paused/pause', { method: 'POST', headers: { cookie, 'x-requested-with': 'sre-monitor', origin: t.url } });
    expect(allowed.status).toBe(200);
  });

  it('ends the session on logout and when its token is revoked', async () => {
    const cookie = cookieOf(await login(t.tokens.viewer));
    const logout = await t.request('/api/v1/session', { method: 'DELETE', headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await t.request('/api/v1/services', { headers: { cookie } })).status).toBe(401);

    const { secret } = await t.app.tokens.create('short-lived', 'viewer', { name: 'cli', role: 'admin', requestId: null });
    const revokedCookie = cookieOf(await login(secret));
    expect((await t.request('/api/v1/services', { headers: { cookie: revokedCookie } })).status).toBe(200);
    await t.app.tokens.revoke('short-lived', { name: 'cli', role: 'admin', requestId: null });
    expect((await t.request('/api/v1/services', { headers: { cookie: revokedCookie } })).status).toBe(401);
  });

  it('ends the session and refuses the token once the revocation check finds it revoked by another process', async () => {
    const { secret } = await t.app.tokens.create('revoked-elsewhere', 'viewer', { name: 'cli', role: 'admin', requestId: null });
    const cookie = cookieOf(await login(secret));
    expect((await t.request('/api/v1/services', { headers: { cookie } })).status).toBe(200);
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(200);
    // `sre-monitor token revoke` runs in another process and writes the store directly.
    expect(await t.app.store.tokens.revoke('revoked-elsewhere')).toBe(true);
    expect(await t.app.tokens.checkRevocations()).toEqual(['revoked-elsewhere']);
    expect((await t.request('/api/v1/services', { headers: { cookie } })).status).toBe(401);
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(401);
  });

  it('answers the overview worst first, with firing alerts lowering the score', async () => {
    const posted = await t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels: { alertname: 'Down', service: 'burning', severity: 'critical' } } });
    expect(posted.status).toBe(201);
    const response = await t.request('/api/v1/overview', { token: t.tokens.viewer });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: OverviewItem[] };
    expect(items.map((item) => [item.name, item.health_score, item.alerts.firing])).toEqual([
      ['burning', 80, 1],
      ['calm', 100, 0],
    ]);
    expect(items[1]?.monitors).toMatchObject({ paused: 1, total: 1 });
  });

  it('counts every firing alert in the overview totals, also those no service of the catalog claims', async () => {
    const post = (labels: Record<string, string>) => t.request('/api/v1/alerts', { method: 'POST', token: t.tokens.responder, json: { labels } });
    expect((await post({ alertname: 'NoService', severity: 'P1' })).status).toBe(201);
    expect((await post({ alertname: 'UnknownService', service: 'not-in-catalog' })).status).toBe(201);
    expect((await post({ alertname: 'Silenced', service: 'calm' })).status).toBe(201);
    const silenced = await t.request('/api/v1/silences', { method: 'POST', token: t.tokens.responder, json: { matchers: '{alertname="Silenced"}', duration: '1h', comment: 'overview totals' } });
    expect(silenced.status).toBe(201);
    const response = await t.request('/api/v1/overview', { token: t.tokens.viewer });
    const body = (await response.json()) as { alerts: Record<string, number>; items: OverviewItem[] };
    // 'Down' of the test above (service burning, critical) and the two without a known service.
    expect(body.alerts).toEqual({ firing: 3, suppressed: 1, page: 2, without_service: 2 });
    expect(body.items.map((item) => [item.name, item.alerts])).toEqual([
      ['burning', { firing: 1, suppressed: 0 }],
      ['calm', { firing: 0, suppressed: 1 }],
    ]);
  });

  it('lists every monitor as a short row for the monitors page', async () => {
    const response = await t.request('/api/v1/overview/monitors', { token: t.tokens.viewer });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toEqual([
      { name: 'calm-paused', service: 'calm', kind: 'tcp', tags: [], paused: true, status: 'paused', since: expect.any(String) as unknown, message: expect.any(String) as unknown, last_check_at: null },
    ]);
    expect((await t.request('/api/v1/overview/monitors')).status).toBe(401);
  });

  it('answers deep links with the API 404 for API paths only', async () => {
    const response = await t.request('/api/v1/nope', { token: t.tokens.viewer });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
