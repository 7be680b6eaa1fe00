/**
 * The Markdown report of `npm run bench -- slo`: one table per part, targets marked pass or
 * FAIL, and the notes that say what was measured and where the time went.
 */
import { formatCount, formatMs, formatPercent, markdownTable, passMark } from './markdown.js';
import { percentile } from './slo-child-protocol.js';
import type { CoreResult } from './slo-core-child.js';
import type { EngineResult } from './slo-engine-child.js';
import type { IngestLoadResult } from './slo-http.js';
import type { PrometheusResult } from './slo-prometheus.js';
import type { RestartResult, StartTiming } from './slo-restart.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SloReport {
  machine: string;
  cpuCheck: [number, number];
  settings: { slos: number; smallSlos: number; days: number; steps: number; ingestRows: number; batchLines: number; clients: number; durationS: number; warmupS: number; restartSlos: number; prometheusSlos: number; prometheusDays: number; rounds: number };
  waitedForOthersS: number;
  core: Array<Outcome<CoreResult>>;
  engine: Array<{ store: string; slos: number; outcome: Outcome<EngineResult> }>;
  http: Array<{ store: string; outcome: Outcome<{ runs: IngestLoadResult[]; storedEvents: number; acknowledgedEvents: number; exit: number | string }> }>;
  restart: Array<{ store: string; outcome: Outcome<RestartResult> }>;
  prometheus: Outcome<PrometheusResult> | null;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MB`);
const seconds = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
const perSecond = (count: number, ms: number) => formatCount(count / (ms / 1000));
const millions = (count: number, ms: number) => `${(count / (ms / 1000) / 1e6).toFixed(1)} M`;

/** Step statistics: p50 / p99 / max over the steps after the first (JIT warm-up), in ms. */
export function stepStats(values: readonly number[]): { p50: number; p99: number; max: number } {
  const measured = values.length > 3 ? values.slice(1) : values;
  return { p50: percentile(measured, 50), p99: percentile(measured, 99), max: Math.max(...measured) };
}

function coreTable(report: SloReport): string[] {
  const results = report.core.filter((o): o is { ok: true; value: CoreResult } => o.ok).map((o) => o.value);
  const failures = report.core.filter((o): o is { ok: false; reason: string } => !o.ok).map((o) => `- core FAILED: ${o.reason}`);
  const rows: string[][] = [];
  for (const r of results) {
    const steps = stepStats(r.stepMs);
    const rssTarget = r.slos <= 1000 ? 150 * 2 ** 20 : r.slos <= 10_000 ? 2 ** 30 : Number.NaN;
    const stepTarget = r.slos <= 10_000;
    rows.push([
      formatCount(r.slos),
      `${formatMs(steps.p50)} / ${formatMs(steps.p99)} / ${formatMs(steps.max)}`,
      stepTarget ? `< 50 ms: ${passMark(steps.p99 < 50)}${steps.p50 < 50 && steps.p99 >= 50 ? ' (p50 pass)' : ''}` : '-',
      `${mb(r.baselineRssBytes)} -> ${mb(r.rssAfterLoadBytes)} (${mb(r.rssAfterGcBytes)})`,
      mb(r.ringBytes),
      Number.isFinite(rssTarget) ? `< ${mb(rssTarget)}: ${passMark(r.rssAfterLoadBytes < rssTarget)}` : '-',
      `${millions(r.load.rows, r.load.ms)}`,
      ...['count rows', 'single events'].map((kind) => {
        const run = r.ingest.find((i) => i.kind === kind);
        return run === undefined ? 'n/a' : `${millions(run.rows, run.ms)} / ${millions(run.events, run.ms)}${run.rejected > 0 ? ` (${run.rejected} rejected)` : ''}`;
      }),
      passMark(r.ingest.every((run) => run.rows / (run.ms / 1000) >= 1_000_000 && run.rejected === 0)),
    ]);
  }
  const table = markdownTable(
    [
      { title: 'SLOs', align: 'right' }, { title: 'step p50 / p99 / max ms' }, { title: 'step target' }, { title: 'RSS before -> after load (after GC)' },
      { title: 'rings' }, { title: 'RSS target' }, { title: 'bulk load rows/s', align: 'right' }, { title: 'ingest count rows: rows/s / events/s' },
      { title: 'ingest single events: rows/s / events/s' }, { title: '>= 1 M events/s' },
    ],
    rows,
  );
  return rows.length === 0 && failures.length === 0 ? ['(not run)', ''] : [table, '', ...failures, ...(failures.length > 0 ? [''] : [])];
}

function engineTable(report: SloReport): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { store, slos, outcome } of report.engine) {
    if (!outcome.ok) {
      notes.push(`- engine ${store} ${slos}: FAILED: ${outcome.reason}`);
      continue;
    }
    const r = outcome.value;
    const first = r.steps[0];
    const later = r.steps.slice(1);
    const all = stepStats(later.map((s) => s.ms));
    const storePart = stepStats(later.map((s) => s.storeMs));
    rows.push([
      store, formatCount(slos),
      first === undefined ? 'n/a' : `${formatMs(first.ms)} (store ${formatMs(first.storeMs)}, ${formatCount(first.historyPoints)} points)`,
      `${formatMs(all.p50)} / ${formatMs(all.p99)} / ${formatMs(all.max)}`,
      `${formatMs(storePart.p50)} / ${formatMs(storePart.p99)}`,
      formatCount(later.reduce((sum, s) => sum + s.historyPoints, 0) / Math.max(1, later.length)),
      perSecond(r.apply.rows, r.apply.ms),
      seconds(r.upsertMs),
      mb(r.rssBytes),
    ]);
  }
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'SLOs', align: 'right' }, { title: 'first evaluateAll ms' }, { title: 'later evaluateAll p50 / p99 / max ms' },
      { title: 'of which store p50 / p99 ms' }, { title: 'history points per step', align: 'right' }, { title: 'apply rows/s', align: 'right' },
      { title: 'upsert all (empty store)', align: 'right' }, { title: 'RSS', align: 'right' },
    ],
    rows,
  );
  return rows.length === 0 && notes.length === 0 ? ['(not run)', ''] : [table, '', ...notes, ...(notes.length > 0 ? [''] : [])];
}

function httpTable(report: SloReport): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { store, outcome } of report.http) {
    if (!outcome.ok) {
      notes.push(`- ${store}: FAILED: ${outcome.reason}`);
      continue;
    }
    for (const run of outcome.value.runs) {
      const eventsPerSecond = run.events / run.seconds;
      rows.push([
        store, run.kind, formatCount(run.lines / run.seconds), formatCount(eventsPerSecond), `${formatMs(run.p50Ms)} / ${formatMs(run.p99Ms)}`,
        `${run.failures}${run.firstFailure === null ? '' : ` (${run.firstFailure.slice(0, 60)})`}`,
        formatPercent(run.serverCpuPercent), run.databaseCpuPercent === undefined ? '-' : formatPercent(run.databaseCpuPercent), formatPercent(run.loadCpuPercent), mb(run.peakRssBytes),
        run.kind === 'outcomes' ? `>= 200,000: ${passMark(eventsPerSecond >= 200_000 && run.failures === 0)}` : `(>= 200,000: ${passMark(eventsPerSecond >= 200_000)}, ~100 events per line)`,
      ]);
    }
    const { storedEvents, acknowledgedEvents, exit } = outcome.value;
    notes.push(`- ${store}: events acknowledged (warm-up included) ${formatCount(acknowledgedEvents)}, found in the store afterwards ${formatCount(storedEvents)} (${storedEvents === acknowledgedEvents ? 'equal' : 'MISMATCH'}); server exit on SIGTERM ${exit}`);
  }
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'lines' }, { title: 'lines/s', align: 'right' }, { title: 'events/s', align: 'right' }, { title: 'batch p50 / p99 ms' },
      { title: 'failures' }, { title: 'server CPU', align: 'right' }, { title: 'PostgreSQL CPU', align: 'right' }, { title: 'loadgen CPU', align: 'right' }, { title: 'peak RSS', align: 'right' }, { title: 'target (events/s)' },
    ],
    rows,
  );
  return rows.length === 0 && notes.length === 0 ? ['(not run)', ''] : [table, '', ...notes, ...(notes.length > 0 ? [''] : [])];
}

function restartTable(report: SloReport): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const { store, outcome } of report.restart) {
    if (!outcome.ok) {
      notes.push(`- ${store}: FAILED: ${outcome.reason}`);
      continue;
    }
    const r = outcome.value;
    const s = r.sample;
    const perSlo = (ms: number) => ms / s.slos;
    const restoreMs = perSlo(s.hourQueryMs + s.minuteQueryMs + s.addMs) * r.slos;
    const status = (t: StartTiming) => `${seconds(t.statusMs)} (ready at :${String(t.readySecondOfMinute).padStart(2, '0')})`;
    const timing = (label: string, t: StartTiming, target: boolean) => [
      store, label, formatCount(r.slos), `${formatCount(r.data.minuteRows + r.toppedUpRows)} + ${formatCount(r.data.hourRows)}`,
      seconds(t.readyMs), seconds(t.listedMs), status(t), mb(t.rssAtReadyBytes), `${t.stoppedWith} ${seconds(t.stopMs)}, exit ${t.exit}`,
      target ? `< 10 s: ${passMark(t.readyMs < 10_000)}` : '',
    ];
    rows.push(timing('no checkpoints (from rows)', r.fromRows, false));
    rows.push(timing('from checkpoints, after clean stop', r.fromCheckpoints, true));
    rows.push(timing('after kill -9', r.afterKill, true));
    for (const [label, t] of [['no checkpoints', r.fromRows], ['from checkpoints', r.fromCheckpoints], ['after kill -9', r.afterKill]] as const) {
      if (t.phasesMs !== undefined) notes.push(`- ${store}, ${label}: start phases (ms, the server's log) ${Object.entries(t.phasesMs).map(([phase, ms]) => `${phase} ${formatCount(ms)}`).join(', ')}.`);
    }
    const p = r.inProcess;
    notes.push(
      `- ${store}: checkpoints ${formatCount(r.checkpoints.rows)} rows, ${mb(r.checkpoints.bytes)} (${formatCount(r.checkpoints.bytes / Math.max(1, r.checkpoints.rows))} bytes per SLO). ` +
        `\`restoreAllCounts\` in this process: ${seconds(p.ms)} for ${formatCount(p.report.fromCheckpoint)} SLOs from checkpoints + ${formatCount(p.report.fromRows)} from rows, ` +
        `${formatCount(p.report.replayedRows)} minute rows replayed (${formatCount(p.report.replayedRows / Math.max(1, p.report.fromCheckpoint))} per SLO). ` +
        `\`sre-monitor validate\` of the same config ${seconds(r.validateMs)}; first start (creates the SLOs) ${seconds(r.firstStartMs)}; rows written in ${seconds(r.data.ms)}.`,
      `- ${store}, the old restore from rows replayed for ${s.slos} SLOs: per SLO ${formatMs(perSlo(s.hourQueryMs))} ms hour query (${formatCount(s.hourRows / s.slos)} rows) + ` +
        `${formatMs(perSlo(s.minuteQueryMs))} ms minute query (${formatCount(s.minuteRows / s.slos)} rows) + ${formatMs(perSlo(s.addMs))} ms SloCounts.add = ` +
        `${formatMs(perSlo(s.hourQueryMs + s.minuteQueryMs + s.addMs))} ms, x ${formatCount(r.slos)} SLOs = ${seconds(restoreMs)}.`,
    );
  }
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'start' }, { title: 'SLOs', align: 'right' }, { title: 'stored rows 1m + 1h', align: 'right' },
      { title: '/health/ready 200', align: 'right' }, { title: 'all listed', align: 'right' }, { title: 'all with status' },
      { title: 'RSS at ready', align: 'right' }, { title: 'stop' }, { title: 'target' },
    ],
    rows,
  );
  return rows.length === 0 && notes.length === 0 ? ['(not run)', ''] : [table, '', ...notes, ...(notes.length > 0 ? [''] : [])];
}

