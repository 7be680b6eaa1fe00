/**
 * Alerts raised by sre-monitor itself link to the dashboard page of what raised them (the
 * `dashboard_url` annotation and Alertmanager's generatorURL), under `alerting.external_url`.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/local-servers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { until } from '../support/until.js';

interface AlertJson {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generator_url: string;
}

describe('links in alerts sre-monitor raises', () => {
  let t: TestApp;
  beforeAll(async () => {
    const port = await closedPort(() => createServer());
    t = await startTestApp('sqlite', {
      yaml: `
services:
  - name: shop
monitors:
  - name: shop-db
    service: shop
    kind: tcp
    interval: 1s
    timeout: 500ms
    tcp: { host: 127.0.0.1, port: ${port} }
alerting:
  external_url: http://sre.test
  route: { receiver: nobody }
  receivers: [{ name: nobody }]
`,
    });
  });
  afterAll(async () => t?.close());

  it('points a MonitorDown alert at the monitor page of the dashboard', async () => {
    const alert = await until(async () => {
      const answer = (await (await t.request('/api/v1/alerts', { token: t.tokens.viewer })).json()) as { items: AlertJson[] };
      return answer.items.find((item) => item.labels.alertname === 'MonitorDown');
    });
    expect(alert.annotations.dashboard_url).toBe('http://sre.test/monitors/shop-db');
    expect(alert.generator_url).toBe('http://sre.test/monitors/shop-db');
  });
});
