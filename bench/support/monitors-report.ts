/**
 * The Markdown report of `npm run bench -- monitors`: one table per part (scale, reference,
 * small) with the issue's targets marked, and the notes needed to read them.
 */
import type { ReferenceMode, Settings } from '../monitors.js';
import type { FleetMeasurement, FleetScenario } from './fleet-measurement.js';
import { formatCount, formatMs, formatPercent, markdownTable } from './markdown.js';
import { toMiB } from './process-memory.js';
import type { Quantile } from './prometheus-text.js';
import type { ReferenceOutcome } from './reference-loop.js';

export type StoreKind = 'sqlite' | 'postgres';
export type PartOutcome<T> = { kind: 'measured'; value: T } | { kind: 'skipped' | 'failed'; reason: string };

export interface MonitorsReport {
  settings: Settings;
  /** The command line after `monitors`, as given. */
  args: string[];
  machine: string;
  cpuCheckMs: [number, number];
  scale: Array<{ store: StoreKind; outcome: PartOutcome<FleetMeasurement> }>;
  reference: Array<{ mode: ReferenceMode; outcome: PartOutcome<ReferenceOutcome> }>;
  small: Array<{ store: StoreKind; outcome: PartOutcome<FleetMeasurement> }>;
}

const targets = { minShareOfScheduled: 0.99, maxLagP99S: 1, maxRssBytes: 400 * 1024 ** 2 };
const referenceLabels: Record<ReferenceMode, string> = { keepalive: 'undici request, keep-alive', fresh: 'undici request, new connection each' };

const scheduledPerSecond = (scenario: FleetScenario) => scenario.monitors / scenario.intervalS;
const perSecond = (m: FleetMeasurement) => m.checks / m.windowS;
/** CPU milliseconds per 1,000 checks = CPU seconds * 10^6 / checks. */
const cpuMsPerThousand = (cpuSeconds: number | undefined, checks: number) => (cpuSeconds === undefined || checks === 0 ? 'n/a' : formatCount((cpuSeconds * 1e6) / checks));
const oneDecimalPercent = (ratio: number) => (Number.isFinite(ratio) ? `${(100 * ratio).toFixed(1)}%` : 'n/a');

const secondsAsMs = (seconds: number | undefined) => (seconds === undefined ? 'n/a' : formatMs(seconds * 1000));

/** A histogram quantile in ms; `>` when it lies above the last finite bucket. */
function quantileMs(quantile: Quantile | undefined): string {
  if (quantile === undefined) return 'n/a';
  return quantile.aboveLastBound ? `> ${formatMs(quantile.value * 1000)}` : formatMs(quantile.value * 1000);
}

function scaleVerdict(m: FleetMeasurement, scenario: FleetScenario): string {
  const missed: string[] = [];
  if (perSecond(m) < targets.minShareOfScheduled * scheduledPerSecond(scenario)) missed.push('checks/s');
  if (m.lagP99 === undefined || m.lagP99.aboveLastBound || m.lagP99.value >= targets.maxLagP99S) missed.push('lag p99');
  if (m.samples.rssPeakBytes === undefined || m.samples.rssPeakBytes >= targets.maxRssBytes) missed.push('RSS');
  return missed.length === 0 ? 'pass' : `FAIL: ${missed.join(', ')}`;
}

function fleetNotes(store: StoreKind, m: FleetMeasurement, scenario: FleetScenario): string {
  const down = (m.checksByStatus.down ?? 0) + (m.checksByStatus.degraded ?? 0);
  const statuses = Object.entries(m.checksByStatus).map(([status, count]) => `${status} ${formatCount(count)}`).join(', ');
  return [
    `- ${store}: first start creating ${formatCount(scenario.monitors)} monitors: banner after ${m.bannerS.toFixed(1)} s, /health/ready 200 after ${m.readyS.toFixed(1)} s (RSS then ${toMiB(m.readyRssBytes)} MB).`,
    `  Window ${m.windowS.toFixed(1)} s: ${statuses} (${oneDecimalPercent(m.checks === 0 ? NaN : down / m.checks)} not up); ` +
      `check duration p50 ${quantileMs(m.checkDurationP50)} ms, p99 ${quantileMs(m.checkDurationP99)} ms; ` +
      `${m.lagShareWithin1s === undefined ? 'n/a' : oneDecimalPercent(m.lagShareWithin1s)} of checks started at most 1 s late; ` +
      `peaks (scrapes every ${scenario.scrapeIntervalS} s): queued ${formatCount(m.maxQueued)}, running ${formatCount(m.maxRunning)}, pending writes ${formatCount(m.maxPendingWrites)}, ` +
      `V8 heap used ${toMiB(m.heapUsedPeakBytes)} MB, event-loop delay p99 ${secondsAsMs(m.eventLoopP99MaxS)} ms and max ${secondsAsMs(m.eventLoopMaxS)} ms (per scrape interval); ` +
      `slowest /metrics scrape ${formatMs(m.scrapeMaxMs)} ms (${Math.round(m.scrapeBytes / 1024).toLocaleString('en-US')} KiB); results dropped ${formatCount(m.dropped)}; target CPU ${formatPercent(m.samples.targetCpuPercent)}, ` +
      `machine ${formatPercent(m.samples.machineBusyPercent)} busy (all cores); exit on SIGTERM: ${m.serverExit === 0 ? '0' : `${m.serverExit} (FAIL)`}.`,
  ].join('\n');
}

