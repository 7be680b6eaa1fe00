import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

describe.each(storeKinds)('health, readiness, metrics and OpenAPI on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  it('answers liveness and readiness', async () => {
    const live = await t.request('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'up' });
    const ready = await t.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('reports each component with its latency', async () => {
    const response = await t.request('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; version: string; components: Record<string, { status: string; latency_ms: number; detail: string }> };
    expect(body.status).toBe('up');
    expect(Object.keys(body.components)).toEqual(['store', 'migrations', 'config']);
    expect(body.components.store?.status).toBe('up');
    expect(body.components.store?.detail).toContain(kind);
    expect(body.components.store?.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('exposes Prometheus metrics with request counts by route template', async () => {
    await t.request('/api/v1/services/some-service');
    const response = await t.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^sre_monitor_build_info\{version="[^"]+",node_version="v\d+[^"]*",store="(sqlite|postgres)"\} 1$/m);
    expect(text).toMatch(/^sre_monitor_http_requests_total\{method="GET",route="\/api\/v1\/services\/:name",status="404"\} 1$/m);
    expect(text).toContain('sre_monitor_http_request_duration_seconds_bucket');
    expect(text).toMatch(/^sre_monitor_store_query_duration_seconds_count\{operation="select"\} [1-9]/m);
  });

  it('serves an OpenAPI document generated from the route schemas, and its UI', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/services', '/api/v1/services/{name}', '/api/v1/audit', '/api/v1/-/reload', '/health/ready']));
    expect(Object.keys(spec.paths['/api/v1/services'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    const ui = await t.request('/docs/');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('turns not ready with the failing component when the store is gone', async () => {
    await t.app.store.close();
    const ready = await t.request('/health/ready');
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; failing: Array<{ component: string }> };
    expect(body.status).toBe('not_ready');
    expect(body.failing.map((f) => f.component)).toEqual(['store']);
    expect((await t.request('/health/live')).status).toBe(200);
  });
});
