/**
 * Part "http" of `npm run bench -- slo`: pushed events through the real server. A few clients in
 * this process POST pre-built NDJSON batches to `/api/v1/events` back to back for a bounded
 * time; only 202 answers count (the server acknowledges a batch after it is committed).
 *
 * Two kinds of line, measured one after the other on the same server:
 * - outcomes: `{"slo": ..., "status": 200, "latency_ms": 87}`, one request = one event,
 *   classified by the SLO's good_when rule: events/s = lines/s, the strict figure;
 * - counts: `{"slo": ..., "good": 97, "total": 100}`, a pre-aggregated count per line (50-149
 *   events): lines/s is what the server works for, events/s is lines/s times ~100.
 */
import { performance } from 'node:perf_hooks';
import { ownCpuSeconds, readCpuSeconds } from './process-cpu.js';
import { sampleRss } from './process-memory.js';
import { mix, sloName } from './slo-synthetic.js';

export const lineKinds = ['outcomes', 'counts'] as const;
export type LineKind = (typeof lineKinds)[number];

export interface IngestLoadSettings {
  baseUrl: string;
  serverPid: number;
  token: string;
  slos: number;
  kind: LineKind;
  batchLines: number;
  clients: number;
  durationS: number;
  warmupS: number;
  /** Lists the database server's processes (PostgreSQL), whose CPU is reported too; called after the warm-up. */
  databasePids?: () => number[];
}

export interface IngestLoadResult {
  kind: LineKind;
  batches: number;
  lines: number;
  events: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  firstFailure: string | null;
  /** Events acknowledged in warm-up, measurement and tail: what the store must hold. */
  acknowledgedEvents: number;
  serverCpuPercent: number | undefined;
  loadCpuPercent: number;
  /** All PostgreSQL processes together, % of one core; undefined for SQLite (in the server process). */
  databaseCpuPercent: number | undefined;
  peakRssBytes: number | undefined;
  bodyBytes: number;
}

function cpuOf(pids: readonly number[] | undefined): number | undefined {
  if (pids === undefined || pids.length === 0) return undefined;
  return pids.reduce((sum, pid) => sum + (readCpuSeconds(pid) ?? 0), 0);
}

interface Batch {
  body: string;
  lines: number;
  events: number;
}

/** Distinct batches, so the server cannot profit from seeing the same body again. */
function buildBatches(kind: LineKind, slos: number, lines: number, count: number): Batch[] {
  const batches: Batch[] = [];
  for (let b = 0; b < count; b++) {
    const parts: string[] = [];
    let events = 0;
    for (let l = 0; l < lines; l++) {
      const h = mix(b * 7_919 + 13, l);
      const slo = sloName(h % slos);
      if (kind === 'outcomes') {
        const status = (h >>> 10) % 1000 < 2 ? 503 : 200;
        parts.push(`{"slo":"${slo}","status":${status},"latency_ms":${20 + ((h >>> 12) % 200)}}`);
        events += 1;
      } else {
        const total = 50 + ((h >>> 8) % 100);
        const bad = (h >>> 20) % 100 < 3 ? 1 : 0;
        parts.push(`{"slo":"${slo}","good":${total - bad},"total":${total}}`);
        events += total;
      }
    }
    batches.push({ body: `${parts.join('\n')}\n`, lines, events });
  }
  return batches;
}

export async function runIngestLoad(settings: IngestLoadSettings): Promise<IngestLoadResult> {
  if (new URL(settings.baseUrl).hostname !== '127.0.0.1') throw new Error(`refusing to load ${settings.baseUrl}: benchmarks only target 127.0.0.1`);
  const batches = buildBatches(settings.kind, settings.slos, settings.batchLines, 16);
  const url = `${settings.baseUrl}/api/v1/events`;
  const headers = { 'content-type': 'application/x-ndjson', authorization: `Bearer ${settings.token}` };
  let next = 0;
  let acknowledgedEvents = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const measured = { batches: 0, lines: 0, events: 0, latencies: [] as number[] };
  let window = { from: Number.POSITIVE_INFINITY, to: Number.NEGATIVE_INFINITY };

  const post = async (batch: Batch): Promise<void> => {
    const sent = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body: batch.body, signal: AbortSignal.timeout(60_000) }).catch((error: unknown) => error as Error);
    if (response instanceof Error) {
      failures++;
      firstFailure ??= response.message;
      return;
    }
    const text = await response.text();
    const done = performance.now();
    if (response.status !== 202) {
      failures++;
      firstFailure ??= `HTTP ${response.status}: ${text.slice(0, 300)}`;
      return;
    }
    acknowledgedEvents += batch.events;
    // Only batches sent and answered inside the measured window count.
    if (sent >= window.from && done <= window.to) {
      measured.batches++;
      measured.lines += batch.lines;
      measured.events += batch.events;
      measured.latencies.push(done - sent);
    }
  };
  const client = async (until: number): Promise<void> => {
    while (performance.now() < until) await post(batches[next++ % batches.length]!);
  };
  const phase = (seconds: number) => {
    const until = performance.now() + seconds * 1000;
    return Promise.all(Array.from({ length: settings.clients }, () => client(until)));
  };

  await phase(settings.warmupS);
  const cpuBefore = readCpuSeconds(settings.serverPid);
  const databasePids = settings.databasePids?.();
  const databaseBefore = cpuOf(databasePids);
  const ownBefore = ownCpuSeconds();
  const rss = sampleRss(settings.serverPid);
  window = { from: performance.now(), to: performance.now() + settings.durationS * 1000 };
  await phase(settings.durationS);
  const seconds = (window.to - window.from) / 1000;
  const cpuAfter = readCpuSeconds(settings.serverPid);
  const databaseAfter = cpuOf(databasePids);
  const peakRssBytes = rss.stop();
  const sorted = measured.latencies.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
  return {
    kind: settings.kind,
    batches: measured.batches,
    lines: measured.lines,
    events: measured.events,
    seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    failures,
    firstFailure,
    acknowledgedEvents,
    serverCpuPercent: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) / seconds) * 100,
    loadCpuPercent: ((ownCpuSeconds() - ownBefore) / seconds) * 100,
    databaseCpuPercent: databaseBefore === undefined || databaseAfter === undefined ? undefined : ((databaseAfter - databaseBefore) / seconds) * 100,
    peakRssBytes,
    bodyBytes: Buffer.byteLength(batches[0]?.body ?? ''),
  };
}

/** Sum of `total` over every stored 1-minute count: after a run it must equal the acknowledged events. */
export async function storedEventTotal(store: { sloCounts: { minutes(slo: string | undefined, fromMs: number, toMs: number): Promise<Array<{ total: number }>> } }): Promise<number> {
  const rows = await store.sloCounts.minutes(undefined, 0, Number.MAX_SAFE_INTEGER);
  return rows.reduce((sum, row) => sum + row.total, 0);
}
