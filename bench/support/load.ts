/**
 * One load run with autocannon's programmatic API: a warm-up, then a measured run of fixed
 * duration and connection count. autocannon's own latency histogram has 1 ms resolution (p50
 * of a fast endpoint reads "0" or "1"), so per-response times (float ms, from its 'response'
 * event) are also kept and the percentiles computed from them.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { ownCpuSeconds, readCpuSeconds } from './process-cpu.js';
import { sampleRss } from './process-memory.js';

export interface LoadOptions {
  /** Must be a 127.0.0.1 URL: benchmarks only ever load this machine's loopback. */
  url: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** The server's pid, for peak RSS during the measured run. */
  serverPid: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Completed requests divided by the measured seconds. */
  requestsPerSecond: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** autocannon's own (integer ms) p99, for comparison. */
  autocannonP99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  peakRssBytes: number | undefined;
  /** CPU used during the measured run as % of one core: the server, and this process (autocannon). */
  serverCpuPercent: number | undefined;
  loadCpuPercent: number;
}

/** Upper bound on kept latencies (~8 MB): far above 10 s at any rate this server reaches. */
const maxSamples = 1_000_000;

function assertLoopback(url: string): void {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: benchmarks only target 127.0.0.1`);
}

async function fire(options: LoadOptions, durationS: number, onResponseMs?: (ms: number) => void): Promise<autocannon.Result> {
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: durationS,
    pipelining: 1,
    timeout: 10,
    headers: options.headers,
  });
  if (onResponseMs !== undefined) {
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => onResponseMs(responseTimeMs));
  }
  return await instance;
}

/** Percentile by nearest rank on a sorted array (0 < q <= 1). */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  if (options.warmupS > 0) await fire(options, options.warmupS);

  const samples = new Float64Array(maxSamples);
  let count = 0;
  const sampler = sampleRss(options.serverPid, 250);
  const serverCpuBefore = readCpuSeconds(options.serverPid);
  const loadCpuBefore = ownCpuSeconds();
  const startedMs = performance.now();
  let peakRssBytes: number | undefined;
  let result: autocannon.Result;
  try {
    result = await fire(options, options.durationS, (ms) => {
      if (count < maxSamples) samples[count++] = ms;
    });
  } finally {
    peakRssBytes = sampler.stop();
  }
  const wallS = (performance.now() - startedMs) / 1000;
  const serverCpuAfter = readCpuSeconds(options.serverPid);
  const serverCpuPercent = serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : (100 * (serverCpuAfter - serverCpuBefore)) / wallS;
  const loadCpuPercent = (100 * (ownCpuSeconds() - loadCpuBefore)) / wallS;
  const completed = result.requests.total ?? count;
  const sorted = samples.subarray(0, count).sort();
  return {
    // Completed requests over the run's wall time: the exact mean. autocannon's per-second
    // histogram keeps 3 significant digits, so its `requests.mean` is rounded to a bucket.
    requestsPerSecond: completed / result.duration,
    totalRequests: completed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    autocannonP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    peakRssBytes,
    serverCpuPercent,
    loadCpuPercent,
  };
}
