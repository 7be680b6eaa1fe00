/**
 * Part "prometheus" of `npm run bench -- slo`: Prometheus (the Debian package) evaluating the
 * Sloth-style recording rules for the same SLOs and the same traffic, for a comparison with our
 * evaluation step. Steps:
 * 1. history as TSDB blocks and an exporter for the present (slo-prometheus-data.ts): `days` of
 *    one-minute samples of two counters per SLO, enough for the longest rule window (3d);
 * 2. `prometheus` on 127.0.0.1 with that TSDB, scraping the exporter every minute, no rules yet;
 *    wait until its start-up compaction of the backfilled blocks is over (CPU idle, block count
 *    stable), then measure its idle CPU for one interval;
 * 3. Sloth-style rules, one group per SLO, interval 1m, each group 7 recording rules
 *    `sum(rate(slo_errors_total{slo="X"}[W])) / sum(rate(slo_requests_total{slo="X"}[W]))` for
 *    W = 5m, 30m, 1h, 2h, 6h, 1d, 3d (what Sloth records per SLO; its 30d rule averages the 5m
 *    series and is left out, as are its alert rules); loaded by /-/reload, two intervals to
 *    settle, then `rounds` intervals measured: rule group durations (Prometheus' own summary:
 *    mean wall time per group and rounds completed per minute), CPU above idle, misses;
 * 4. optionally the same 7 ratios as one group of 7 rules with `sum by (slo)`, the cheapest
 *    way to write them in Prometheus, measured the same way.
 * Finally checks that the rules produced one series per SLO.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onInterrupt } from './interrupt.js';
import { readCpuSeconds } from './process-cpu.js';
import { readRssBytes } from './process-memory.js';
import { backfill, startExporter, SyntheticCounters, type BackfillResult } from './slo-prometheus-data.js';
import { dayMs, minuteMs, sloName } from './slo-synthetic.js';

export const ruleWindows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export interface PrometheusSettings {
  slos: number;
  days: number;
  /** Measured evaluation intervals (1 minute each) per rule layout. */
  rounds: number;
  aggregated: boolean;
  waitForQuiet: () => Promise<void>;
  log: (message: string) => void;
}

export interface RuleMeasurement {
  layout: 'sloth' | 'aggregated';
  groups: number;
  rules: number;
  /**
   * Sum of the group durations per round (prometheus_rule_group_duration_seconds sum / rounds).
   * Wall time of concurrently running groups, waiting for a CPU included: with thousands of
   * groups on 2 cores it adds up to far more than a minute, so it is no measure of work (see
   * cpuSecondsPerRound); kept for the log.
   */
  roundSeconds: number;
  /** Mean wall time of one group evaluation (duration sum / count over the measured rounds). */
  meanGroupSeconds: number;
  /** Rounds completed per measured minute (group evaluations / groups / minutes): < 1 means it falls behind. */
  roundsPerMinute: number;
  /** The sum of prometheus_rule_group_last_duration_seconds at the end (one round). */
  lastRoundSeconds: number;
  /** CPU seconds per round above idle (process CPU over the measured intervals). */
  cpuSecondsPerRound: number;
  iterationsMissed: number;
  evaluationFailures: number;
  /** Series of slo:sli_error:ratio_rate3d / ratio_rate5m after the run (must be one per SLO). */
  resultSeries: { rate3d: number; rate5m: number };
}

export interface PrometheusResult {
  version: string;
  slos: number;
  series: number;
  backfill: BackfillResult;
  blocksAfterCompaction: number;
  settleSeconds: number;
  idleCpuPercent: number;
  rssBytes: number | undefined;
  measurements: RuleMeasurement[];
}

