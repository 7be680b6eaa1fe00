import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const yaml = (lateness: string) => `
services:
  - name: web
slo_engine:
  lateness: ${lateness}
slos:
  - name: web-availability
    service: web
    objective: 99.9%
    window: 30d
    sli:
      events: {}
`;

describe('slo_engine settings in the running server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { yaml: yaml('5m') });
  });
  afterAll(async () => {
    await t?.close();
  });

  const push = (atMs: number) => t.request('/api/v1/events', { method: 'POST', token: t.tokens.responder, json: [{ slo: 'web-availability', at: new Date(atMs).toISOString(), good: 1, total: 1 }] });

  it('accepts counts within the configured lateness and rejects older ones, naming the field', async () => {
    expect((await push(Date.now() - 3 * 60_000)).status).toBe(202);
    const late = await push(Date.now() - 10 * 60_000);
    expect(late.status).toBe(400);
    const problem = (await late.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors[0]?.field).toBe('[0].at');
    expect(problem.errors[0]?.message).toContain('older than the accepted lateness of 5m');
  });

  it('says a changed slo_engine needs a restart', async () => {
    await t.writeConfig(yaml('30m'));
    const reloaded = (await (await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin })).json()) as { restart_required: string[] };
    expect(reloaded.restart_required).toEqual(['slo_engine']);
  });
});
