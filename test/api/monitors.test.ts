import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closedPort, createLocalServers } from '../support/local-servers.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { collectEvents } from '../support/ws-client.js';

interface MonitorJson {
  name: string;
  service: string;
  kind: string;
  interval: string;
  timeout: string;
  source: string;
  paused: boolean;
  status: { status: string; message: string; last_check_at: string | null };
  breaker: { state: string; next_trial_at: string | null } | null;
  next_check_at: string | null;
  heartbeat_url?: string;
  http?: Record<string, unknown>;
}
interface ResultJson {
  at: string;
  status: string;
  latency_ms: number | null;
  message: string;
  timings: Record<string, number> | null;
  maintenance: boolean;
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

const servers = createLocalServers();
let target = '';
let answering = true;

beforeAll(async () => {
  const server = http.createServer((request, response) => {
    if (!answering) return; // hangs: the monitor must time out
    if (request.url === '/json') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'ok', version: '1.2.3' }));
      return;
    }
    response.end('hello from the demo target');
  });
  target = `http://${await servers.listen(server)}`;
});
afterAll(async () => servers.closeAll());

const configYaml = () => `
services:
  - name: web
  - name: jobs
monitors:
  - name: web-home
    service: web
    kind: http
    interval: 1h
    http:
      url: ${target}/
      keyword: { text: hello }
`;

