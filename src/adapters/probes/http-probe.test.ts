import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, createLocalServers } from '../../../test/support/local-servers.js';
import { createExpiryCertificates, type TestCertificate } from '../../../test/support/tls-certificate.js';
import { createHttpProbe, type HttpProbeSpec } from './http-probe.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers = createLocalServers();
afterEach(() => servers.closeAll());
const listen = (server: net.Server): Promise<string> => servers.listen(server);

async function startHttp(handler: Handler): Promise<string> {
  return `http://${await listen(http.createServer(handler))}`;
}

async function startHttps(certificate: TestCertificate, handler: Handler): Promise<string> {
  return `https://${await listen(https.createServer({ key: certificate.key, cert: certificate.cert }, handler))}`;
}

function reply(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

const probe = createHttpProbe();
const signal = (): AbortSignal => AbortSignal.timeout(5_000);
const check = (spec: HttpProbeSpec) => probe.check(spec, signal());

describe('http probe: status', () => {
  it('is up with phase timings for a 200', async () => {
    const base = await startHttp(reply(200, 'ok'));
    const result = await check({ url: `${base}/health` });
    expect(result).toMatchObject({ status: 'up', message: 'HTTP 200 OK', details: { statusCode: 200 } });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(result.timings?.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings?.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(result.timings?.dnsMs).toBeUndefined(); // an IP literal needs no lookup
    expect(result.timings?.tlsMs).toBeUndefined();
  });

  it('is down with the expected range for a 503', async () => {
    const base = await startHttp(reply(503, 'busy'));
    expect(await check({ url: base })).toMatchObject({ status: 'down', message: 'HTTP 503 (expected 200-299)' });
  });

  it.each([
    { status: 404, expected: [404], verdict: 'up', message: 'HTTP 404 Not Found' },
    { status: 204, expected: [200, { from: 204, to: 206 }], verdict: 'up', message: 'HTTP 204 No Content' },
    { status: 500, expected: [200, { from: 300, to: 399 }], verdict: 'down', message: 'HTTP 500 (expected 200, 300-399)' },
    { status: 200, expected: [{ from: 201, to: 299 }], verdict: 'down', message: 'HTTP 200 (expected 201-299)' },
  ])('HTTP $status against $expected is $verdict', async ({ status, expected, verdict, message }) => {
    const base = await startHttp(reply(status));
    expect(await check({ url: base, expectedStatus: expected })).toMatchObject({ status: verdict, message });
  });

  it('judges a redirect itself when redirects are not followed', async () => {
    const base = await startHttp(reply(302, '', { location: '/elsewhere' }));
    expect(await check({ url: base, followRedirects: false })).toMatchObject({
      status: 'down',
      message: 'HTTP 302 (expected 200-299)',
    });
  });

  it('reports an invalid URL and an unsupported protocol', async () => {
    expect(await check({ url: 'not a url' })).toMatchObject({ status: 'down', message: 'invalid URL "not a url"', latencyMs: null });
    expect((await check({ url: 'ftp://127.0.0.1/' })).message).toMatch(/^unsupported protocol ftp:/);
  });
});

describe('http probe: body', () => {
  it.each([
    { body: 'all ok here', keyword: { text: 'ok', present: true }, verdict: 'up', message: 'HTTP 200 OK' },
    { body: 'all fine', keyword: { text: 'ok', present: true }, verdict: 'down', message: 'keyword "ok" not found in body' },
    { body: 'no trouble', keyword: { text: 'error', present: false }, verdict: 'up', message: 'HTTP 200 OK' },
    {
      body: 'error: disk full',
      keyword: { text: 'error', present: false },
      verdict: 'down',
      message: 'keyword "error" found in body (expected absent)',
    },
  ])('keyword $keyword.text present=$keyword.present in "$body" is $verdict', async ({ body, keyword, verdict, message }) => {
    const base = await startHttp(reply(200, body));
    expect(await check({ url: base, keyword })).toMatchObject({ status: verdict, message });
  });

  const health = JSON.stringify({ status: 'degraded', version: '2.4.1', checks: { db: { latencyMs: 3, ok: true } }, lastError: null });
  it.each([
    { jsonPath: { path: '$.status', equals: 'degraded' }, verdict: 'up', message: 'HTTP 200 OK' },
    { jsonPath: { path: '$.status', equals: 'up' }, verdict: 'down', message: 'JSON path $.status is "degraded" (expected "up")' },
    { jsonPath: { path: '$.checks.db.ok', equals: true }, verdict: 'up', message: 'HTTP 200 OK' },
    { jsonPath: { path: '$.checks.db.latencyMs', equals: 4 }, verdict: 'down', message: 'JSON path $.checks.db.latencyMs is 3 (expected 4)' },
    { jsonPath: { path: '$.lastError', equals: null }, verdict: 'up', message: 'HTTP 200 OK' },
    { jsonPath: { path: '$.version', matches: '^2\\.' }, verdict: 'up', message: 'HTTP 200 OK' },
    { jsonPath: { path: '$.version', matches: '^3\\.' }, verdict: 'down', message: 'JSON path $.version is "2.4.1" (expected to match /^3\\./)' },
    { jsonPath: { path: '$.checks.cache' }, verdict: 'down', message: 'JSON path $.checks.cache not found' },
    { jsonPath: { path: '$.checks.db' }, verdict: 'up', message: 'HTTP 200 OK' },
    { jsonPath: { path: '$.checks[[' }, verdict: 'down', message: 'invalid JSON path $.checks[[: missing ]]' },
    { jsonPath: { path: 'status' }, verdict: 'down', message: 'invalid JSON path status: must start with $' },
    { jsonPath: { path: '$.version', matches: '([' }, verdict: 'down', message: /^invalid regex \/\(\[\/: / },
  ])('JSON path $jsonPath.path is $verdict', async ({ jsonPath, verdict, message }) => {
    const base = await startHttp(reply(200, health, { 'content-type': 'application/json' }));
    const result = await check({ url: base, jsonPath });
    expect(result.status).toBe(verdict);
    expect(result.message).toMatch(typeof message === 'string' ? new RegExp(`^${escapeRegex(message)}$`) : message);
  });

  it('reports a body that is not JSON', async () => {
    const base = await startHttp(reply(200, '<html>oops</html>'));
    const result = await check({ url: base, jsonPath: { path: '$.status', equals: 'up' } });
    expect(result.status).toBe('down');
    expect(result.message).toMatch(/^invalid JSON body: Unexpected token/);
  });

  it('reads at most maxBodyBytes of a huge streamed body, closes the socket and still judges the prefix', async () => {
    const totalBytes = 20 * 1024 * 1024;
    const responses: Array<{ sentBytes: number; clientGone: boolean }> = [];
    const base = await startHttp((_req, res) => {
      const state = { sentBytes: 0, clientGone: false };
      responses.push(state);
      res.on('close', () => (state.clientGone = true));
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        // Bounded: stops at 20 MiB or as soon as the client hangs up.
        while (!state.clientGone && state.sentBytes < totalBytes) {
          const first = state.sentBytes === 0;
          state.sentBytes += chunk.length;
          if (!res.write(first ? Buffer.concat([Buffer.from('ready '), chunk]) : chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!state.clientGone) res.end('tail-marker');
      };
      pump();
    });
    const small = createHttpProbe({ maxBodyBytes: 100 * 1024 });
    const found = await small.check({ url: base, keyword: { text: 'ready', present: true } }, signal());
    expect(found).toMatchObject({ status: 'up', details: { bodyTruncated: true, bodyBytes: 100 * 1024 } });
    const missing = await small.check({ url: base, keyword: { text: 'tail-marker', present: true } }, signal());
    expect(missing).toMatchObject({ status: 'down', message: 'keyword "tail-marker" not found in body' });
    await expect.poll(() => responses.every((response) => response.clientGone)).toBe(true);
    expect(responses).toHaveLength(2);
    for (const response of responses) expect(response.sentBytes).toBeLessThan(totalBytes);
  });

  it('reports garbage that is not HTTP', async () => {
    const server = net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n'));
    const address = await listen(server);
    const result = await check({ url: `http://${address}/` });
    expect(result.status).toBe('down');
    expect(result.message).toMatch(/^invalid HTTP response: Parse Error/);
  });

  it('reports a server that closes the connection without answering', async () => {
    const server = net.createServer((socket) => socket.destroy());
    const address = await listen(server);
    const result = await check({ url: `http://${address}/` });
    expect(result).toMatchObject({ status: 'down', latencyMs: null });
    expect(result.message).toMatch(/socket hang up|ECONNRESET/);
  });
});

describe('http probe: latency, timeouts, connection errors', () => {
  it('is degraded when slower than maxLatencyMs', async () => {
    const base = await startHttp((_req, res) => setTimeout(() => res.end('ok'), 120));
    const result = await check({ url: base, maxLatencyMs: 40 });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^slow response: \d+ ms \(max 40 ms\)$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(100);
  });

  it('settles promptly with the configured timeout when the server never answers', async () => {
    const server = net.createServer(() => undefined); // accepts, then says nothing
    const address = await listen(server);
    const startedAt = performance.now();
    const result = await probe.check({ url: `http://${address}/` }, createProbeTimeoutSignal(300));
    const elapsedMs = performance.now() - startedAt;
    expect(result).toMatchObject({ status: 'down', latencyMs: null, message: 'timed out after 300 ms (no response headers)' });
    expect(elapsedMs).toBeLessThan(300 + 200);
  });

  it('reports the elapsed time for a plain timeout signal', async () => {
    const server = net.createServer(() => undefined);
    const address = await listen(server);
    const result = await probe.check({ url: `http://${address}/` }, AbortSignal.timeout(200));
    expect(result.message).toMatch(/^timed out after 2\d\d ms \(no response headers\)$/);
  });

  it('reports a refused connection on a port that was just closed', async () => {
    const port = await closedPort(() => net.createServer());
    expect(await check({ url: `http://127.0.0.1:${port}/` })).toMatchObject({
      status: 'down',
      latencyMs: null,
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });
});

describe('http probe: redirects, methods, requests', () => {
  it('follows redirects and counts every hop', async () => {
    const base = await startHttp((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(307, { location: `${base}/done` }).end();
      else res.writeHead(200).end('arrived');
    });
    const result = await check({ url: `${base}/a`, keyword: { text: 'arrived', present: true } });
    expect(result).toMatchObject({ status: 'up', details: { redirects: 2, url: `${base}/done` } });
  });

  it('gives up on a redirect loop after 5 redirects', async () => {
    let requests = 0;
    const base = await startHttp((_req, res) => {
      requests += 1;
      res.writeHead(302, { location: '/loop' }).end();
    });
    expect(await check({ url: `${base}/loop` })).toMatchObject({ status: 'down', message: 'too many redirects (5)' });
    expect(requests).toBe(6);
  });

  it('turns a POST into a GET after a 303', async () => {
    const seen: string[] = [];
    const base = await startHttp((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/submit') res.writeHead(303, { location: '/result' }).end();
      else res.writeHead(200).end();
    });
    expect((await check({ url: `${base}/submit`, method: 'POST', body: 'x=1' })).status).toBe('up');
    expect(seen).toEqual(['POST /submit', 'GET /result']);
  });

  it('sends HEAD without reading a body', async () => {
    let method = '';
    const base = await startHttp((req, res) => {
      method = req.method ?? '';
      res.writeHead(200, { 'content-length': '5' }).end();
    });
    expect(await check({ url: base, method: 'HEAD' })).toMatchObject({ status: 'up', details: { bodyBytes: 0 } });
    expect(method).toBe('HEAD');
  });

  it('sends the method, headers and body of a POST', async () => {
    let seen: { method?: string; auth?: string; type?: string; body: string } = { body: '' };
    const base = await startHttp((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen = { method: req.method, auth: req.headers.authorization, type: req.headers['content-type'], body };
        res.writeHead(201).end();
      });
    });
    const result = await check({
      url: base,
      method: 'POST',
      headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
      body: '{"ping":1}',
      expectedStatus: [201],
    });
    expect(result.status).toBe('up');
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer t0ken', type: 'application/json', body: '{"ping":1}' });
  });
});

describe('http probe: TLS', () => {
  let yearLong: TestCertificate;
  let expiringSoon: TestCertificate;
  let expired: TestCertificate;

  beforeAll(async () => {
    ({ yearLong, expiringSoon, expired } = await createExpiryCertificates());
  });

  it('rejects a self-signed certificate unless told to ignore TLS errors', async () => {
    const base = await startHttps(yearLong, reply(200, 'ok'));
    expect(await check({ url: base })).toMatchObject({
      status: 'down',
      message: 'self-signed certificate (set ignore_tls_errors to accept)',
    });
    const accepted = await check({ url: base, ignoreTlsErrors: true });
    expect(accepted).toMatchObject({ status: 'up', message: 'HTTP 200 OK', details: { certificate: { daysLeft: 364 } } });
    expect(accepted.timings?.tlsMs).toBeGreaterThan(0);
  });

  it('is degraded with the days left when the certificate expires within the warning window', async () => {
    const base = await startHttps(expiringSoon, reply(200, 'ok'));
    const result = await check({ url: base, ignoreTlsErrors: true });
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/^certificate expires in 3 days \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
    expect((await check({ url: base, ignoreTlsErrors: true, certificateExpiryWarningDays: 2 })).status).toBe('up');
  });

  it('is down for an expired certificate, even when ignoring TLS errors', async () => {
    const base = await startHttps(expired, reply(200, 'ok'));
    for (const ignoreTlsErrors of [false, true]) {
      expect(await check({ url: base, ignoreTlsErrors })).toMatchObject({
        status: 'down',
        message: 'certificate expired 3 days ago',
        details: { certificate: { daysLeft: -4 } },
      });
    }
  });
});

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
