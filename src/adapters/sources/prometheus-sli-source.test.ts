import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { startMetricsExporter, type MetricsExporter } from '../../../test/support/metrics-exporter.js';
import { prometheusSkipReason, startPrometheus, type PrometheusServer } from '../../../test/support/prometheus-server.js';
import type { PrometheusSliQuery, ThresholdOperator } from '../../core/slo/slo.js';
import { formatPrometheusDuration } from './promql-step-window.js';
import { createPrometheusSliSource, type PrometheusSliSourceSpec, type PrometheusStepCounts } from './prometheus-sli-source.js';

const source = createPrometheusSliSource({ timeoutMs: 5_000 });
const spec = (url: string, query: PrometheusSliQuery): PrometheusSliSourceSpec => ({ kind: 'prometheus', url, query });

function expectCounts(result: PrometheusStepCounts): { good: number; total: number } {
  if (!result.ok) throw new Error(`expected counts, got: ${result.message}`);
  return { good: result.good, total: result.total };
}

function expectFailure(result: PrometheusStepCounts): string {
  if (result.ok) throw new Error(`expected a failure, got good ${result.good} total ${result.total}`);
  return result.message;
}

// ---------------------------------------------------------------------------------------------
// Against the machine's real Prometheus (Debian package), scraping a local exporter every second.

const skipReason = prometheusSkipReason();
const skip = skipReason !== '';

const requests = 'http_requests_total';
const good = `sum(increase(${requests}{code!~"5.."}[{{.window}}]))`;
const bad = `sum(increase(${requests}{code=~"5.."}[{{.window}}]))`;
const total = `sum(increase(${requests}[{{.window}}]))`;

