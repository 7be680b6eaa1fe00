import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

interface Page {
  items: Array<{ name: string; source: string; criticality: string }>;
}

const names = async (t: TestApp) => ((await (await t.request('/api/v1/services')).json()) as Page).items.map((s) => s.name);

describe.each(storeKinds)('config reload through the API on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: 'services:\n  - name: alpha\n  - name: beta\n    dependencies: [alpha]\n' });
  });
  afterAll(async () => t.close());

  const reload = () => t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin });

  it('needs the admin role', async () => {
    expect((await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.responder })).status).toBe(403);
  });

  it('creates, updates and removes config services on reload, keeping API-created ones', async () => {
    expect((await t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, json: { name: 'from-api', dependencies: ['alpha'] } })).status).toBe(201);
    await t.writeConfig('services:\n  - name: alpha\n    criticality: high\n  - name: gamma\n');
    const response = await reload();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'reloaded', restart_required: [], services: { created: ['gamma'], updated: ['alpha'], removed: ['beta'] } });
    expect(await names(t)).toEqual(['alpha', 'from-api', 'gamma']);
    const alpha = (await (await t.request('/api/v1/services/alpha')).json()) as Page['items'][number];
    expect(alpha).toMatchObject({ criticality: 'high', source: 'config' });
  });

  it('rejects a broken file with every problem located, and keeps the running config', async () => {
    await t.writeConfig('services:\n  - name: alpha\n    criticality: urgent\n  - name: Bad_Name\n');
    const response = await reload();
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string; errors: Array<{ field: string; message: string; line: number; column: number }> };
    expect(problem.detail).toContain('the running config stays');
    expect(problem.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'services[0].criticality', message: 'must be one of critical, high, medium, low' }),
      expect.objectContaining({ field: 'services[1].name', message: 'must be a lower-case slug (letters, digits, dashes)' }),
    ]));
    expect(problem.errors.every((e) => e.line > 1)).toBe(true);
    expect(await names(t)).toEqual(['alpha', 'from-api', 'gamma']);
  });

  it('refuses to remove a config service that an API-created service depends on', async () => {
    await t.writeConfig('services:\n  - name: gamma\n');
    const response = await reload();
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: string }).detail).toContain("unknown service 'alpha'");
    expect(await names(t)).toEqual(['alpha', 'from-api', 'gamma']);
  });

  it('reports settings that only change on restart', async () => {
    await t.writeConfig('auth:\n  anonymous: viewer\nservices:\n  - name: alpha\n    criticality: high\n  - name: gamma\n');
    const original = await readFile(t.configFile, 'utf8');
    await writeFile(t.configFile, original.replace('log_level: fatal', 'log_level: fatal\n  body_limit_bytes: 2048'));
    const response = await reload();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { restart_required: string[] }).restart_required).toEqual(['server.body_limit_bytes']);
  });
});
