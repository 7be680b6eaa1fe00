/**
 * Ingest load for `npm run bench -- alerts`: batches of alerts POSTed to `/api/v2/alerts` at a
 * fixed rate (open loop: request j is due at start + j / rate, whatever the server's speed), as
 * a fleet of Prometheus servers re-sending their firing alerts would. Up to `connections`
 * requests are in flight; a request that finds them all busy waits and is counted as late.
 * Latency is taken per request from its send (float ms), RSS and CPU of the server from /proc.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ingestAlert, type IngestAlert } from './alerts-config.js';
import { ownCpuSeconds, readCpuSeconds } from './process-cpu.js';
import { readRssBytes, sampleRss } from './process-memory.js';

export interface IngestOptions {
  baseUrl: string;
  token: string;
  serverPid: number;
  alertsPerSecond: number;
  batch: number;
  connections: number;
  warmupS: number;
  durationS: number;
  /** Distinct alerts cycled through (Prometheus re-sends the same firing alerts). */
  poolSize: number;
}

export interface IngestResult {
  /** Alerts in 200 answers to requests due in the measured window, per measured second. */
  alertsPerSecond: number;
  offeredAlertsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
  firstFailure: string | undefined;
  /** Requests sent more than 10 ms after they were due (all connections busy, or a stalled loop). */
  late: number;
  /** Requests never sent: the run stopped at twice its planned length. */
  unsent: number;
  peakRssBytes: number | undefined;
  endRssBytes: number | undefined;
  serverCpuPercent: number | undefined;
  loadCpuPercent: number;
  /** Measured requests slower than `slowMs`, by whole second of the measured window (sparse). */
  slowBySecond: Map<number, number>;
}

/** A request is "slow" for the per-second breakdown above this (the ingest p99 target). */
export const slowMs = 20;

const lateThresholdMs = 10;
/** Every request is bounded in time, so the run is too. */
const requestTimeoutMs = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Nearest rank on a sorted array (0 < q <= 1). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  if (new URL(options.baseUrl).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.baseUrl}: benchmarks only target 127.0.0.1`);
  const startsAt = new Date().toISOString();
  const pool: IngestAlert[] = Array.from({ length: options.poolSize }, (_, index) => ingestAlert(index, startsAt));
  const client = new Pool(options.baseUrl, { connections: options.connections, pipelining: 1, headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.token}` };
  const requestsPerSecond = options.alertsPerSecond / options.batch;
  const totalRequests = Math.ceil((options.warmupS + options.durationS) * requestsPerSecond);
  const firstMeasured = Math.ceil(options.warmupS * requestsPerSecond);

  const latencies = new Float64Array(totalRequests);
  const slowBySecond = new Map<number, number>();
  let measuredCount = 0;
  let acceptedAlerts = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let late = 0;
  let inFlight = 0;
  let lastMeasuredDoneMs = 0;
  let sampler: ReturnType<typeof sampleRss> | undefined;
  let serverCpuBefore: number | undefined;
  let loadCpuBefore = 0;
  let measuredStartMs = 0;

  const send = async (index: number, measured: boolean): Promise<void> => {
    const alerts = Array.from({ length: options.batch }, (_, k) => pool[(index * options.batch + k) % pool.length]);
    const endsAt = new Date(Date.now() + 5 * 60_000).toISOString();
    const body = JSON.stringify(alerts.map((alert) => ({ ...alert, endsAt })));
    const sentMs = performance.now();
    try {
      const response = await client.request({ path: '/api/v2/alerts', method: 'POST', headers, body, signal: AbortSignal.timeout(requestTimeoutMs) });
      const text = await response.body.text();
      const doneMs = performance.now();
      if (response.statusCode !== 200) {
        failures += 1;
        firstFailure ??= `HTTP ${response.statusCode}: ${text.slice(0, 300)}`;
      } else if (measured) acceptedAlerts += options.batch;
      if (measured) {
        latencies[measuredCount++] = doneMs - sentMs;
        if (doneMs - sentMs > slowMs) {
          const second = Math.floor((sentMs - measuredStartMs) / 1000);
          slowBySecond.set(second, (slowBySecond.get(second) ?? 0) + 1);
        }
        lastMeasuredDoneMs = Math.max(lastMeasuredDoneMs, doneMs);
      }
    } catch (error) {
      failures += 1;
      firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  };

  const running = new Set<Promise<void>>();
  const startMs = performance.now();
  // A server slower than the offered rate would stretch the run: stop sending at twice the planned time.
  const deadlineMs = startMs + 2 * (options.warmupS + options.durationS) * 1000;
  let unsent = 0;
  try {
    for (let index = 0; index < totalRequests; index += 1) {
      if (performance.now() > deadlineMs) {
        unsent = totalRequests - index;
        break;
      }
      const dueMs = startMs + (index / requestsPerSecond) * 1000;
      if (index === firstMeasured) {
        measuredStartMs = dueMs;
        sampler = sampleRss(options.serverPid, 250);
        serverCpuBefore = readCpuSeconds(options.serverPid);
        loadCpuBefore = ownCpuSeconds();
      }
      const waitMs = dueMs - performance.now();
      if (waitMs > 0) await sleep(waitMs);
      while (inFlight >= options.connections) await Promise.race(running);
      if (performance.now() - dueMs > lateThresholdMs) late += 1;
      inFlight += 1;
      const promise = send(index, index >= firstMeasured).finally(() => {
        inFlight -= 1;
        running.delete(promise);
      });
      running.add(promise);
    }
    await Promise.all(running);
  } finally {
    await client.close();
  }
  const peakRssBytes = sampler?.stop();
  const measuredS = Math.max(1e-3, (lastMeasuredDoneMs - measuredStartMs) / 1000);
  const serverCpuAfter = readCpuSeconds(options.serverPid);
  const sorted = latencies.subarray(0, measuredCount).sort();
  return {
    alertsPerSecond: acceptedAlerts / measuredS,
    offeredAlertsPerSecond: options.alertsPerSecond,
    requests: measuredCount,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
    failures,
    firstFailure,
    late,
    unsent,
    peakRssBytes,
    endRssBytes: readRssBytes(options.serverPid),
    serverCpuPercent: serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : (100 * (serverCpuAfter - serverCpuBefore)) / measuredS,
    loadCpuPercent: (100 * (ownCpuSeconds() - loadCpuBefore)) / measuredS,
    slowBySecond,
  };
}
