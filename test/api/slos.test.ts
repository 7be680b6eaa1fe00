import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emptyBucket, recordResult } from '../../src/core/monitors/uptime.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { collectEvents } from '../support/ws-client.js';

interface SloJson {
  name: string;
  objective: number | string;
  status: {
    sli: { good: number; total: number; ratio: number | null };
    error_budget: { remaining_ratio: number; total_minutes: number };
    burn_rates: Record<string, { burn_rate: number | null }>;
    alerts: { page: { state: string }; ticket: { state: string } };
    policy: string;
  } | null;
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

const configYaml = `
services:
  - name: web
  - name: api
monitors:
  - name: api-health
    service: api
    kind: tcp
    interval: 1h
    tcp: { host: 127.0.0.1, port: 1 }
slos:
  - name: web-availability
    service: web
    objective: 99.9%
    window: 30d
    sli:
      events: {}
  - name: web-requests
    service: web
    objective: 0.99
    window: 7d
    sli:
      events: { good_when: "status < 500 && latency_ms < 300" }
  - name: api-uptime
    service: api
    objective: 99.5
    window: 30d
    sli:
      monitor: { name: api-health, metric: availability }
`;

describe.each(storeKinds)('SLO API on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: configYaml });
  });
  afterAll(async () => t.close());

  const push = (body: unknown, headers: Record<string, string> = {}, token = t.tokens.responder) =>
    t.request('/api/v1/events', { method: 'POST', token, ...(typeof body === 'string' ? { body, headers: { 'content-type': 'application/x-ndjson', ...headers } } : { json: body, headers }) });
  const get = async (name: string) => (await (await t.request(`/api/v1/slos/${name}`)).json()) as SloJson;
  const evaluateNow = async () => {
    const now = Date.now();
    await t.app.slos.evaluator.evaluateAll(Math.ceil(now / 60_000) * 60_000);
  };

  it('lists the config SLOs with their objectives as ratios', async () => {
    const page = (await (await t.request('/api/v1/slos')).json()) as { items: SloJson[] };
    expect(page.items.map((s) => s.name)).toEqual(['api-uptime', 'web-availability', 'web-requests']);
  });

  it('takes pushed counts once durable, fires the page alert on a fast burn and freezes releases', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws?types=slo.alert.*`);
    const events = await collectEvents(socket);
    try {
      const response = await push([{ slo: 'web-availability', good: 990, total: 1000 }], { 'idempotency-key': 'batch-1' });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ accepted: 1, buckets: 1, replayed: false });
      // A retry with the same key is answered again, not counted again.
      const retry = await push([{ slo: 'web-availability', good: 990, total: 1000 }], { 'idempotency-key': 'batch-1' });
      expect(retry.status).toBe(200);
      expect(((await retry.json()) as { replayed: boolean }).replayed).toBe(true);
      expect((await push([{ slo: 'web-availability', good: 1, total: 1 }], { 'idempotency-key': 'batch-1' })).status).toBe(409);
      await evaluateNow();
      const slo = await get('web-availability');
      expect(slo.status?.sli).toEqual({ good: 990, total: 1000, ratio: 0.99 });
      // 1% errors against a 0.1% budget: burn rate 10 (> 6 over 6h and 30m: page; > 3 over 1d and 2h: ticket).
      expect(slo.status?.burn_rates['1h']?.burn_rate).toBeCloseTo(10, 9);
      expect(slo.status?.alerts.page.state).toBe('firing');
      expect(slo.status?.policy).toBe('exhausted');
      const firing = await events.next((e) => e.type === 'slo.alert.firing' && (e.data['labels'] as Record<string, string>)['severity'] === 'page');
      expect(firing.data['labels']).toMatchObject({ alertname: 'SLOBurnRate', slo: 'web-availability', service: 'web' });
      const gate = (await (await t.request('/api/v1/gate?service=web')).json()) as { allow: boolean; reasons: string[] };
      expect(gate.allow).toBe(false);
      expect(gate.reasons[0]).toContain("SLO 'web-availability' is in budget policy exhausted");
      expect(((await (await t.request('/api/v1/gate?service=api')).json()) as { allow: boolean }).allow).toBe(true);
      // The CI command: exit 1 when blocked, 0 when allowed, 3 when nobody answers.
      const runGate = (service: string, url = t.url) =>
        promisify(execFile)(process.execPath, ['dist/cli/main.js', 'gate', '--service', service, '--url', url]).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      const blocked = await runGate('web');
      expect(blocked.code).toBe(1);
      expect(blocked.stdout).toContain('block: service web, policy exhausted');
      expect((await runGate('api')).code).toBe(0);
      expect((await runGate('api', 'http://127.0.0.1:9')).code).toBe(3);
    } finally {
      socket.close();
    }
  });

  it('classifies raw outcomes from NDJSON with the SLO good_when rule', async () => {
    const lines = [
      { slo: 'web-requests', status: 200, latency_ms: 120 },
      { slo: 'web-requests', status: 200, latency_ms: 450 },
      { slo: 'web-requests', status: 503, latency_ms: 20 },
      { slo: 'web-requests', status: 204, latency_ms: 80 },
    ].map((line) => JSON.stringify(line)).join('\n');
    expect((await push(lines)).status).toBe(202);
    await evaluateNow();
    expect((await get('web-requests')).status?.sli).toEqual({ good: 2, total: 4, ratio: 0.5 });
  });

  it('rejects a bad batch whole, naming the item and field', async () => {
    const before = (await get('web-availability')).status?.sli.total;
    const cases: Array<[unknown, string, string]> = [
      [[{ slo: 'nope', good: 1, total: 1 }], '[0].slo', "unknown SLO 'nope'"],
      [[{ slo: 'web-availability', good: 1, total: 1 }, { slo: 'web-availability', good: 5, total: 2 }], '[1].good', 'must not exceed total'],
      [[{ slo: 'web-availability', good: -1, total: 2 }], '[0].good', 'must be a number >= 0'],
      [[{ slo: 'web-availability', at: '2020-01-01T00:00:00Z', good: 1, total: 1 }], '[0].at', 'older than the accepted lateness'],
      [[{ slo: 'web-availability', at: Date.now() / 1000 + 3600, good: 1, total: 1 }], '[0].at', 'is in the future'],
      [[{ slo: 'api-uptime', good: 1, total: 1 }], '[0].slo', 'takes its SLI from monitor'],
      [[{ slo: 'web-requests', status: 'ok' }], '[0].status', 'must be a number'],
      ['{"slo": "web-availability", "good": 1, "total": 1}\nnot json', 'line 2', 'is not valid JSON'],
    ];
    for (const [body, field, message] of cases) {
      const response = await push(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const problem = (await response.json()) as Problem;
      expect(problem.errors?.find((e) => e.field === field)?.message, JSON.stringify(problem)).toContain(message);
    }
    expect((await push([{ slo: 'web-availability', good: 1, total: 1 }], {}, t.tokens.viewer)).status).toBe(403);
    await evaluateNow();
    expect((await get('web-availability')).status?.sli.total).toBe(before);
  });

  it('counts monitor minutes for monitor SLIs and exposes SLO metrics and history', async () => {
    const end = Math.ceil(Date.now() / 60_000) * 60_000;
    let bucket = emptyBucket(end);
    bucket = recordResult(bucket, 'up', 5);
    bucket = recordResult(bucket, 'down');
    await t.app.slos.service.monitorMinuteClosed([{ monitor: 'api-health', bucket }]);
    await evaluateNow();
    expect((await get('api-uptime')).status?.sli).toEqual({ good: 1, total: 2, ratio: 0.5 });
    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toContain('sre_monitor_slo_sli_ratio{slo="api-uptime",service="api"} 0.5');
    const burn = /sre_monitor_slo_burn_rate\{slo="web-availability",service="web",window="1h"\} (\S+)/.exec(metrics);
    expect(Number(burn?.[1])).toBeCloseTo(10, 6);
    const history = (await (await t.request('/api/v1/slos/api-uptime/history')).json()) as { points: Array<{ sli: number }> };
    expect(history.points.at(-1)?.sli).toBe(0.5);
  });

  it('creates, refuses bad and deletes API SLOs; a service with SLOs cannot be deleted', async () => {
    const body = { name: 'api-latency', service: 'api', objective: '99%', window: '7d', sli: { events: {} } };
    const created = await t.request('/api/v1/slos', { method: 'POST', token: t.tokens.admin, json: body });
    expect(created.status).toBe(201);
    const bad = await t.request('/api/v1/slos', { method: 'POST', token: t.tokens.admin, json: { ...body, name: 'bad-objective', objective: '100%' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors?.[0]?.field).toBe('objective');
    const unknownMonitor = await t.request('/api/v1/slos', { method: 'POST', token: t.tokens.admin, json: { ...body, name: 'x', sli: { monitor: { name: 'nope', metric: 'availability' } } } });
    expect(unknownMonitor.status).toBe(400);
    expect((await t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, json: { name: 'shop' } })).status).toBe(201);
    expect((await t.request('/api/v1/slos', { method: 'POST', token: t.tokens.admin, json: { ...body, name: 'shop-slo', service: 'shop' } })).status).toBe(201);
    const refused = await t.request('/api/v1/services/shop', { method: 'DELETE', token: t.tokens.admin });
    expect(refused.status).toBe(409);
    expect((await t.request('/api/v1/slos/shop-slo', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
    expect((await t.request('/api/v1/services/shop', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
    expect((await t.request('/api/v1/slos/web-availability', { method: 'DELETE', token: t.tokens.admin })).status).toBe(409);
    expect((await t.request('/api/v1/monitors', { method: 'POST', token: t.tokens.admin, json: { name: 'api-port', service: 'api', kind: 'tcp', interval: '1h', tcp: { host: '127.0.0.1', port: 1 } } })).status).toBe(201);
    expect((await t.request('/api/v1/slos', { method: 'POST', token: t.tokens.admin, json: { ...body, name: 'api-port-slo', sli: { monitor: { name: 'api-port', metric: 'availability' } } } })).status).toBe(201);
    const inUse = await t.request('/api/v1/monitors/api-port', { method: 'DELETE', token: t.tokens.admin });
    expect(inUse.status).toBe(409);
    expect(((await inUse.json()) as Problem).detail).toContain("SLO 'api-port-slo' takes an SLI from it");
  });
});