export function prometheusAvailable(): string | null {
  for (const tool of ['prometheus', 'promtool']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (Debian package prometheus)`;
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Samples of the Prometheus text format whose name is `name`, with their label text. */
function samplesOf(text: string, name: string): Array<{ labels: string; value: number }> {
  const found: Array<{ labels: string; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const space = line.lastIndexOf(' ');
    found.push({ labels: line.slice(name.length, line.indexOf('}') + 1), value: Number(line.slice(space + 1)) });
  }
  return found;
}

function total(text: string, name: string): number {
  return samplesOf(text, name).reduce((sum, sample) => sum + (Number.isFinite(sample.value) ? sample.value : 0), 0);
}

function slothRules(slos: number): string {
  const lines = ['groups:'];
  for (let s = 0; s < slos; s++) {
    const slo = sloName(s);
    lines.push(`  - name: sloth-slo-sli-recordings-${slo}`, '    interval: 1m', '    rules:');
    for (const window of ruleWindows) {
      lines.push(
        `      - record: slo:sli_error:ratio_rate${window}`,
        `        expr: (sum(rate(slo_errors_total{slo="${slo}"}[${window}]))) / (sum(rate(slo_requests_total{slo="${slo}"}[${window}])))`,
        `        labels: { sloth_slo: ${slo}, sloth_window: ${window} }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function aggregatedRules(): string {
  const lines = ['groups:', '  - name: slo-sli-recordings-all', '    interval: 1m', '    rules:'];
  for (const window of ruleWindows) {
    lines.push(
      `      - record: slo:sli_error:ratio_rate${window}`,
      `        expr: sum by (slo) (rate(slo_errors_total[${window}])) / sum by (slo) (rate(slo_requests_total[${window}]))`,
      `        labels: { sloth_window: ${window} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function measurePrometheus(settings: PrometheusSettings): Promise<PrometheusResult> {
  const { log } = settings;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sre-monitor-bench-prometheus-'));
  const tsdbDir = path.join(dir, 'tsdb');
  await mkdir(tsdbDir);
  const version = /version (\S+)/.exec(spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  let prometheus: ReturnType<typeof spawn> | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const stopPrometheus = async () => {
    if (prometheus !== undefined && prometheus.exitCode === null && prometheus.signalCode === null) {
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const endMinute = Math.floor(Date.now() / minuteMs);
  const counters = new SyntheticCounters(settings.slos, endMinute - Math.round((settings.days * dayMs) / minuteMs));
  const exporter = await startExporter(counters, () => Date.now());
  const release = onInterrupt(async () => {
    await stopPrometheus();
    await exporter.close();
    await rm(dir, { recursive: true, force: true });
  });
  try {
    const instance = `127.0.0.1:${exporter.port}`;
    log(`prometheus: backfilling ${settings.days} days x ${settings.slos * 2} series`);
    const filled = await backfill(counters, endMinute, instance, dir, tsdbDir);
    log(`prometheus: ${filled.samples} samples in ${filled.blocks} blocks, ${Math.round(filled.ms / 1000)} s`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const rulesFile = path.join(dir, 'rules.yml');
    await writeFile(rulesFile, 'groups: []\n');
    const configFile = path.join(dir, 'prometheus.yml');
    await writeFile(configFile, [
      'global: { scrape_interval: 1m, evaluation_interval: 1m }',
      `rule_files: [${JSON.stringify(rulesFile)}]`,
      `scrape_configs: [{ job_name: slo, scrape_timeout: 30s, static_configs: [{ targets: [${JSON.stringify(instance)}] }] }]`,
      '',
    ].join('\n'));
    await settings.waitForQuiet();
    const child = spawn('prometheus', [
      `--config.file=${configFile}`, `--storage.tsdb.path=${tsdbDir}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=60d', '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8000)));
    exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid ?? -1;
    const metrics = async () => (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    const query = async (expr: string) => {
      const body = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(60_000) })).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      return Number(body.data?.result?.[0]?.value[1] ?? 0);
    };
    const startedAt = Date.now();
    for (;;) {
      const status = await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
      if (Date.now() - startedAt > 300_000) throw new Error(`prometheus not ready within 300 s: ${stderr}`);
      await sleep(500);
    }

    // The TSDB compacts the backfilled 2-hour blocks about a minute after start; wait it out.
    log('prometheus: waiting for start-up compaction to finish');
    let blocks = -1;
    let stableSince = Date.now();
    let cpu = readCpuSeconds(pid) ?? 0;
    for (;;) {
      await sleep(5000);
      const now = readCpuSeconds(pid) ?? 0;
      const busy = (now - cpu) / 5;
      cpu = now;
      const loaded = total(await metrics(), 'prometheus_tsdb_blocks_loaded');
      if (loaded !== blocks) {
        blocks = loaded;
        stableSince = Date.now();
      }
      const uptime = Date.now() - startedAt;
      if (uptime > 75_000 && Date.now() - stableSince > 20_000 && busy < 0.1) break;
      if (uptime > 900_000) throw new Error('prometheus still compacting after 15 minutes');
    }
    const settleSeconds = (Date.now() - startedAt) / 1000;
    await settings.waitForQuiet();
    log(`prometheus: ${blocks} blocks after ${Math.round(settleSeconds)} s; measuring idle CPU for 60 s`);
    let cpuStart = readCpuSeconds(pid) ?? 0;
    await sleep(60_000);
    const idleCpuPerSecond = ((readCpuSeconds(pid) ?? 0) - cpuStart) / 60;

    const measurements: RuleMeasurement[] = [];
    const layouts: Array<RuleMeasurement['layout']> = settings.aggregated ? ['sloth', 'aggregated'] : ['sloth'];
    for (const layout of layouts) {
      await writeFile(rulesFile, layout === 'sloth' ? slothRules(settings.slos) : aggregatedRules());
      const reload = await fetch(`${base}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(300_000) });
      if (reload.status !== 200) throw new Error(`reload: HTTP ${reload.status} ${await reload.text()}`);
      const groups = layout === 'sloth' ? settings.slos : 1;
      log(`prometheus: ${layout} rules (${groups} groups) loaded; two intervals to settle, then ${settings.rounds} measured`);
      await sleep(125_000);
      await settings.waitForQuiet();
      const before = await metrics();
      cpuStart = readCpuSeconds(pid) ?? 0;
      const measuredStart = Date.now();
      await sleep(settings.rounds * 60_000);
      const after = await metrics();
      const seconds = (Date.now() - measuredStart) / 1000;
      const cpuSeconds = (readCpuSeconds(pid) ?? 0) - cpuStart - idleCpuPerSecond * seconds;
      const durationSum = total(after, 'prometheus_rule_group_duration_seconds_sum') - total(before, 'prometheus_rule_group_duration_seconds_sum');
      const durationCount = total(after, 'prometheus_rule_group_duration_seconds_count') - total(before, 'prometheus_rule_group_duration_seconds_count');
      const rounds = durationCount / groups;
      measurements.push({
        layout,
        groups,
        rules: groups * ruleWindows.length,
        roundSeconds: rounds > 0 ? durationSum / rounds : Number.NaN,
        meanGroupSeconds: durationCount > 0 ? durationSum / durationCount : Number.NaN,
        roundsPerMinute: rounds / (seconds / 60),
        lastRoundSeconds: total(after, 'prometheus_rule_group_last_duration_seconds'),
        cpuSecondsPerRound: rounds > 0 ? cpuSeconds / rounds : Number.NaN,
        iterationsMissed: total(after, 'prometheus_rule_group_iterations_missed_total'),
        evaluationFailures: total(after, 'prometheus_rule_evaluation_failures_total'),
        resultSeries: { rate3d: await query('count(slo:sli_error:ratio_rate3d)'), rate5m: await query('count(slo:sli_error:ratio_rate5m)') },
      });
      log(`prometheus: ${layout}: ${measurements.at(-1)?.roundSeconds.toFixed(3)} s per round over ${rounds.toFixed(1)} rounds`);
    }
    const rssBytes = readRssBytes(pid);
    return { version, slos: settings.slos, series: settings.slos * 2, backfill: filled, blocksAfterCompaction: blocks, settleSeconds, idleCpuPercent: idleCpuPerSecond * 100, rssBytes, measurements };
  } finally {
    await stopPrometheus();
    await exporter.close();
    await rm(dir, { recursive: true, force: true });
    release();
  }
}
