import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { collectEvents } from '../support/ws-client.js';

interface AuditPage {
  items: Array<{ id: number; at: string; actor: string; action: string; object_type: string; object_id: string; before: unknown; after: unknown; request_id: string | null }>;
  next_cursor: string | null;
}

describe.each(storeKinds)('authentication, roles and audit on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: 'auth:\n  anonymous: viewer\n  lockout:\n    max_failures: 3\n    window: 1m\n    block_for: 5m\n' });
  });
  afterAll(async () => t.close());

  const createService = (name: string, token?: string, headers: Record<string, string> = {}) =>
    t.request('/api/v1/services', { method: 'POST', token, json: { name }, headers });

  it('lets anonymous viewers read but not write', async () => {
    expect((await t.request('/api/v1/services')).status).toBe(200);
    const response = await createService('anon');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toContain('Authorization: Bearer');
  });

  it('answers 403 to a token whose role is too low and 2xx to one that is high enough', async () => {
    for (const token of [t.tokens.viewer, t.tokens.responder]) {
      const response = await createService('too-low', token);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/has the (viewer|responder) role; this request needs admin/);
    }
    expect((await createService('allowed', t.tokens.admin)).status).toBe(201);
  });

  it('keeps the audit log to admins', async () => {
    expect((await t.request('/api/v1/audit')).status).toBe(401);
    expect((await t.request('/api/v1/audit', { token: t.tokens.responder })).status).toBe(403);
    expect((await t.request('/api/v1/audit', { token: t.tokens.admin })).status).toBe(200);
  });

  it('audits every mutation with who, what, before, after and the request id', async () => {
    expect((await createService('audited', t.tokens.admin, { 'x-request-id': 'req-create-1' })).status).toBe(201);
    const patch = await t.request('/api/v1/services/audited', { method: 'PATCH', token: t.tokens.admin, json: { team: 'sre' }, headers: { 'x-request-id': 'req-patch-1' } });
    expect(patch.status).toBe(200);
    expect((await t.request('/api/v1/services/audited', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);

    const page = (await (await t.request('/api/v1/audit?object_type=service&object_id=audited', { token: t.tokens.admin })).json()) as AuditPage;
    expect(page.items.map((e) => e.action)).toEqual(['service.delete', 'service.update', 'service.create']);
    const [deleted, updated, created] = page.items;
    expect(created).toMatchObject({ actor: 'test-admin', request_id: 'req-create-1', before: null, after: { name: 'audited' } });
    expect(updated).toMatchObject({ request_id: 'req-patch-1', before: { team: null }, after: { team: 'sre' } });
    expect(deleted).toMatchObject({ before: { name: 'audited', team: 'sre' }, after: null });
    expect(Date.parse(created?.at ?? '')).not.toBeNaN();
  });

  it('pages the audit log from newest to oldest', async () => {
    const first = (await (await t.request('/api/v1/audit?limit=2', { token: t.tokens.admin })).json()) as AuditPage;
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = (await (await t.request(`/api/v1/audit?limit=2&cursor=${first.next_cursor ?? ''}`, { token: t.tokens.admin })).json()) as AuditPage;
    expect(second.items[0]?.id).toBeLessThan(first.items[1]?.id ?? 0);
  });

  it('answers 401 to malformed and unknown tokens', async () => {
    const malformed = await t.request('/api/v1/services', { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    expect(((await malformed.json()) as { detail: string }).detail).toContain("'Bearer <token>'");
  });

  it('blocks an address after repeated failures with 429 and a security.auth_blocked event', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws?types=security.*`);
    const events = await collectEvents(socket);
    const statuses: number[] = [];
    // One failure was already counted by the malformed-header test above.
    for (let i = 0; i < 3; i += 1) statuses.push((await t.request('/api/v1/services', { token: 'srem_wrong' })).status);
    expect(statuses).toEqual([401, 401, 429]);
    const blocked = await t.request('/api/v1/services', { token: t.tokens.admin });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(290);
    const event = await events.next((e) => e.type === 'security.auth_blocked');
    expect(event.data).toMatchObject({ address: '127.0.0.1', failures: 3 });
    socket.close();
  });
});

describe('auth.anonymous: none', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { yaml: 'auth:\n  anonymous: none\n' });
  });
  afterAll(async () => t.close());

  it('requires a token for reads too, but keeps health and metrics open', async () => {
    expect((await t.request('/api/v1/services')).status).toBe(401);
    expect((await t.request('/api/v1/services', { token: t.tokens.viewer })).status).toBe(200);
    expect((await t.request('/health/ready')).status).toBe(200);
    expect((await t.request('/metrics')).status).toBe(200);
    expect((await t.request('/openapi.json')).status).toBe(200);
  });

  it('stops accepting a revoked token at once', async () => {
    const { secret } = await t.app.tokens.create('short-lived', 'viewer', { name: 'cli', role: 'admin', requestId: null });
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(200);
    await t.app.tokens.revoke('short-lived', { name: 'cli', role: 'admin', requestId: null });
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(401);
  });
});
