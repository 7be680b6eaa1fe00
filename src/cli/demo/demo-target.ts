/**
 * A small HTTP service to watch: the target of the demo (`npm start` runs one beside the
 * server) and of `npm run bench -- monitors` (a separate process). It answers like a real
 * dependency would, with latency, occasional errors and planned bad periods, so monitors,
 * uptime bars and latency charts have something to show.
 *
 *   GET /health        {"status":"ok"} at once
 *   GET /api/orders    `latencyMs` +- `jitterMs`, a 500 with probability `failureRate`
 *   GET /flaky         503 for 2 minutes from 1 minute after the start, then every 15 minutes
 *                      (a visible outage, alert and incident soon after `npm start`)
 *   GET /slow          answers after 800 ms (a degraded monitor with max_latency below it)
 *   anything else      200 "sre-monitor demo target" (the bench hits `/` with its own settings)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock.js';

export interface DemoTargetOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  jitterMs?: number;
  failureRate?: number;
  clock: Clock;
  random?: () => number;
}

export interface DemoTarget {
  url: string;
  port: number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

const flakyPeriodMs = 15 * 60_000;
const flakyStartMs = 60_000;
const flakyLengthMs = 2 * 60_000;

export async function startDemoTarget(options: DemoTargetOptions): Promise<DemoTarget> {
  const random = options.random ?? Math.random;
  const latencyMs = options.latencyMs ?? 0;
  const jitterMs = options.jitterMs ?? 0;
  const failureRate = options.failureRate ?? 0;
  let answered = 0;
  const startedAtMs = options.clock.nowMs();

  const delay = (): number => Math.max(0, latencyMs + (random() * 2 - 1) * jitterMs);
  const send = (response: http.ServerResponse, status: number, body: string, type = 'text/plain'): void => {
    answered += 1;
    response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
  const later = (ms: number, answer: () => void): void => {
    if (ms <= 0) answer();
    else setTimeout(answer, ms);
  };

  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health') return send(response, 200, '{"status":"ok"}', 'application/json');
    if (path === '/slow') return later(800, () => send(response, 200, 'slow but fine'));
    if (path === '/flaky') {
      const phaseMs = (options.clock.nowMs() - startedAtMs) % flakyPeriodMs;
      const inOutage = phaseMs >= flakyStartMs && phaseMs < flakyStartMs + flakyLengthMs;
      return send(response, inOutage ? 503 : 200, inOutage ? 'planned demo outage' : 'ok');
    }
    const fail = random() < failureRate;
    if (path === '/api/orders') {
      return later(delay(), () => (fail ? send(response, 500, 'internal error') : send(response, 200, '{"orders":[]}', 'application/json')));
    }
    return later(delay(), () => (fail ? send(response, 500, 'internal error') : send(response, 200, 'sre-monitor demo target')));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    requests: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
