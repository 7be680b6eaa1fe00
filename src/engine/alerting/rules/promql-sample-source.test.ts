/**
 * The PromQL rule source against the machine's real Prometheus (Debian package) scraping a local
 * exporter, and its failures against local HTTP servers. Without a prometheus binary the first
 * part is skipped outside CI (its names say so); with CI=true startPrometheus throws, so it fails.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertInput } from '../../../core/alerting/alert.js';
import type { RuleExpression } from '../../../core/alerting/rules/index.js';
import { closedPort, createLocalServers } from '../../../../test/support/local-servers.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { startMetricsExporter, type MetricsExporter } from '../../../../test/support/metrics-exporter.js';
import { prometheusSkipReason, startPrometheus, type PrometheusServer } from '../../../../test/support/prometheus-server.js';
import { createPromqlSampleSource } from './promql-sample-source.js';
import { createRuleEvaluator } from './rule-evaluator.js';

const source = createPromqlSampleSource({ timeoutMs: 5_000 });
const promql = (query: string, url: string): RuleExpression => ({ kind: 'promql', promql: query, prometheusUrl: url });

const skipReason = prometheusSkipReason();
const skip = skipReason !== '';

describe(`PromQL rule source against a real Prometheus${skipReason}`, () => {
  let prometheus: PrometheusServer | undefined;
  let exporter: MetricsExporter | undefined;

  beforeAll(async () => {
    if (skip) return;
    exporter = await startMetricsExporter();
    exporter.set('checkout_latency_ms', { monitor: 'api' }, 900);
    exporter.set('checkout_latency_ms', { monitor: 'web' }, 100);
    prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
    const server = prometheus;
    for (const deadline = performance.now() + 20_000; ; ) {
      const answer = await server.query('count(checkout_latency_ms)');
      if (answer.data?.result !== undefined && Array.isArray(answer.data.result) && answer.data.result.length > 0) break;
      if (performance.now() > deadline) throw new Error(`Prometheus never scraped the exporter:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it.skipIf(skip)('every series the query returns is a sample, with its labels and value', async () => {
    const server = prometheus as PrometheusServer;
    const samples = await source.samples(promql('checkout_latency_ms > 500', server.url), Date.now());
    expect(samples).toHaveLength(1);
    expect(samples[0]?.labels).toMatchObject({ monitor: 'api', job: 'exporter' });
    expect(samples[0]?.value).toBe(900);
    expect(await source.samples(promql('checkout_latency_ms > 5000', server.url), Date.now())).toEqual([]);
  });

  it.skipIf(skip)("a query Prometheus rejects is the rule's error, with Prometheus' reason", async () => {
    const server = prometheus as PrometheusServer;
    await expect(source.samples(promql('sum(rate(checkout_latency_ms[1m]', server.url), Date.now())).rejects.toThrow(/bad_data/);
  });

  it.skipIf(skip)('a PromQL rule fires through the evaluator with the series labels and a rendered summary', async () => {
    const server = prometheus as PrometheusServer;
    // Manual timers from the real time (whole seconds), so evaluations ask for times Prometheus has data for.
    const timers = createManualTimers(Math.floor(Date.now() / 1000) * 1000);
    const sent: AlertInput[] = [];
    const evaluator = createRuleEvaluator({
      rules: [
        {
          name: 'CheckoutSlow',
          expr: promql('checkout_latency_ms > 500', server.url),
          forMs: 0,
          keepFiringForMs: 0,
          intervalMs: 1_000,
          labels: { severity: 'page' },
          annotations: { summary: '{{ $labels.monitor }} at {{ $value }} ms' },
        },
      ],
      sources: { promql: source },
      sink: (alerts) => {
        sent.push(...alerts);
        return Promise.resolve();
      },
      clock: timers.clock,
      timers,
    });
    evaluator.start();
    await timers.advanceMs(1_000);
    for (let round = 0; round < 100 && sent.length === 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await evaluator.stop();
    expect(evaluator.rules()[0]).toMatchObject({ health: 'ok', state: 'firing' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.labels).toMatchObject({ alertname: 'CheckoutSlow', monitor: 'api', job: 'exporter', severity: 'page' });
    expect(sent[0]?.labels).not.toHaveProperty('__name__');
    expect(sent[0]?.annotations).toEqual({ summary: 'api at 900 ms' });
  });
});

describe('PromQL rule source failures', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());

  it('names the URL without its password and the reason of an HTTP error', async () => {
    const address = await servers.listen(
      http.createServer((_request, response) => {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }));
      }),
    );
    const failure = source.samples(promql('up ==', `http://alice:s3cret@${address}`), Date.now());
    await expect(failure).rejects.toThrow(`query "up ==" at http://alice:***@${address}/: HTTP 400 bad_data: parse error at char 5`);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('reports a Prometheus that does not answer', async () => {
    const port = await closedPort(() => http.createServer());
    await expect(source.samples(promql('up', `http://127.0.0.1:${port}`), Date.now())).rejects.toThrow(/refused/i);
  });

  it('queries at the evaluation time', async () => {
    let seen = '';
    const address = await servers.listen(
      http.createServer((request, response) => {
        seen = request.url ?? '';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'x' }, value: [1, '3'] }] } }));
      }),
    );
    const samples = await source.samples(promql('up == 0', `http://${address}`), Date.UTC(2026, 0, 1, 0, 1));
    expect(new URL(seen, 'http://x').searchParams.get('time')).toBe(String(Date.UTC(2026, 0, 1, 0, 1) / 1000) + '.000');
    expect(samples).toEqual([{ labels: { job: 'x' }, value: 3, timestampMs: Date.UTC(2026, 0, 1, 0, 1) }]);
  });
});
