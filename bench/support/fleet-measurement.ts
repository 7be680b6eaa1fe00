/**
 * One measured run of a monitor fleet on one store: write the config (N HTTP monitors on the
 * target), start the server, let one interval pass as warm-up, then measure a window between
 * two /metrics scrapes: checks, lag and check-duration histograms, skipped runs and writes as
 * deltas; CPU, machine load and RSS (every second) from /proc; queue depth, pending writes and
 * V8 heap from scrapes every `scrapeIntervalS` (about what Prometheus would do).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { appendFleet, startFleetServer, type FleetServer } from './monitor-fleet.js';
import { deltaOf, histogramDelta, histogramQuantile, labelValues, parsePrometheusText, shareAtOrBelow, sumOf, type Quantile, type Scrape } from './prometheus-text.js';
import { readRssBytes } from './process-memory.js';
import { createRunSampler, type RunSamples } from './run-sampler.js';
import { createWorkspace, type StorageSettings } from './server-under-test.js';
import type { WatchedChild } from './watched-child.js';

export interface FleetScenario {
  monitors: number;
  intervalS: number;
  timeoutS: number;
  warmupS: number;
  durationS: number;
  maxConcurrency: number | undefined;
  scrapeIntervalS: number;
}

export interface FleetRunOptions {
  label: string;
  storage: StorageSettings;
  scenario: FleetScenario;
  targetUrl: string;
  targetPid: number;
  cli: string;
  nodeFlags: string[];
  startTimeoutMs: number;
  /** Write a V8 CPU profile of the server into this directory. */
  cpuProfileDir: string | undefined;
  track: (child: WatchedChild) => void;
  onCleanup: (cleanup: () => Promise<unknown>) => () => void;
  log: (message: string) => void;
}

export interface FleetMeasurement {
  bannerS: number;
  readyS: number;
  readyRssBytes: number | undefined;
  /** Seconds between the two scrapes that bound the window. */
  windowS: number;
  samples: RunSamples;
  checks: number;
  checksByStatus: Record<string, number>;
  lagP50: Quantile | undefined;
  lagP99: Quantile | undefined;
  /** Exact share of checks that started at most 1 s late (1 s is a bucket bound). */
  lagShareWithin1s: number | undefined;
  checkDurationP50: Quantile | undefined;
  checkDurationP99: Quantile | undefined;
  skippedOverrun: number;
  skippedBehind: number;
  written: number;
  dropped: number;
  maxQueued: number;
  maxRunning: number;
  maxPendingWrites: number;
  heapUsedPeakBytes: number | undefined;
  /** Highest event-loop delay p99 and max (s) among the scrapes (prom-client resets them at each scrape). */
  eventLoopP99MaxS: number | undefined;
  eventLoopMaxS: number | undefined;
  /** Slowest /metrics scrape in the window (ms) and the size of the last one (bytes). */
  scrapeMaxMs: number;
  scrapeBytes: number;
  serverExit: number | string;
}

const metricPrefixes = ['sre_monitor_', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_'];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fetchMetrics(server: FleetServer): Promise<string> {
  const response = await fetch(`${server.baseUrl}/metrics`, { signal: AbortSignal.timeout(15_000) });
  if (response.status !== 200) throw new Error(`GET /metrics: HTTP ${response.status}`);
  return response.text();
}

async function scrape(server: FleetServer): Promise<Scrape> {
  return parsePrometheusText(await fetchMetrics(server), metricPrefixes);
}

interface TimedScrape {
  scrape: Scrape;
  /** When it was taken: the middle of the request (a scrape of 10,000 monitors takes a while). */
  atMs: number;
  tookMs: number;
  bytes: number;
}

async function timedScrape(server: FleetServer): Promise<TimedScrape> {
  const startedAt = performance.now();
  const text = await fetchMetrics(server);
  const doneAt = performance.now();
  return { scrape: parsePrometheusText(text, metricPrefixes), atMs: (startedAt + doneAt) / 2, tookMs: doneAt - startedAt, bytes: Buffer.byteLength(text) };
}

const checksTotal = (scrape: Scrape) => sumOf(scrape, 'sre_monitor_checks_total');

/** Waits `seconds`, logging the check rate every 10 s so a long warm-up shows progress. */
async function warmUp(server: FleetServer, seconds: number, log: (message: string) => void): Promise<void> {
  const endAt = performance.now() + seconds * 1000;
  let previous = checksTotal(await scrape(server));
  let previousAt = performance.now();
  while (performance.now() < endAt) {
    await sleep(Math.min(10_000, endAt - performance.now()));
    const now = checksTotal(await scrape(server));
    const nowAt = performance.now();
    log(`warm-up: ${Math.round((now - previous) / ((nowAt - previousAt) / 1000))} checks/s, RSS ${Math.round((readRssBytes(server.pid) ?? 0) / 2 ** 20)} MB`);
    previous = now;
    previousAt = nowAt;
  }
}

