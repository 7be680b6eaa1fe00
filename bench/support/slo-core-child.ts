/**
 * Child process of `npm run bench -- slo`, part "core": the pure SLO domain in one process.
 * `--slos N --days D --steps S --ingest-rows R`:
 * 1. load: N `createSloCounts` rings (30d windows), each fed D days of synthetic minutes, SLO by
 *    SLO and oldest first (timed: rows/s of `SloCounts.add` in bulk);
 * 2. memory: RSS after loading, and after a full GC (run with --expose-gc);
 * 3. steps: S evaluation steps one minute apart; before each (untimed) every SLO gets its new
 *    minute, then the timed part: `advanceTo` + `evaluateSlo` (all windows, alerts) for every SLO;
 * 4. ingestion: R pre-generated rows in time order, round-robin over the SLOs, added with
 *    `SloCounts.add`: once as count rows (a minute's (good, total) per row, ~100 events) and once
 *    as single events (good 0/1, total 1), so rows/s and events/s can both be stated.
 * Prints `RESULT {json}`.
 */
import { performance } from 'node:perf_hooks';
import { evaluateSlo, initialAlertStatuses, type SloAlertStatuses, type SloCounts, type SloSpec } from '../../src/core/slo/index.js';
import { childArgs, numberArg, writeResult } from './slo-child-protocol.js';
import { createCountsFor, loadMinutes, minuteCounts, minuteMs, sloSpec } from './slo-synthetic.js';

export interface CoreResult {
  slos: number;
  days: number;
  baselineRssBytes: number;
  load: { rows: number; ms: number };
  rssAfterLoadBytes: number;
  rssAfterGcBytes: number;
  heapUsedAfterGcBytes: number;
  arrayBuffersBytes: number;
  ringBytes: number;
  stepMs: number[];
  firingAfterSteps: { page: number; ticket: number };
  ingest: Array<{ kind: 'count rows' | 'single events'; rows: number; events: number; ms: number; rejected: number }>;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}

function ingest(kind: 'count rows' | 'single events', counts: SloCounts[], startMinute: number, rows: number): CoreResult['ingest'][number] {
  const n = counts.length;
  const minutes = 10;
  const perMinute = Math.ceil(rows / minutes);
  const slo = new Uint32Array(rows);
  const at = new Float64Array(rows);
  const good = new Float64Array(rows);
  const total = new Float64Array(rows);
  const out = { good: 0, total: 0 };
  let events = 0;
  for (let i = 0; i < rows; i++) {
    const minute = startMinute + Math.floor(i / perMinute);
    const s = i % n;
    slo[i] = s;
    // Inside the minute ending at (minute + 1) * 1m, spread over its seconds.
    at[i] = minute * minuteMs + 1 + ((i % perMinute) * (minuteMs - 2)) / perMinute;
    minuteCounts(s, minute * 7 + i, out);
    if (kind === 'count rows') {
      good[i] = out.good;
      total[i] = out.total;
    } else {
      good[i] = out.good === out.total ? 1 : (i & 1);
      total[i] = 1;
    }
    events += total[i]!;
  }
  let rejected = 0;
  const started = performance.now();
  for (let i = 0; i < rows; i++) {
    if (!counts[slo[i]!]!.add(at[i]!, good[i]!, total[i]!).ok) rejected++;
  }
  const ms = performance.now() - started;
  return { kind, rows, events, ms, rejected };
}

function main(): void {
  const args = childArgs(process.argv.slice(2));
  const n = numberArg(args, 'slos');
  const days = numberArg(args, 'days');
  const steps = numberArg(args, 'steps');
  const ingestRows = numberArg(args, 'ingest-rows');
  gc();
  const baselineRssBytes = process.memoryUsage().rss;

  // The data ends at a fixed minute, so every run and every process sees the same numbers.
  const endMinute = Math.floor(Date.UTC(2026, 10, 1) / minuteMs);
  const specs: SloSpec[] = [];
  const counts: SloCounts[] = [];
  const alerts: SloAlertStatuses[] = [];
  log(`core: loading ${n} SLOs x ${days} days of minutes`);
  let rows = 0;
  const loadStarted = performance.now();
  for (let i = 0; i < n; i++) {
    specs.push(sloSpec(i));
    const ring = createCountsFor(i);
    rows += loadMinutes(ring, i, endMinute, days);
    counts.push(ring);
    alerts.push(initialAlertStatuses());
  }
  const loadMs = performance.now() - loadStarted;
  const rssAfterLoadBytes = process.memoryUsage().rss;
  gc();
  const memory = process.memoryUsage();
  const ringBytes = counts.reduce((sum, ring) => sum + ring.memoryBytes, 0);
  log(`core: loaded ${rows} rows in ${Math.round(loadMs)} ms; RSS ${(rssAfterLoadBytes / 2 ** 20).toFixed(0)} MB, after GC ${(memory.rss / 2 ** 20).toFixed(0)} MB`);

  const stepMs: number[] = [];
  const out = { good: 0, total: 0 };
  let minute = endMinute;
  for (let step = 0; step < steps; step++) {
    minute += 1;
    for (let i = 0; i < n; i++) {
      minuteCounts(i, minute, out);
      counts[i]!.add(minute * minuteMs, out.good, out.total);
    }
    const atMs = minute * minuteMs;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const ring = counts[i]!;
      ring.advanceTo(atMs);
      alerts[i] = evaluateSlo(specs[i]!, ring, atMs, { previousAlerts: alerts[i]! }).alerts;
    }
    stepMs.push(performance.now() - started);
  }
  const firingAfterSteps = { page: alerts.filter((a) => a.page.state === 'firing').length, ticket: alerts.filter((a) => a.ticket.state === 'firing').length };
  log(`core: ${steps} steps, firing page ${firingAfterSteps.page} ticket ${firingAfterSteps.ticket}`);

  const ingestResults = [ingest('count rows', counts, minute + 1, ingestRows)];
  gc();
  ingestResults.push(ingest('single events', counts, minute + 20, ingestRows));
  writeResult({
    slos: n, days, baselineRssBytes, load: { rows, ms: loadMs }, rssAfterLoadBytes, rssAfterGcBytes: memory.rss, heapUsedAfterGcBytes: memory.heapUsed,
    arrayBuffersBytes: memory.arrayBuffers, ringBytes, stepMs, firingAfterSteps, ingest: ingestResults,
  } satisfies CoreResult);
}

main();
