/**
 * sre-monitor as a real Prometheus' Alertmanager: the Debian `prometheus` binary, started on
 * 127.0.0.1 with a rule that fires at once and `alerting.alertmanagers` pointing at
 * sre-monitor's `/api/v2/alerts` with a responder token, delivers its alert; sre-monitor routes
 * it to a local webhook receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServers, type LocalServers } from '../support/local-servers.js';
import { startMetricsExporter, type MetricsExporter } from '../support/metrics-exporter.js';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receivers.js';
import { prometheusSkipReason, startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const skipReason = prometheusSkipReason();

const rules = `
groups:
  - name: sre-monitor-test
    rules:
      - alert: ExporterUp
        expr: vector(1)
        labels: { severity: P3, service: checkout }
        annotations:
          summary: "the exporter answers"
          runbook_url: http://runbooks.test/exporter
`;

describe.skipIf(skipReason !== '')(`a real Prometheus sending its alerts to sre-monitor${skipReason}`, () => {
  let servers: LocalServers;
  let hook: NotificationReceiver;
  let exporter: MetricsExporter;
  let prometheus: PrometheusServer;
  let t: TestApp;

  beforeAll(async () => {
    servers = createLocalServers();
    hook = await startNotificationReceiver(servers, 'webhook');
    t = await startTestApp('sqlite', {
      yaml: `
alerting:
  route: { receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1s }
  receivers:
    - name: hook
      webhook_configs: [{ url: "${hook.url}" }]
`,
    });
    exporter = await startMetricsExporter();
    prometheus = await startPrometheus({ scrapeTargets: [exporter.target], rules, alertmanager: { url: t.url, bearerToken: t.tokens.responder }, alertResendDelay: '1s' });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await t?.close();
    await servers?.closeAll();
  });

  it('receives the firing rule through /api/v2/alerts and notifies the webhook', async () => {
    const timeout = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`no notification in 45 s; prometheus log:\n${prometheus.output().slice(-3000)}`)), 45_000));
    await Promise.race([hook.waitForRequests(1), timeout]);
    const body = hook.requests[0]?.parsed as { receiver: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string; status: string }> };
    expect(hook.requests[0]?.problems).toEqual([]);
    expect(body.receiver).toBe('hook');
    const [alert] = body.alerts;
    expect(alert?.status).toBe('firing');
    expect(alert?.labels).toMatchObject({ alertname: 'ExporterUp', severity: 'P3', service: 'checkout' });
    expect(alert?.annotations.runbook_url).toBe('http://runbooks.test/exporter');
    expect(alert?.generatorURL).toMatch(/\/graph\?g0.expr=vector/);

    const listed = (await (await t.request('/api/v1/alerts?filter={alertname="ExporterUp"}')).json()) as { items: Array<{ source: string; state: string }> };
    expect(listed.items).toEqual([expect.objectContaining({ source: 'prometheus', state: 'firing' })]);
  }, 60_000);
});
