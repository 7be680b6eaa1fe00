/**
 * SLOs with a PromQL SLI in the running server, against the machine's real Prometheus (Debian
 * package) on 127.0.0.1. The queries are constant expressions (`vector(90)`), which Prometheus
 * answers at any past minute: the test does not have to wait for real minutes of scraped data
 * (the adapter's own tests cover real scraped counters, src/adapters/sources/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsExporter, type MetricsExporter } from '../support/metrics-exporter.js';
import { prometheusSkipReason, startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const skipReason = prometheusSkipReason();
const minuteMs = 60_000;

interface SourceStatus {
  read_through: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}
interface SloJson {
  name: string;
  status: { sli: { good: number; total: number; ratio: number | null } } | null;
  sli_source_status?: SourceStatus;
}

describe.skipIf(skipReason !== '')(`PromQL SLIs in the server, against a real Prometheus${skipReason}`, () => {
  let prometheus: PrometheusServer;
  let exporter: MetricsExporter;
  let t: TestApp;

  beforeAll(async () => {
    exporter = await startMetricsExporter();
    prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
    t = await startTestApp('sqlite', {
      yaml: `
services:
  - name: api
slos:
  - name: api-requests
    service: api
    objective: 99%
    window: 7d
    sli:
      prometheus: { url: "${prometheus.url}", good: "vector(90)", total: "vector(100)" }
  - name: api-latency
    service: api
    objective: 95%
    window: 7d
    sli:
      prometheus: { url: "${prometheus.url}", threshold: { query: "vector(0.2)", op: lt, value: 0.3 } }
  - name: api-typo
    service: api
    objective: 99%
    window: 7d
    sli:
      prometheus: { url: "${prometheus.url}", error_ratio: "sum(rate(http_requests_total[1m]" }
  - name: api-unreachable
    service: api
    objective: 99%
    window: 7d
    sli:
      prometheus: { url: "http://127.0.0.1:1", error_ratio: "vector(0)" }
`,
      // The timer-driven cycles would run a minute apart; the test drives them with pollNow.
      appOptions: { prometheusPolling: { delayMs: 0, catchUpMs: 5 * minuteMs, maxStepsPerCycle: 10 } },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await prometheus?.stop();
    await exporter?.close();
  });

  const slo = async (name: string): Promise<SloJson> => (await (await t.request(`/api/v1/slos/${name}`)).json()) as SloJson;

  it('stores each minute of the catch-up range, shows the SLI, and reads nothing twice', async () => {
    const poller = t.app.slos.prometheusPoller;
    expect(poller).not.toBeNull();
    await poller?.pollNow();
    const lastMinute = Math.floor(Date.now() / minuteMs) * minuteMs;
    const rows = await t.app.store.sloCounts.minutes('api-requests', lastMinute - 10 * minuteMs, lastMinute + minuteMs);
    // Five minutes back (the catch-up range), each 90 good of 100; maybe one more if a minute closed meanwhile.
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.every((row) => row.good === 90 && row.total === 100)).toBe(true);
    await poller?.pollNow();
    const again = await t.app.store.sloCounts.minutes('api-requests', lastMinute - 10 * minuteMs, lastMinute + 2 * minuteMs);
    expect(again.every((row) => row.good === 90 && row.total === 100)).toBe(true);
    expect(again.length - rows.length).toBeLessThanOrEqual(1);

    await t.app.slos.evaluator.evaluateAll(Math.floor(Date.now() / minuteMs) * minuteMs);
    const requests = await slo('api-requests');
    expect(requests.status?.sli).toEqual({ good: 90 * again.length, total: 100 * again.length, ratio: 0.9 });
    expect(requests.sli_source_status?.last_error).toBeNull();
    expect(Date.parse(requests.sli_source_status?.read_through ?? '')).toBe(Math.max(...again.map((row) => row.endMs)));
    // A threshold SLI: one good event per minute while 0.2 < 0.3.
    const latency = await slo('api-latency');
    expect(latency.status?.sli.ratio).toBe(1);
    expect(latency.status?.sli.total).toBeGreaterThanOrEqual(5);
  });

  it("shows Prometheus' own error for a bad query and the address for an unreachable one, and counts them", async () => {
    const typo = await slo('api-typo');
    expect(typo.sli_source_status?.read_through).toBeNull();
    expect(typo.sli_source_status?.last_error).toMatch(/parse error|unclosed|unexpected/i);
    const unreachable = await slo('api-unreachable');
    expect(unreachable.sli_source_status?.last_error).toContain('127.0.0.1:1');
    expect(unreachable.status?.sli.total ?? 0).toBe(0);
    const metrics = await (await t.request('/metrics')).text();
    const failures = (name: string) => Number(new RegExp(`sre_monitor_slo_source_errors_total\\{slo="${name}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(failures('api-typo')).toBeGreaterThanOrEqual(2);
    expect(failures('api-unreachable')).toBeGreaterThanOrEqual(2);
    expect(failures('api-requests')).toBe(0);
    // The failing SLOs stay listed with the others.
    const list = (await (await t.request('/api/v1/slos')).json()) as { items: SloJson[] };
    expect(list.items.map((item) => item.name).sort()).toEqual(['api-latency', 'api-requests', 'api-typo', 'api-unreachable']);
  });
});