function prometheusTable(report: SloReport): string[] {
  const outcome = report.prometheus;
  if (outcome === null) return ['(not run)'];
  if (!outcome.ok) return [`Prometheus part FAILED or skipped: ${outcome.reason}`];
  const p = outcome.value;
  const core = report.core.find((o) => o.ok && o.value.slos === p.slos);
  const engine = report.engine.find((e) => e.store === 'sqlite' && e.slos === p.slos && e.outcome.ok);
  const coreMs = core?.ok === true ? stepStats(core.value.stepMs).p50 : Number.NaN;
  const engineMs = engine?.outcome.ok === true ? stepStats(engine.outcome.value.steps.slice(1).map((s) => s.ms)).p50 : Number.NaN;
  const ratio = (ours: number, theirs: number) => (Number.isFinite(ours) && theirs > 0 ? `${(ours / theirs).toPrecision(2)} (1/${formatCount(theirs / ours)})` : 'n/a');
  const rows = p.measurements.map((m) => {
    const cpuMs = m.cpuSecondsPerRound * 1000;
    return [
      m.layout === 'sloth' ? 'Sloth style: a group per SLO' : 'one group, `sum by (slo)`',
      `${formatCount(m.groups)} / ${formatCount(m.rules)}`,
      formatCount(cpuMs), `${formatMs(m.meanGroupSeconds * 1000)} / ${m.roundsPerMinute.toFixed(2)}`,
      `${formatMs(coreMs)} / ${formatMs(engineMs)}`,
      `${ratio(coreMs, cpuMs)} / ${ratio(engineMs, cpuMs)}`,
      `${m.iterationsMissed} / ${m.evaluationFailures}`, `${formatCount(m.resultSeries.rate5m)} / ${formatCount(m.resultSeries.rate3d)}`,
    ];
  });
  const table = markdownTable(
    [
      { title: 'Prometheus rules' }, { title: 'groups / rules' }, { title: 'Prometheus CPU ms per round', align: 'right' },
      { title: 'mean group wall ms / rounds done per min', align: 'right' }, { title: 'ours ms: core / engine (p50)' }, { title: 'ours / Prometheus CPU: core / engine' },
      { title: 'missed / failed' }, { title: 'series 5m / 3d' },
    ],
    rows,
  );
  return [
    table,
    '',
    `- Prometheus ${p.version}: ${formatCount(p.series)} series (${formatCount(p.slos)} SLOs x requests, errors), ${formatCount(p.backfill.samples)} one-minute samples backfilled ` +
      `in ${p.backfill.blocks} promtool runs (${seconds(p.backfill.ms)}), ${p.blocksAfterCompaction} blocks after its start-up compaction (${Math.round(p.settleSeconds)} s); ` +
      `idle CPU (scraping only) ${formatPercent(p.idleCpuPercent)}; RSS at the end ${mb(p.rssBytes)}.`,
    '- Prometheus CPU per round: its process CPU over the measured rounds minus idle, per one-minute round. Mean group wall time: one group evaluation ' +
      'from start to end (waiting for a CPU included, as groups run concurrently); rounds done per minute below 1 means Prometheus falls behind. Ours: the p50 step of part 1 (core) and of ' +
      'part 1b on SQLite (engine) for the same number of SLOs; both compute more than the rules (the whole 30d window, budget, alerts).',
  ];
}

