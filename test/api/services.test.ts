import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

interface ServiceJson {
  name: string;
  display_name: string;
  team: string | null;
  criticality: string;
  tags: string[];
  dependencies: string[];
  links: Record<string, string>;
  source: string;
  created_at: string;
  updated_at: string;
}
interface Page {
  items: ServiceJson[];
  next_cursor: string | null;
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

const configYaml = `
services:
  - name: database
    team: data
    criticality: critical
  - name: backend-api
    display_name: Backend API
    team: platform
    criticality: critical
    tags: [api, public]
    dependencies: [database]
`;

describe.each(storeKinds)('service catalog API on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: configYaml });
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>, token = t.tokens.admin) => t.request('/api/v1/services', { method: 'POST', token, json: body });

  it('lists the services reconciled from the config as read-only config services', async () => {
    const response = await t.request('/api/v1/services');
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    expect(page.items.map((s) => [s.name, s.source])).toEqual([
      ['backend-api', 'config'],
      ['database', 'config'],
    ]);
    expect(page.items[0]).toMatchObject({ display_name: 'Backend API', team: 'platform', tags: ['api', 'public'], dependencies: ['database'] });
  });

  it('creates, reads, changes and deletes a service', async () => {
    const created = await create({
      name: 'checkout',
      display_name: 'Checkout',
      team: 'payments',
      criticality: 'high',
      tags: ['web'],
      dependencies: ['backend-api'],
      links: { runbook: 'https://runbooks.example.com/checkout' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/services/checkout');
    const body = (await created.json()) as ServiceJson;
    expect(body).toMatchObject({ name: 'checkout', source: 'api', criticality: 'high', links: { runbook: 'https://runbooks.example.com/checkout' } });
    expect(Date.parse(body.created_at)).not.toBeNaN();

    const patched = await t.request('/api/v1/services/checkout', { method: 'PATCH', token: t.tokens.admin, json: { criticality: 'critical', team: null, tags: ['web', 'tier-1'] } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ criticality: 'critical', team: null, tags: ['web', 'tier-1'], display_name: 'Checkout' });

    const fetched = (await (await t.request('/api/v1/services/checkout')).json()) as ServiceJson;
    expect(fetched.criticality).toBe('critical');

    expect((await t.request('/api/v1/services/checkout', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
    const gone = await t.request('/api/v1/services/checkout');
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
    expect(((await gone.json()) as Problem).detail).toBe("service 'checkout' does not exist");
  });

  it('refuses to change or delete a config-declared service, pointing at the config', async () => {
    for (const [method, json] of [['PATCH', { criticality: 'low' }], ['DELETE', undefined]] as const) {
      const response = await t.request('/api/v1/services/database', { method, token: t.tokens.admin, json });
      expect(response.status).toBe(409);
      expect(((await response.json()) as Problem).detail).toContain('edit the file and reload');
    }
    const unchanged = (await (await t.request('/api/v1/services/database')).json()) as ServiceJson;
    expect(unchanged.criticality).toBe('critical');
  });

  it('rejects a duplicate name with 409 and keeps the first', async () => {
    expect((await create({ name: 'dup-me', team: 'first' })).status).toBe(201);
    const second = await create({ name: 'dup-me', team: 'second' });
    expect(second.status).toBe(409);
    expect(((await second.json()) as Problem).errors).toEqual([{ field: 'name', message: 'is already taken' }]);
    expect(((await (await t.request('/api/v1/services/dup-me')).json()) as ServiceJson).team).toBe('first');
  });

  it('rejects unknown dependencies and cycles, naming the field', async () => {
    const unknown = await create({ name: 'orphan', dependencies: ['database', 'no-such-service'] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Problem).errors).toEqual([{ field: 'dependencies[1]', message: "unknown service 'no-such-service'" }]);

    expect((await create({ name: 'cycle-a' })).status).toBe(201);
    expect((await create({ name: 'cycle-b', dependencies: ['cycle-a'] })).status).toBe(201);
    const cycle = await t.request('/api/v1/services/cycle-a', { method: 'PATCH', token: t.tokens.admin, json: { dependencies: ['cycle-b'] } });
    expect(cycle.status).toBe(400);
    const problem = (await cycle.json()) as Problem;
    expect(problem.errors?.[0]?.field).toBe('dependencies');
    expect(problem.errors?.[0]?.message).toMatch(/dependency cycle: cycle-a -> cycle-b -> cycle-a/);

    const blocked = await t.request('/api/v1/services/cycle-a', { method: 'DELETE', token: t.tokens.admin });
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as Problem).detail).toContain('cycle-b depends on it');
  });

  it('paginates with an opaque cursor and filters by team, tag and criticality', async () => {
    for (let i = 0; i < 7; i += 1) {
      const response = await create({ name: `page-${i}`, team: i % 2 === 0 ? 'even' : 'odd', criticality: i < 3 ? 'low' : 'medium', tags: i === 4 ? ['special'] : [] });
      expect(response.status).toBe(201);
    }
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/services?team=even&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await t.request(query)).json()) as Page;
      names.push(...page.items.map((s) => s.name));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(names).toEqual(['page-0', 'page-2', 'page-4', 'page-6']);
    expect(pages).toBe(2);

    const special = (await (await t.request('/api/v1/services?tag=special')).json()) as Page;
    expect(special.items.map((s) => s.name)).toEqual(['page-4']);
    const lowOdd = (await (await t.request('/api/v1/services?team=odd&criticality=low')).json()) as Page;
    expect(lowOdd.items.map((s) => s.name)).toEqual(['page-1']);
  });
});