export async function measureFleet(options: FleetRunOptions): Promise<FleetMeasurement> {
  const { scenario, log } = options;
  const workspace = await createWorkspace(options.storage);
  const releaseWorkspace = options.onCleanup(() => workspace.cleanup());
  let server: FleetServer | undefined;
  try {
    await appendFleet(workspace.configFile, { ...scenario, url: options.targetUrl });
    const profileFlags = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProfileDir, options.label)];
    log(`starting the server with ${scenario.monitors} monitors at ${scenario.intervalS} s`);
    server = await startFleetServer(
      { configFile: workspace.configFile, cli: options.cli, nodeFlags: [...options.nodeFlags, ...profileFlags], startTimeoutMs: options.startTimeoutMs },
      options.track,
    );
    const readyRssBytes = readRssBytes(server.pid);
    log(`server pid ${server.pid}: banner after ${server.bannerS.toFixed(1)} s, ready after ${server.readyS.toFixed(1)} s; warm-up ${scenario.warmupS} s`);
    await warmUp(server, scenario.warmupS, log);

    log(`measuring ${scenario.durationS} s`);
    const first = await timedScrape(server);
    const before = first.scrape;
    const windowStart = first.atMs;
    const sampler = createRunSampler({ pid: server.pid, targetPid: options.targetPid, rssIntervalMs: 1000 });
    let maxQueued = 0;
    let maxRunning = 0;
    let maxPendingWrites = 0;
    let heapUsedPeakBytes: number | undefined;
    let eventLoopP99MaxS: number | undefined;
    let eventLoopMaxS: number | undefined;
    let scrapeMaxMs = first.tookMs;
    let scrapeBytes = first.bytes;
    const observeGauges = (current: Scrape) => {
      const loopP99 = current.find((sample) => sample.name === 'nodejs_eventloop_lag_p99_seconds')?.value;
      const loopMax = current.find((sample) => sample.name === 'nodejs_eventloop_lag_max_seconds')?.value;
      if (loopP99 !== undefined) eventLoopP99MaxS = Math.max(eventLoopP99MaxS ?? 0, loopP99);
      if (loopMax !== undefined) eventLoopMaxS = Math.max(eventLoopMaxS ?? 0, loopMax);
      maxQueued = Math.max(maxQueued, sumOf(current, 'sre_monitor_scheduler_checks', { state: 'queued' }));
      maxRunning = Math.max(maxRunning, sumOf(current, 'sre_monitor_scheduler_checks', { state: 'running' }));
      maxPendingWrites = Math.max(maxPendingWrites, sumOf(current, 'sre_monitor_results_pending_writes'));
      const heap = sumOf(current, 'nodejs_heap_size_used_bytes');
      if (heap > 0) heapUsedPeakBytes = Math.max(heapUsedPeakBytes ?? 0, heap);
    };
    observeGauges(before);
    const windowEndAt = windowStart + scenario.durationS * 1000;
    let after = before;
    let windowEnd = windowStart;
    while (performance.now() < windowEndAt) {
      await sleep(Math.min(scenario.scrapeIntervalS * 1000, Math.max(0, windowEndAt - performance.now())));
      const next = await timedScrape(server);
      ({ scrape: after, atMs: windowEnd } = next);
      scrapeMaxMs = Math.max(scrapeMaxMs, next.tookMs);
      scrapeBytes = next.bytes;
      observeGauges(after);
      const elapsedS = (windowEnd - windowStart) / 1000;
      log(`${Math.round(elapsedS)} s: ${Math.round((checksTotal(after) - checksTotal(before)) / elapsedS)} checks/s, queued ${sumOf(after, 'sre_monitor_scheduler_checks', { state: 'queued' })}, running ${sumOf(after, 'sre_monitor_scheduler_checks', { state: 'running' })}`);
    }
    const samples = sampler.stop();
    const windowS = (windowEnd - windowStart) / 1000;

    const lag = histogramDelta(before, after, 'sre_monitor_scheduler_lag_seconds');
    const duration = histogramDelta(before, after, 'sre_monitor_check_duration_seconds');
    const checksByStatus: Record<string, number> = {};
    for (const status of labelValues(after, 'sre_monitor_checks_total', 'status')) checksByStatus[status] = deltaOf(before, after, 'sre_monitor_checks_total', { status });

    const running = server;
    server = undefined;
    const serverExit = await running.stop();
    if (serverExit !== 0) log(`server exit ${serverExit} after SIGTERM; its output:\n${running.output()}`);
    return {
      bannerS: running.bannerS,
      readyS: running.readyS,
      readyRssBytes,
      windowS,
      samples,
      checks: checksTotal(after) - checksTotal(before),
      checksByStatus,
      lagP50: histogramQuantile(0.5, lag),
      lagP99: histogramQuantile(0.99, lag),
      lagShareWithin1s: shareAtOrBelow(1, lag),
      checkDurationP50: histogramQuantile(0.5, duration),
      checkDurationP99: histogramQuantile(0.99, duration),
      skippedOverrun: deltaOf(before, after, 'sre_monitor_checks_skipped_total', { reason: 'overrun' }),
      skippedBehind: deltaOf(before, after, 'sre_monitor_checks_skipped_total', { reason: 'behind' }),
      written: deltaOf(before, after, 'sre_monitor_results_written_total'),
      dropped: deltaOf(before, after, 'sre_monitor_results_dropped_total'),
      maxQueued,
      maxRunning,
      maxPendingWrites,
      heapUsedPeakBytes,
      eventLoopP99MaxS,
      eventLoopMaxS,
      scrapeMaxMs,
      scrapeBytes,
      serverExit,
    };
  } finally {
    await server?.stop();
    await workspace.cleanup();
    releaseWorkspace();
  }
}
