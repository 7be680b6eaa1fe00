/** The Markdown `npm run bench -- alerts` prints: one table per part, targets marked pass/FAIL. */
import type { FanoutResult, LatencyResult } from './alerts-fanout.js';
import type { IngestResult } from './alerts-ingest.js';
import { formatCount, formatMs, formatPercent, markdownTable, passMark } from './markdown.js';
import { toMiB } from './process-memory.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface AlertsReport {
  machine: string;
  /** cpuCheckMs before and after the run. */
  cpuCheck: [number, number];
  /** 1-minute load average before and after the run (2 cores: above 2 means others wait for CPU too). */
  loadAverage: [number, number];
  command: string;
  /** Mean ms of one durable SQLite commit in a temp dir (see alerts-commit-probe.ts). */
  commitMs: number;
  ingest: Array<{ store: string; settings: string; readyRssBytes: number | undefined; exit: number | string | undefined; outcome: Outcome<IngestResult> }>;
  fanout: Array<{ store: string; concurrency: string; exit: number | string | undefined; outcome: Outcome<FanoutResult> }>;
  latency: Array<{ store: string; intervalMs: number; groupWaitMs: number; exit: number | string | undefined; outcome: Outcome<LatencyResult> }>;
}

const ingestTarget = { alertsPerSecond: 5000, p99Ms: 20 };
const fanoutTargetPerSecond = 2000;
const latencyMarginMs = 100;

function failedRow(store: string, reason: string, width: number): string[] {
  return [store, `failed: ${reason.split('\n')[0]?.slice(0, 120) ?? ''}`, ...Array.from({ length: width - 2 }, () => '')];
}

function ingestTable(report: AlertsReport): string {
  const columns = [
    { title: 'store' }, { title: 'offered / achieved alerts/s', align: 'right' as const }, { title: 'requests', align: 'right' as const },
    { title: 'p50 ms', align: 'right' as const }, { title: 'p99 ms', align: 'right' as const }, { title: 'max ms', align: 'right' as const },
    { title: 'failed / late / unsent', align: 'right' as const }, { title: 'server CPU', align: 'right' as const }, { title: 'loadgen CPU', align: 'right' as const },
    { title: 'RSS ready / peak / end MB', align: 'right' as const }, { title: 'target', }, { title: 'result' },
  ];
  const rows = report.ingest.map(({ store, readyRssBytes, outcome }) => {
    if (!outcome.ok) return failedRow(store, outcome.reason, columns.length);
    const r = outcome.value;
    const passed = r.failures === 0 && r.unsent === 0 && r.alertsPerSecond >= ingestTarget.alertsPerSecond * 0.99 && r.p99Ms < ingestTarget.p99Ms;
    return [
      store, `${formatCount(r.offeredAlertsPerSecond)} / ${formatCount(r.alertsPerSecond)}`, formatCount(r.requests), formatMs(r.p50Ms), formatMs(r.p99Ms), formatMs(r.maxMs),
      `${r.failures} / ${r.late} / ${r.unsent}`, formatPercent(r.serverCpuPercent), formatPercent(r.loadCpuPercent),
      `${toMiB(readyRssBytes)} / ${toMiB(r.peakRssBytes)} / ${toMiB(r.endRssBytes)}`, '5,000 alerts/s sustained, p99 < 20 ms', passMark(passed),
    ];
  });
  return markdownTable(columns, rows);
}