function skippedNote(part: string, name: string, outcome: PartOutcome<unknown>): string | undefined {
  if (outcome.kind === 'measured') return undefined;
  return `- ${part} ${name}: ${outcome.kind === 'skipped' ? 'skipped' : 'FAILED'}: ${outcome.reason}`;
}

function scaleTable(report: MonitorsReport): string[] {
  const scenario = report.settings.scale;
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { store, outcome } of report.scale) {
    if (outcome.kind !== 'measured') {
      notes.push(skippedNote('scale', store, outcome) ?? '');
      continue;
    }
    const m = outcome.value;
    rows.push([
      store, formatCount(scheduledPerSecond(scenario)), formatCount(perSecond(m)), oneDecimalPercent(perSecond(m) / scheduledPerSecond(scenario)),
      quantileMs(m.lagP50), quantileMs(m.lagP99), `${formatCount(m.skippedOverrun)} / ${formatCount(m.skippedBehind)}`,
      formatCount(m.written / m.windowS), formatPercent(m.samples.cpuPercent), `${toMiB(m.samples.rssMedianBytes)} / ${toMiB(m.samples.rssPeakBytes)}`,
      scaleVerdict(m, scenario),
    ]);
    notes.push(fleetNotes(store, m, scenario));
  }
  const title = `### Scale: ${formatCount(scenario.monitors)} HTTP monitors at ${scenario.intervalS} s, ${scenario.durationS} s measured after ${scenario.warmupS} s warm-up`;
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'scheduled/s', align: 'right' }, { title: 'checks/s', align: 'right' }, { title: 'of scheduled', align: 'right' },
      { title: 'lag p50 ms', align: 'right' }, { title: 'lag p99 ms', align: 'right' }, { title: 'skipped overrun / behind', align: 'right' },
      { title: 'writes/s', align: 'right' }, { title: 'CPU', align: 'right' }, { title: 'RSS median / peak MB', align: 'right' }, { title: 'targets' },
    ],
    rows,
  );
  return [title, '', 'Targets: checks/s >= 99 % of scheduled, lag p99 < 1 s, peak RSS < 400 MB.', '', table, '', ...notes, ''];
}

function referenceTable(report: MonitorsReport): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  const baseline = report.reference.find((row) => row.outcome.kind === 'measured');
  const baselineRate = baseline?.outcome.kind === 'measured' ? baseline.outcome.value.result.completed / baseline.outcome.value.result.windowS : NaN;
  const baselineLabel = baseline === undefined ? 'reference' : referenceLabels[baseline.mode];
  for (const { mode, outcome } of report.reference) {
    if (outcome.kind !== 'measured') {
      notes.push(skippedNote('reference', mode, outcome) ?? '');
      continue;
    }
    const r = outcome.value.result;
    const rate = r.completed / r.windowS;
    rows.push([
      referenceLabels[mode], formatCount(rate), `${(rate / baselineRate).toFixed(3)}`, `${formatCount(r.non2xx)} / ${formatCount(r.errors)}`,
      `${formatMs(r.latencyP50Ms)} / ${formatMs(r.latencyP99Ms)}`, `${formatMs(r.lagP50Ms)} / ${formatMs(r.lagP99Ms)}`,
      formatPercent((100 * r.cpuSeconds) / r.windowS), cpuMsPerThousand(r.cpuSeconds, r.completed), toMiB(outcome.value.samples.rssPeakBytes),
      formatPercent(outcome.value.samples.targetCpuPercent),
    ]);
    if (r.errorSamples.length > 0) notes.push(`- ${referenceLabels[mode]}: errors such as ${r.errorSamples.join('; ')}`);
  }
  for (const { store, outcome } of report.scale) {
    if (outcome.kind !== 'measured') continue;
    const m = outcome.value;
    const notUp = m.checks - (m.checksByStatus.up ?? 0);
    rows.push([
      `sre-monitor, ${store}`, formatCount(perSecond(m)), `${(perSecond(m) / baselineRate).toFixed(3)}`, `${formatCount(notUp)} not up`,
      `~${quantileMs(m.checkDurationP50)} / ~${quantileMs(m.checkDurationP99)}`, `~${quantileMs(m.lagP50)} / ~${quantileMs(m.lagP99)}`,
      formatPercent(m.samples.cpuPercent), cpuMsPerThousand(m.samples.cpuSeconds, m.checks), toMiB(m.samples.rssPeakBytes), formatPercent(m.samples.targetCpuPercent),
    ]);
  }
  const scale = report.settings.scale;
  const title = `### Reference: the same ${formatCount(scheduledPerSecond(scale))} requests/s from a bare undici loop, ${scale.durationS} s after ${scale.warmupS} s warm-up`;
  const table = markdownTable(
    [
      { title: 'run' }, { title: 'checks/s', align: 'right' }, { title: `vs ${baselineLabel}`, align: 'right' }, { title: 'non-2xx / errors', align: 'right' },
      { title: 'latency p50 / p99 ms', align: 'right' }, { title: 'lag p50 / p99 ms', align: 'right' }, { title: 'CPU', align: 'right' },
      { title: 'CPU ms per 1,000 checks', align: 'right' }, { title: 'peak RSS MB', align: 'right' }, { title: 'target CPU', align: 'right' },
    ],
    rows,
  );
  return [title, '', table, '', ...notes, ...(notes.length > 0 ? [''] : [])];
}