export function formatSloReport(report: SloReport): string {
  const s = report.settings;
  return [
    '## npm run bench -- slo',
    '',
    report.machine,
    `CPU check (fixed JSON workload, lower is faster): ${Math.round(report.cpuCheck[0])} ms before, ${Math.round(report.cpuCheck[1])} ms after.` +
      (report.waitedForOthersS > 0 ? ` Waited ${Math.round(report.waitedForOthersS)} s in total for \`bench/run.ts monitors\` to finish before measured steps.` : ''),
    '',
    `### 1. In-process core: ${s.days} days of minutes per SLO, 30d windows, ${s.steps} steps, ${formatCount(s.ingestRows)} ingested rows per kind`,
    '',
    ...coreTable(report),
    `### 1b. Server engine \`evaluateAll\` (evaluation + alert states + history in one transaction), ${s.steps} steps`,
    '',
    ...engineTable(report),
    `### 2. Over HTTP: \`POST /api/v1/events\`, NDJSON batches of ${formatCount(s.batchLines)} lines, ${s.clients} clients, ${s.warmupS} s warm-up + ${s.durationS} s, ${formatCount(s.smallSlos)} SLOs`,
    '',
    ...httpTable(report),
    `### 3. Restart with stored counts`,
    '',
    ...restartTable(report),
    `### 4. Prometheus evaluating the equivalent recording rules (${s.rounds} measured one-minute rounds per layout)`,
    '',
    ...prometheusTable(report),
    '',
  ].join('\n');
}