describe('prometheus SLI source against a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let exporter: MetricsExporter | undefined;
  /** Sample times (Unix ms): two scrapes with every counter at 0, then one after +90 good, +10 bad. */
  let quietMs = 0;
  let stillQuietMs = 0;
  let afterTrafficMs = 0;
  const url = (): string => prometheus?.url ?? 'http://127.0.0.1:9';
  /** The step (quietMs, afterTrafficMs]: exactly 90 good and 10 bad requests happened in it. */
  const trafficStep = (query: PrometheusSliQuery, atUrl = url()) =>
    source.countsForStep(spec(atUrl, query), afterTrafficMs, afterTrafficMs - quietMs);

  /** The time of the newest scrape once `sum(http_requests_total)` reads `expected` there. */
  async function newestScrapeWith(expected: number, after: number): Promise<number> {
    const server = prometheus as PrometheusServer;
    for (const deadline = performance.now() + 10_000; performance.now() < deadline; ) {
      const stamp = await server.query(`max(timestamp(${requests}))`, Date.now());
      const seconds = readValue(stamp);
      if (seconds !== undefined) {
        const atMs = Math.round(seconds * 1000);
        if (atMs > after && readValue(await server.query(`sum(${requests})`, atMs)) === expected) return atMs;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Prometheus never scraped sum(${requests}) = ${expected}:\n${server.output()}`);
  }

  beforeAll(async () => {
    if (skip) return;
    exporter = await startMetricsExporter();
    exporter.increment(requests, { code: '200' });
    exporter.increment(requests, { code: '500' });
    exporter.set('queue_latency_seconds', { queue: 'a' }, 0.25);
    exporter.set('queue_latency_seconds', { queue: 'b' }, 0.5);
    prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
    quietMs = await newestScrapeWith(0, 0);
    // A second quiet scrape, so that the traffic step holds two samples even where ranges are
    // left-open (Prometheus 3) and increase() has a start to measure from.
    stillQuietMs = await newestScrapeWith(0, quietMs);
    exporter.increment(requests, { code: '200' }, 90);
    exporter.increment(requests, { code: '500' }, 10);
    afterTrafficMs = await newestScrapeWith(100, stillQuietMs);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it.skipIf(skip)(`counts good and total events with increase() over {{.window}}, as Prometheus itself does${skipReason}`, async () => {
    const counts = expectCounts(await trafficStep({ kind: 'good_total', good, total }));
    const server = prometheus as PrometheusServer;
    const window = formatPrometheusDuration(afterTrafficMs - quietMs);
    const direct = async (promql: string) => readValue(await server.query(promql.replaceAll('{{.window}}', window), afterTrafficMs));
    expect(counts).toEqual({ good: await direct(good), total: await direct(total) });
    // increase() extrapolates both series alike (same scrapes), so the ratio is exact; the count
    // is 100 where the range holds both edge samples (Prometheus 2), more where it extrapolates.
    expect(counts.good / counts.total).toBeCloseTo(0.9, 12);
    expect(counts.total).toBeGreaterThanOrEqual(100);
    expect(counts.total).toBeLessThanOrEqual(200);
  });

  it.skipIf(skip)(`counts exactly the increments with counter - counter offset {{.window}}${skipReason}`, async () => {
    const delta = (selector: string) => `sum(${selector}) - sum(${selector} offset {{.window}})`;
    const counts = await trafficStep({ kind: 'good_total', good: delta(`${requests}{code="200"}`), total: delta(requests) });
    expect(expectCounts(counts)).toEqual({ good: 90, total: 100 });
  });

  it.skipIf(skip)(`adds up several series of a count query${skipReason}`, async () => {
    const delta = (selector: string) => `${selector} - ${selector} offset {{.window}}`;
    const counts = await trafficStep({ kind: 'bad_total', bad: delta(`${requests}{code="500"}`), total: delta(requests) });
    expect(expectCounts(counts)).toEqual({ good: 90, total: 100 });
  });

  it.skipIf(skip)(`gives good = total - bad, a bad query without series meaning no bad events${skipReason}`, async () => {
    const counts = expectCounts(await trafficStep({ kind: 'bad_total', bad, total }));
    expect(counts.good / counts.total).toBeCloseTo(0.9, 12);
    const none = `sum(increase(${requests}{code="404"}[{{.window}}]))`;
    const noBad = expectCounts(await trafficStep({ kind: 'bad_total', bad: none, total }));
    expect(noBad.good).toBe(noBad.total);
    expect(noBad.total).toBeGreaterThanOrEqual(100);
    expect(expectCounts(await trafficStep({ kind: 'good_total', good: none, total: none }))).toEqual({ good: 0, total: 0 });
  });

  it.skipIf(skip)(`counts an error ratio as one event per step${skipReason}`, async () => {
    const counts = expectCounts(await trafficStep({ kind: 'error_ratio', errorRatio: `${bad} / ${total}` }));
    expect(counts.good).toBeCloseTo(0.9, 12);
    expect(counts.total).toBe(1);
    const absent = `sum(rate(${requests}{code="404"}[{{.window}}]))`;
    expect(expectCounts(await trafficStep({ kind: 'error_ratio', errorRatio: absent }))).toEqual({ good: 0, total: 0 });
  });

  it.skipIf(skip)(`skips a quiet step whose error ratio is 0/0 = NaN, saying so${skipReason}`, async () => {
    const quiet = await source.countsForStep(spec(url(), { kind: 'error_ratio', errorRatio: `${bad} / ${total}` }), stillQuietMs, 3_600_000);
    const message = expectFailure(quiet);
    expect(message).toContain('value NaN; step skipped');
    expect(message).toContain(`sum(increase(${requests}{code=~"5.."}[1h])) / sum(increase(${requests}[1h]))`);
    expect(message).toContain(url());
  });

  it.skipIf(skip).each<[ThresholdOperator, number, number]>([
    ['lt', 0.6, 1],
    ['lt', 0.5, 0],
    ['lte', 0.5, 1],
    ['gt', 0.5, 0],
    ['gte', 0.5, 1],
    ['gte', 0.6, 0],
  ])(`judges max(queue_latency_seconds) = 0.5 %s %s as %i good event of 1${skipReason}`, async (operator, threshold, expectedGood) => {
    const counts = await trafficStep({ kind: 'threshold', query: 'max(queue_latency_seconds)', operator, threshold });
    expect(expectCounts(counts)).toEqual({ good: expectedGood, total: 1 });
  });

  it.skipIf(skip)(`refuses several series where one value is needed, naming them${skipReason}`, async () => {
    const message = expectFailure(await trafficStep({ kind: 'threshold', query: 'queue_latency_seconds', operator: 'lt', threshold: 1 }));
    expect(message).toMatch(/^Prometheus query `queue_latency_seconds` at http:\/\/127\.0\.0\.1:\d+\/: 2 series \(/);
    expect(message).toContain('queue="a"');
    expect(message).toContain('aggregate them in the query');
  });

  it.skipIf(skip)(`skips a step whose threshold value is +Inf${skipReason}`, async () => {
    const message = expectFailure(await trafficStep({ kind: 'threshold', query: 'max(queue_latency_seconds) / 0', operator: 'lt', threshold: 1 }));
    expect(message).toContain('value +Inf; step skipped');
  });

  it.skipIf(skip)(`reports invalid PromQL with Prometheus' errorType and error${skipReason}`, async () => {
    const message = expectFailure(await trafficStep({ kind: 'good_total', good: `sum(rate(${requests}[{{.window}}])`, total }));
    expect(message).toMatch(/^Prometheus query `sum\(rate\(http_requests_total\[\d+m?s\]\)` at http:\/\/127\.0\.0\.1:\d+\/: HTTP 400 bad_data: .*parse error/);
  });

  it.skipIf(skip)(`refuses a range vector result${skipReason}`, async () => {
    const message = expectFailure(await trafficStep({ kind: 'threshold', query: `${requests}[{{.window}}]`, operator: 'lt', threshold: 1 }));
    expect(message).toContain('range vector (matrix)');
  });

  it.skipIf(skip)(`sends basic-auth credentials as a header and never shows the password${skipReason}`, async () => {
    const withCredentials = url().replace('http://', 'http://alice:s3cret@');
    const delta = `sum(${requests}) - sum(${requests} offset {{.window}})`;
    expect(expectCounts(await trafficStep({ kind: 'good_total', good: delta, total: delta }, withCredentials))).toEqual({ good: 100, total: 100 });
    const message = expectFailure(await trafficStep({ kind: 'error_ratio', errorRatio: 'sum(' }, withCredentials));
    expect(message).toContain('at http://alice:***@127.0.0.1:');
    expect(message).not.toContain('s3cret');
  });
});