function smallTable(report: MonitorsReport): string[] {
  const scenario = report.settings.small;
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { store, outcome } of report.small) {
    if (outcome.kind !== 'measured') {
      notes.push(skippedNote('small', store, outcome) ?? '');
      continue;
    }
    const m = outcome.value;
    rows.push([
      store, `${formatCount(perSecond(m))} (${formatCount(scheduledPerSecond(scenario))})`, quantileMs(m.lagP99), formatPercent(m.samples.cpuPercent),
      cpuMsPerThousand(m.samples.cpuSeconds, m.checks), toMiB(m.readyRssBytes), `${toMiB(m.samples.rssMedianBytes)} / ${toMiB(m.samples.rssPeakBytes)}`,
      toMiB(m.heapUsedPeakBytes), `${m.bannerS.toFixed(1)} s`,
    ]);
  }
  const title = `### Small: ${formatCount(scenario.monitors)} HTTP monitors at ${scenario.intervalS} s, ${scenario.durationS} s measured after ${scenario.warmupS} s warm-up`;
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'checks/s (scheduled)', align: 'right' }, { title: 'lag p99 ms', align: 'right' }, { title: 'CPU', align: 'right' },
      { title: 'CPU ms per 1,000 checks', align: 'right' }, { title: 'RSS at ready MB', align: 'right' }, { title: 'RSS median / peak MB', align: 'right' },
      { title: 'V8 heap peak MB', align: 'right' }, { title: 'first start', align: 'right' },
    ],
    rows,
  );
  return [title, '', table, '', ...notes, ...(notes.length > 0 ? [''] : [])];
}

export function formatMonitorsReport(report: MonitorsReport, cli: string): string {
  const { settings } = report;
  const target = settings.target;
  return [
    '## npm run bench -- monitors',
    '',
    report.machine,
    `CPU check (fixed JSON workload in the benchmark process, lower is faster): ${Math.round(report.cpuCheckMs[0])} ms before, ${Math.round(report.cpuCheckMs[1])} ms after.`,
    `Command: \`npm run bench -- monitors${report.args.length > 0 ? ` ${report.args.join(' ')}` : ''}\`. ` +
      `Target: \`node ${cli} demo-target\` as its own process on 127.0.0.1, GET / answered after ${target.latencyMs} ms +- ${target.jitterMs} ms, ${oneDecimalPercent(target.failureRate)} 500s. ` +
      `Server: \`node ${[...settings.serverNodeFlags, cli].join(' ')} start\`, log_level warn, monitoring.max_concurrency ${settings.scale.maxConcurrency ?? '256 (default)'}, ` +
      `every monitor \`{kind: http, timeout: ${settings.scale.timeoutS}s, http: {url: TARGET/}}\` with the other settings at their defaults.`,
    '',
    ...(settings.parts.includes('scale') ? scaleTable(report) : []),
    ...(settings.parts.includes('reference') ? referenceTable(report) : []),
    ...(settings.parts.includes('small') ? smallTable(report) : []),
    'checks/s = increase of sre_monitor_checks_total between two /metrics scrapes / seconds between them; lag = due time to start, ' +
      'p50/p99 by linear interpolation in sre_monitor_scheduler_lag_seconds buckets (PromQL histogram_quantile) over the window; ' +
      'writes/s from sre_monitor_results_written_total; CPU = % of one core used by the process in the window (/proc/PID/stat); ' +
      'RSS = VmRSS sampled every 1 s (MB = 2^20 bytes); `~` marks values read from histogram buckets. The undici loop runs alone ' +
      '(the server is not running then), issues request j at start + j / rate, at most max_concurrency in flight, and measures its own CPU (process.cpuUsage).',
    '',
  ].join('\n');
}