describe.each(storeKinds)('monitors API on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { yaml: configYaml() });
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>, token = t.tokens.admin) => t.request('/api/v1/monitors', { method: 'POST', token, json: body });
  const get = async (name: string) => (await (await t.request(`/api/v1/monitors/${name}`)).json()) as MonitorJson;
  const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('lists config monitors as read-only, with defaults filled in', async () => {
    const response = await t.request('/api/v1/monitors');
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: MonitorJson[] };
    expect(page.items.map((m) => [m.name, m.source, m.interval, m.timeout])).toEqual([['web-home', 'config', '1h', '10s']]);
    const put = await t.request('/api/v1/monitors/web-home', { method: 'PUT', token: t.tokens.admin, json: { name: 'web-home', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port: 1 } } });
    expect(put.status).toBe(409);
    expect(((await put.json()) as Problem).detail).toContain('declared in the config file');
  });

  it('creates an http monitor whose first check runs at once, and keeps its results and uptime', async () => {
    const response = await create({ name: 'web-json', service: 'web', kind: 'http', interval: '1h', http: { url: `${target}/json`, json_path: { path: '$.status', equals: 'ok' } } });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v1/monitors/web-json');
    const checked = await until(() => get('web-json'), (m) => m.status.status === 'up');
    expect(checked.status).toMatchObject({ status: 'up' });
    const results = await until(
      async () => ((await (await t.request('/api/v1/monitors/web-json/results')).json()) as { items: ResultJson[] }).items,
      (items) => items.length > 0,
    );
    expect(results[0]).toMatchObject({ status: 'up', maintenance: false });
    expect(results[0]?.timings).toHaveProperty('total_ms');
    const uptime = (await (await t.request('/api/v1/monitors/web-json/uptime')).json()) as { windows: Record<string, { uptime: number | null; checks: { up: number } }> };
    expect(uptime.windows['24h']).toMatchObject({ uptime: 1, checks: { up: 1 } });
    expect(uptime.windows['90d']?.uptime).toBe(1);
    const serviceUptime = (await (await t.request('/api/v1/services/web/uptime')).json()) as { windows: Record<string, { checks: { up: number } }> };
    expect(serviceUptime.windows['24h']?.checks.up).toBeGreaterThanOrEqual(1);
  });

  it('changes a monitor with PATCH (a new kind replaces the old block) and refuses a rename with PUT', async () => {
    expect((await create({ name: 'web-edit', service: 'web', kind: 'http', interval: '1h', http: { url: `${target}/` } })).status).toBe(201);
    const patched = await t.request('/api/v1/monitors/web-edit', { method: 'PATCH', token: t.tokens.admin, json: { interval: '30m', tags: ['edge'] } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ interval: '30m', tags: ['edge'], http: { url: `${target}/` } });
    const port = Number(new URL(target).port);
    const retyped = (await (await t.request('/api/v1/monitors/web-edit', { method: 'PATCH', token: t.tokens.admin, json: { kind: 'tcp', tcp: { host: '127.0.0.1', port } } })).json()) as MonitorJson;
    expect(retyped.kind).toBe('tcp');
    expect(retyped.http).toBeUndefined();
    const renamed = await t.request('/api/v1/monitors/web-edit', { method: 'PUT', token: t.tokens.admin, json: { name: 'other', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port } } });
    expect(renamed.status).toBe(400);
    expect(((await renamed.json()) as Problem).errors?.[0]?.field).toBe('name');
    expect((await t.request('/api/v1/monitors/web-edit', { method: 'PATCH', token: t.tokens.admin, json: { interval: 'soon' } })).status).toBe(400);
    expect((await get('web-edit')).interval).toBe('30m');
    expect((await t.request('/api/v1/monitors/web-edit', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
  });

  it('runs a check on demand for responders, not for viewers', async () => {
    expect((await t.request('/api/v1/monitors/web-home/check', { method: 'POST', token: t.tokens.viewer })).status).toBe(403);
    const response = await t.request('/api/v1/monitors/web-home/check', { method: 'POST', token: t.tokens.responder });
    expect(response.status).toBe(200);
    const result = (await response.json()) as ResultJson;
    expect(result.status).toBe('up');
    expect(result.latency_ms).toBeGreaterThan(0);
  });

  it('pauses and resumes a config monitor', async () => {
    const paused = await t.request('/api/v1/monitors/web-home/pause', { method: 'POST', token: t.tokens.responder });
    expect(((await paused.json()) as MonitorJson).status.status).toBe('paused');
    expect((await get('web-home')).next_check_at).toBeNull();
    const resumed = await t.request('/api/v1/monitors/web-home/resume', { method: 'POST', token: t.tokens.responder });
    expect(resumed.status).toBe(200);
    expect((await until(() => get('web-home'), (m) => m.status.status === 'up')).paused).toBe(false);
  });

  it('rejects bad monitors with a 400 that names the field, and keeps what is stored', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'x1', service: 'web', kind: 'smtp' }, 'kind', 'must be one of'],
      [{ name: 'x2', service: 'web', kind: 'tcp', interval: '0s', tcp: { host: '127.0.0.1', port: 80 } }, 'interval', 'at least 1s'],
      [{ name: 'x3', service: 'web', kind: 'tcp', interval: '10s', timeout: '20s', tcp: { host: '127.0.0.1', port: 80 } }, 'timeout', 'not be longer than the interval'],
      [{ name: 'x4', service: 'web', kind: 'http' }, 'http', 'is required for kind http'],
      [{ name: 'x5', service: 'web', kind: 'http', http: { url: 'ftp://127.0.0.1/' } }, 'http.url', 'must use http:// or https://'],
      [{ name: 'x6', service: 'web', kind: 'http', http: { url: 'http://127.0.0.1/', json_path: { path: '$.a[', equals: 1 } } }, 'http.json_path.path', 'invalid JSON path'],
      [{ name: 'x7', service: 'web', kind: 'http', http: { url: 'http://127.0.0.1/', json_path: { path: '$.a', matches: '(' } } }, 'http.json_path.matches', 'invalid regular expression'],
      [{ name: 'x8', service: 'nope', kind: 'tcp', tcp: { host: '127.0.0.1', port: 80 } }, 'service', "service 'nope' does not exist"],
      [{ name: 'x9', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port: 80 }, dns: { hostname: 'a' } }, 'dns', 'is for kind dns'],
      [{ name: 'x10', service: 'web', kind: 'dns', dns: { hostname: 'a.example', resolver: '127.0.0.1:0' } }, 'dns.resolver', 'port'],
      [{ name: 'x11', service: 'web', kind: 'heartbeat', heartbeat: { token: 'short' } }, 'heartbeat.token', ''],
      [{ name: 'x12', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port: 80 }, maintenance_windows: [{ id: 'w', cron: '61 * * * *', duration: '1h' }] }, 'maintenance_windows[0].cron', ''],
      [{ name: 'x13', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port: 80 }, circuit_breaker: { failure_threshold: 0 } }, 'circuit_breaker', ''],
    ];
    for (const [body, field, message] of cases) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const problem = (await response.json()) as Problem;
      const named = problem.errors?.find((e) => e.field.startsWith(field));
      expect(named, `${JSON.stringify(body)} -> ${JSON.stringify(problem.errors)}`).toBeDefined();
      expect(named?.message).toContain(message);
    }
    const page = (await (await t.request('/api/v1/monitors?limit=500')).json()) as { items: MonitorJson[] };
    expect(page.items.some((m) => m.name.startsWith('x'))).toBe(false);
  });

  it('reports a local server that stops answering as down on /ws within interval + timeout', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws?types=monitor.down,monitor.up`);
    const events = await collectEvents(socket);
    try {
      expect((await create({ name: 'web-live', service: 'web', kind: 'http', interval: '1s', timeout: '500ms', http: { url: `${target}/` } })).status).toBe(201);
      await events.next((e) => e.type === 'monitor.up' && e.data['monitor'] === 'web-live');
      answering = false;
      const stoppedAt = Date.now();
      const down = await events.next((e) => e.type === 'monitor.down' && e.data['monitor'] === 'web-live', 4_000);
      const tookMs = Date.now() - stoppedAt;
      expect(down.data['reason']).toContain('timed out after 500 ms');
      // interval 1 s + timeout 0.5 s, plus commit and delivery slack.
      expect(tookMs).toBeLessThan(2_500);
    } finally {
      answering = true;
      socket.close();
      await t.request('/api/v1/monitors/web-live', { method: 'DELETE', token: t.tokens.admin });
    }
  });

  it('opens a breaker on a dead port, lists it, and lets a responder reset it', async () => {
    const port = await closedPort(() => http.createServer());
    const body = { name: 'dead-port', service: 'web', kind: 'tcp', interval: '1s', timeout: '500ms', circuit_breaker: { failure_threshold: 2, open_duration: '1h' }, tcp: { host: '127.0.0.1', port } };
    expect((await create(body)).status).toBe(201);
    const opened = await until(() => get('dead-port'), (m) => m.breaker?.state === 'open', 6_000);
    expect(opened.breaker?.state).toBe('open');
    expect(opened.status.message).toMatch(/^circuit open after 2 consecutive failures|ECONNREFUSED/);
    const list = (await (await t.request('/api/v1/breakers?state=open')).json()) as { items: Array<{ name: string; state: string; next_trial_at: string }> };
    expect(list.items.map((b) => b.name)).toContain('dead-port');
    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toMatch(/sre_monitor_breaker_state\{breaker="dead-port",monitor="dead-port"\} 2/);
    expect(metrics).toMatch(/sre_monitor_checks_total\{kind="tcp",status="down"\} \d+/);
    expect((await t.request('/api/v1/breakers/dead-port/reset', { method: 'POST', token: t.tokens.viewer })).status).toBe(403);
    const reset = await t.request('/api/v1/breakers/dead-port/reset', { method: 'POST', token: t.tokens.responder });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { state: string }).state).toBe('closed');
    expect((await t.request('/api/v1/breakers/nope/reset', { method: 'POST', token: t.tokens.responder })).status).toBe(404);
    await t.request('/api/v1/monitors/dead-port', { method: 'DELETE', token: t.tokens.admin });
  });

  it('takes heartbeats without an API token and reports failed runs', async () => {
    const response = await create({ name: 'nightly-backup', service: 'jobs', kind: 'heartbeat', interval: '1h', heartbeat: { grace: '5m' } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as MonitorJson;
    expect(created.heartbeat_url).toMatch(/^\/api\/v1\/heartbeats\/[A-Za-z0-9_-]{16,}$/);
    const ping = await fetch(`${t.url}${created.heartbeat_url ?? ''}`, { method: 'POST', body: 'backup done: 3.2 GB', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ ok: true, monitor: 'nightly-backup', status: 'up' });
    expect((await get('nightly-backup')).status.status).toBe('up');
    const failed = await fetch(`${t.url}${created.heartbeat_url ?? ''}?status=fail&msg=${encodeURIComponent('exit code 2')}`, { method: 'POST' });
    expect(await failed.json()).toEqual({ ok: true, monitor: 'nightly-backup', status: 'down' });
    expect((await get('nightly-backup')).status.message).toBe('job reported failure: exit code 2');
    expect((await fetch(`${t.url}/api/v1/heartbeats/unknown-token-0123456789`)).status).toBe(404);
    expect((await t.request('/api/v1/monitors/nightly-backup/check', { method: 'POST', token: t.tokens.responder })).status).toBe(409);
  });

  it('refuses to delete a service that monitors still watch', async () => {
    expect((await t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, json: { name: 'shop' } })).status).toBe(201);
    expect((await create({ name: 'shop-tcp', service: 'shop', kind: 'tcp', interval: '1h', tcp: { host: '127.0.0.1', port: 1 } })).status).toBe(201);
    const refused = await t.request('/api/v1/services/shop', { method: 'DELETE', token: t.tokens.admin });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Problem).detail).toContain('1 monitor still watches it');
    expect((await t.request('/api/v1/monitors/shop-tcp', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
    expect((await t.request('/api/v1/services/shop', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);
  });

  it('picks up monitors added and removed by a config reload', async () => {
    await t.writeConfig(`${configYaml()}
  - name: web-tcp
    service: web
    kind: tcp
    interval: 1h
    tcp: { host: 127.0.0.1, port: ${new URL(target).port} }
`);
    const reload = await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin });
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { monitors: { created: string[] } }).monitors.created).toEqual(['web-tcp']);
    expect((await get('web-tcp')).next_check_at).not.toBeNull();
    await t.writeConfig(configYaml());
    const again = (await (await t.request('/api/v1/-/reload', { method: 'POST', token: t.tokens.admin })).json()) as { monitors: { removed: string[] } };
    expect(again.monitors.removed).toEqual(['web-tcp']);
    expect((await t.request('/api/v1/monitors/web-tcp')).status).toBe(404);
  });
});