/** The value of a one-element vector or a scalar in Prometheus' own answer. */
function readValue(answer: Awaited<ReturnType<PrometheusServer['query']>>): number | undefined {
  const result = answer.data?.result;
  const pair = answer.data?.resultType === 'scalar' ? result : Array.isArray(result) ? (result[0] as { value?: unknown } | undefined)?.value : undefined;
  return Array.isArray(pair) && typeof pair[1] === 'string' ? Number(pair[1]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Failures that need no Prometheus: local servers on 127.0.0.1 that misbehave on purpose.

describe('prometheus SLI source failures', () => {
  const servers = createLocalServers();
  afterEach(() => servers.closeAll());
  const stepEndMs = Date.UTC(2026, 0, 1, 1, 1);
  const ratio: PrometheusSliQuery = { kind: 'error_ratio', errorRatio: 'sum(rate(errors_total[{{.window}}]))' };

  async function serve(handler: http.RequestListener): Promise<string> {
    return `http://${await servers.listen(http.createServer(handler))}`;
  }

  it('reports an unreachable Prometheus with the query and the URL', async () => {
    const port = await closedPort(() => net.createServer());
    const message = expectFailure(await source.countsForStep(spec(`http://127.0.0.1:${port}`, ratio), stepEndMs, 60_000));
    expect(message).toBe(`Prometheus query \`sum(rate(errors_total[1m]))\` at http://127.0.0.1:${port}/: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it.each([
    ['HTML from a proxy', 502, 'text/html', '<html><body>Bad Gateway</body></html>', 'HTTP 502: "<html><body>Bad Gateway</body></html>"'],
    ['text that is not JSON', 200, 'text/plain', 'hello, I am not Prometheus', 'HTTP 200 but the answer is not JSON: "hello, I am not Prometheus"'],
    ['JSON that is not the Prometheus API', 200, 'application/json', '{"hello":"world"}', 'the answer is not a Prometheus API response'],
    ['an empty 200', 200, 'application/json', '', 'HTTP 200 but the answer is not JSON (empty body)'],
    [
      "Prometheus' own timeout",
      503,
      'application/json',
      '{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}',
      'HTTP 503 timeout: query timed out in expression evaluation',
    ],
    ['a vector of odd samples', 200, 'application/json', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,null]}]}}', 'malformed Prometheus answer: series {} without a [time, "value"] pair'],
  ])('reports %s', async (_what, status, contentType, body, expected) => {
    const url = await serve((_request, response) => response.writeHead(status, { 'content-type': contentType }).end(body));
    const message = expectFailure(await source.countsForStep(spec(url, ratio), stepEndMs, 60_000));
    expect(message).toContain(expected);
    expect(message).toContain(`\`sum(rate(errors_total[1m]))\` at ${url}/:`);
  });

  it.each([
    ['accepts and never answers', (): void => undefined],
    ['sends headers, then stalls in the body', (response: http.ServerResponse): void => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"status":"succ');
    }],
  ])('times out on a server that %s', async (_what, hang) => {
    const url = await serve((_request, response) => hang(response));
    const startedAt = performance.now();
    const result = await createPrometheusSliSource({ timeoutMs: 300 }).countsForStep(spec(url, ratio), stepEndMs, 60_000);
    expect(expectFailure(result)).toBe(`Prometheus query \`sum(rate(errors_total[1m]))\` at ${url}/: no answer within 300 ms (timeout)`);
    expect(performance.now() - startedAt).toBeLessThan(2_000);
  });

  it("stops when the caller's signal aborts", async () => {
    const url = await serve(() => undefined);
    const result = await source.countsForStep(spec(url, ratio), stepEndMs, 60_000, AbortSignal.timeout(100));
    expect(expectFailure(result)).toContain('aborted before Prometheus answered');
  });

  it('sends an instant query at the step end under the URL path, with credentials as basic auth', async () => {
    const seen: Array<{ url: string | undefined; authorization: string | undefined }> = [];
    const url = await serve((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"success","data":{"resultType":"scalar","result":[1767229260,"0.25"]}}');
    });
    const withCredentials = url.replace('http://', 'http://alice:s3cr%2Ft@') + '/prometheus/';
    const counts = await source.countsForStep(spec(withCredentials, ratio), stepEndMs, 60_000);
    expect(expectCounts(counts)).toEqual({ good: 0.75, total: 1 });
    const request = new URL(seen[0]?.url ?? '', 'http://x');
    expect(request.pathname).toBe('/prometheus/api/v1/query');
    expect(request.searchParams.get('query')).toBe('sum(rate(errors_total[1m]))');
    expect(request.searchParams.get('time')).toBe('1767229260.000');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('alice:s3cr/t').toString('base64')}`);
  });

  it.each<[string, PrometheusSliQuery, string]>([
    ['good above total', { kind: 'good_total', good: 'vector(105)', total: 'vector(100)' }, 'queries `vector(105)` and `vector(100)` at URL: good (105) exceeds total (100)'],
    ['bad above total', { kind: 'bad_total', bad: 'vector(3)', total: 'vector(2)' }, 'bad (3) exceeds total (2)'],
    ['a negative count', { kind: 'good_total', good: 'vector(-1)', total: 'vector(2)' }, 'query `vector(-1)` at URL: negative event count -1'],
    ['an error ratio above 1', { kind: 'error_ratio', errorRatio: 'vector(1.5)' }, 'error ratio 1.5 is outside [0, 1]'],
  ])('refuses %s', async (_what, query, expected) => {
    const url = await serve((request, response) => {
      const promql = new URL(request.url ?? '', 'http://x').searchParams.get('query') ?? '';
      const value = /vector\((-?[\d.]+)\)/.exec(promql)?.[1] ?? 'NaN';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] } }));
    });
    const message = expectFailure(await source.countsForStep(spec(url, query), stepEndMs, 60_000));
    expect(message).toContain(expected.replace('URL', `${url}/`));
  });

  it.each([
    ['a URL that does not parse', 'not a url', 60_000, 'Prometheus query `sum(rate(errors_total[1m]))` at (unparsable URL): invalid URL'],
    ['another scheme', 'ftp://127.0.0.1/', 60_000, 'unsupported URL scheme ftp:'],
    ['a step that is not a whole number of ms', 'http://127.0.0.1:9', 0.5, 'Prometheus at http://127.0.0.1:9/: invalid step'],
  ])('refuses %s without a request', async (_what, url, stepMs, expected) => {
    const message = expectFailure(await source.countsForStep(spec(url, ratio), stepEndMs, stepMs));
    expect(message).toContain(expected);
  });
});