function fanoutTable(report: AlertsReport): string {
  const columns = [
    { title: 'store' }, { title: 'outbox concurrency', align: 'right' as const }, { title: 'groups / posted', align: 'right' as const }, { title: 'received (same key again / group again)', align: 'right' as const },
    { title: 'posted after s', align: 'right' as const }, { title: 'first / all after s', align: 'right' as const }, { title: 'notifications/s', align: 'right' as const }, { title: 'after posts /s', align: 'right' as const },
    { title: 'outbox pending after posts / end', align: 'right' as const }, { title: 'sent / dead', align: 'right' as const },
    { title: 'server CPU', align: 'right' as const }, { title: 'bench CPU', align: 'right' as const }, { title: 'peak RSS MB', align: 'right' as const }, { title: 'target' }, { title: 'result' },
  ];
  const rows = report.fanout.map(({ store, concurrency, outcome }) => {
    if (!outcome.ok) return failedRow(store, outcome.reason, columns.length);
    const r = outcome.value;
    const passed = r.complete && r.postFailures === 0 && r.notificationsPerSecond >= fanoutTargetPerSecond;
    return [
      store, concurrency, `${formatCount(r.groups)} / ${formatCount(r.posted)}`, `${formatCount(r.received)} (${r.repeatedKeys} / ${r.repeatedGroups})`, (r.postedMs / 1000).toFixed(2), `${(r.firstMs / 1000).toFixed(2)} / ${(r.elapsedMs / 1000).toFixed(2)}`,
      formatCount(r.notificationsPerSecond), formatCount(r.drainPerSecond), `${formatCount(r.outboxAfterPosts.pending)} / ${formatCount(r.outboxAtEnd.pending)}`, `${formatCount(r.outboxAtEnd.sent)} / ${formatCount(r.outboxAtEnd.dead)}`,
      formatPercent(r.serverCpuPercent), formatPercent(r.loadCpuPercent), toMiB(r.peakRssBytes), '>= 2,000 notifications/s', passMark(passed),
    ];
  });
  return markdownTable(columns, rows);
}

function latencyTable(report: AlertsReport): string {
  const columns = [
    { title: 'store' }, { title: 'interval / group_wait', align: 'right' as const }, { title: 'trials (missed)', align: 'right' as const },
    { title: 'min ms', align: 'right' as const }, { title: 'p50 ms', align: 'right' as const }, { title: 'p99 ms', align: 'right' as const }, { title: 'max ms', align: 'right' as const },
    { title: 'target p99' }, { title: 'result' },
  ];
  const rows = report.latency.map(({ store, intervalMs, groupWaitMs, outcome }) => {
    if (!outcome.ok) return failedRow(store, outcome.reason, columns.length);
    const r = outcome.value;
    const targetMs = intervalMs + groupWaitMs + latencyMarginMs;
    return [
      store, `${intervalMs / 1000} s / ${groupWaitMs / 1000} s`, `${r.trials} (${r.missed})`, formatMs(r.minMs), formatMs(r.p50Ms), formatMs(r.p99Ms), formatMs(r.maxMs),
      `< ${formatCount(targetMs)} ms`, passMark(r.missed === 0 && r.p99Ms < targetMs),
    ];
  });
  return markdownTable(columns, rows);
}

export function formatAlertsReport(report: AlertsReport): string {
  const exits = [...report.ingest, ...report.fanout, ...report.latency].map((part) => part.exit).filter((exit) => exit !== undefined);
  const lines = [
    '## alerts',
    '',
    report.machine,
    `Command: \`${report.command}\`. CPU check (lower is faster; a quiet VM reads ~150 ms): ${Math.round(report.cpuCheck[0])} ms before, ${Math.round(report.cpuCheck[1])} ms after. One durable SQLite commit (WAL, synchronous = FULL) in a temp dir: ${report.commitMs.toFixed(2)} ms. Load average (1 min): ${report.loadAverage[0].toFixed(1)} before, ${report.loadAverage[1].toFixed(1)} after.`,
    '',
  ];
  if (report.ingest.length > 0) {
    lines.push(`**Ingest** (POST /api/v2/alerts; ${report.ingest[0]?.settings ?? ''}):`, '', ingestTable(report), '');
    for (const { store, outcome } of report.ingest) if (outcome.ok && outcome.value.firstFailure !== undefined) lines.push(`- ${store}: first failure: ${outcome.value.firstFailure}`);
  }
  if (report.fanout.length > 0) lines.push('**Fan-out** (one group per alert, group_wait 0s, one webhook receiver on 127.0.0.1 answering 200; "after posts": notifications received after the last POST was answered, per second until the last one):', '', fanoutTable(report), '');
  if (report.latency.length > 0) lines.push('**Rule latency** (fake Prometheus armed at a random phase -> firing notification at the webhook):', '', latencyTable(report), '');
  lines.push(`Server exit on SIGTERM: ${exits.map(String).join(', ') || 'n/a'}.`, '');
  return lines.join('\n');
}
