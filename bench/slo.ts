/**
 * `npm run bench -- slo`: the SLO engine's figures (issue 5, "Figures"). Four parts, each its
 * own Markdown table:
 * 1. core: the pure SLO domain in a child process per size (clean RSS): load 30 days of minutes
 *    into `createSloCounts` rings, evaluate every SLO and window per step, ingest batched counts;
 *    and the server's evaluator (`evaluateAll`, which also writes to the store) per store;
 * 2. http: the built server with 1,000 SLOs taking NDJSON batches on `POST /api/v1/events`;
 * 3. restart: a server with 10,000 SLOs and 30 days of stored counts, from spawn to ready;
 * 4. prometheus: the Debian package's Prometheus evaluating the equivalent Sloth-style
 *    recording rules over the same traffic, and our step time as a ratio of its.
 * Everything runs on 127.0.0.1, every loop is bounded, every child process is stopped on exit
 * and on Ctrl-C. Measured steps first wait until `bench/run.ts monitors` is not running.
 */
import { spawnSync } from 'node:child_process';
import { benchmarkEntry } from './support/bench-entry.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listFlag, numberFlag, parseFlags, type FlagSpec } from './support/args.js';
import { onInterrupt } from './support/interrupt.js';
import { cpuCheckMs, formatMachineInfo, machineInfo } from './support/machine.js';
import { createBenchDatabase } from './support/postgres-database.js';
import { cliPath, shebangNodeFlags, type StorageSettings } from './support/server-under-test.js';
import { prepareChildren, type ChildRunner } from './support/slo-child.js';
import type { CoreResult } from './support/slo-core-child.js';
import type { EngineResult } from './support/slo-engine-child.js';
import { lineKinds, runIngestLoad, storedEventTotal, type IngestLoadResult } from './support/slo-http.js';
import { measurePrometheus, prometheusAvailable } from './support/slo-prometheus.js';
import { formatSloReport, type Outcome, type SloReport } from './support/slo-report.js';
import { measureRestart } from './support/slo-restart.js';
import { createSloWorkspace, createToken, startSloServer } from './support/slo-server.js';
import { createPostgresStore } from '../src/adapters/store/postgres-store.js';
import { createSqliteStore } from '../src/adapters/store/sqlite-store.js';

const storeKinds = ['sqlite', 'postgres'] as const;
type StoreKind = (typeof storeKinds)[number];
const partNames = ['core', 'engine', 'http', 'restart', 'prometheus'] as const;

/** Defaults, and the smoke-run values of --quick; flags given on the command line win over both. */
const presets = {
  full: { slos: '10000', 'small-slos': '1000', days: '30', steps: '30', 'ingest-rows': '5000000', duration: '20', warmup: '3', 'restart-slos': '10000', 'prometheus-slos': '10000', rounds: '3' },
  quick: { slos: '1000', 'small-slos': '100', days: '4', steps: '5', 'ingest-rows': '500000', duration: '3', warmup: '1', 'restart-slos': '1000', 'prometheus-slos': '100', rounds: '1' },
} as const;

const flagSpecs: Record<string, FlagSpec> = {
  slos: { description: 'SLOs of the large core and engine runs (--quick: 1000)', defaultValue: presets.full.slos },
  'small-slos': { description: 'SLOs of the small core and engine runs and of the HTTP part (--quick: 100)', defaultValue: presets.full['small-slos'] },
  days: { description: 'days of synthetic minutes in each ring (--quick: 4)', defaultValue: presets.full.days },
  steps: { description: 'evaluation steps measured (--quick: 5)', defaultValue: presets.full.steps },
  'ingest-rows': { description: 'rows per in-process ingestion run (--quick: 500000)', defaultValue: presets.full['ingest-rows'] },
  stores: { description: 'comma-separated: sqlite, postgres (engine, http, restart)', defaultValue: 'sqlite,postgres' },
  parts: { description: `comma-separated: ${partNames.join(', ')}`, defaultValue: partNames.join(',') },
  batch: { description: 'NDJSON lines per POST', defaultValue: '5000' },
  clients: { description: 'concurrent HTTP clients', defaultValue: '4' },
  duration: { description: 'measured seconds per HTTP run (--quick: 3)', defaultValue: presets.full.duration },
  warmup: { description: 'unmeasured seconds before each HTTP run (--quick: 1)', defaultValue: presets.full.warmup },
  lines: { description: `comma-separated HTTP line kinds: ${lineKinds.join(', ')}`, defaultValue: lineKinds.join(',') },
  'restart-slos': { description: 'SLOs of the restart part (--quick: 1000)', defaultValue: presets.full['restart-slos'] },
  'restart-minute-days': { description: 'days of 1-minute rows in the restart part (retention keeps 4; the alert windows need 3)', defaultValue: '4' },
  'restart-minute-hours': { description: 'instead: 1-minute rows only for the last N hours (hours still 30 days); a quick fill, same timed path from checkpoints' },
  'prometheus-slos': { description: 'SLOs (x 2 series) of the Prometheus part (--quick: 100)', defaultValue: presets.full['prometheus-slos'] },
  rounds: { description: 'measured one-minute Prometheus rule rounds per layout (--quick: 1)', defaultValue: presets.full.rounds },
  'prometheus-layouts': { description: 'sloth (a group per SLO), aggregated (one group, sum by slo)', defaultValue: 'sloth,aggregated' },
  quick: { description: 'a short smoke run (the --quick values above)', boolean: true },
  'server-node-options': { description: "node flags for the server, space-separated (default: the CLI's shebang flags)" },
  cli: { description: "the sre-monitor CLI to benchmark (default this checkout's dist/cli/main.js)" },
  help: { description: 'show this help', boolean: true },
};

interface Settings {
  slos: number;
  smallSlos: number;
  days: number;
  steps: number;
  ingestRows: number;
  stores: StoreKind[];
  parts: Array<(typeof partNames)[number]>;
  batchLines: number;
  clients: number;
  durationS: number;
  warmupS: number;
  lines: Array<(typeof lineKinds)[number]>;
  restartSlos: number;
  restartMinuteDays: number;
  prometheusSlos: number;
  prometheusDays: number;
  rounds: number;
  aggregated: boolean;
  serverNodeFlags: string[];
  cli: string;
}

function parseSettings(args: string[]): Settings | undefined {
  const given = parseFlags(args, flagSpecs);
  if (given.has('help')) return undefined;
  const values = new Map(given);
  if (values.has('quick')) {
    const explicit = parseFlags(args, Object.fromEntries(Object.entries(flagSpecs).map(([name, spec]) => [name, { ...spec, defaultValue: undefined }])));
    for (const [name, value] of Object.entries(presets.quick)) if (!explicit.has(name)) values.set(name, value);
  }
  const layouts = listFlag(values, 'prometheus-layouts', ['sloth', 'aggregated'] as const);
  return {
    slos: numberFlag(values, 'slos', { min: 1, max: 100_000, integer: true }),
    smallSlos: numberFlag(values, 'small-slos', { min: 1, max: 100_000, integer: true }),
    days: numberFlag(values, 'days', { min: 1, max: 90, integer: true }),
    steps: numberFlag(values, 'steps', { min: 2, max: 1000, integer: true }),
    ingestRows: numberFlag(values, 'ingest-rows', { min: 1000, max: 50_000_000, integer: true }),
    stores: listFlag(values, 'stores', storeKinds),
    parts: listFlag(values, 'parts', partNames),
    batchLines: numberFlag(values, 'batch', { min: 1, max: 100_000, integer: true }),
    clients: numberFlag(values, 'clients', { min: 1, max: 64, integer: true }),
    durationS: numberFlag(values, 'duration', { min: 1, max: 600, integer: true }),
    warmupS: numberFlag(values, 'warmup', { min: 0, max: 60, integer: true }),
    lines: listFlag(values, 'lines', lineKinds),
    restartSlos: numberFlag(values, 'restart-slos', { min: 1, max: 100_000, integer: true }),
    restartMinuteDays: values.has('restart-minute-hours')
      ? numberFlag(values, 'restart-minute-hours', { min: 1, max: 72, integer: true }) / 24
      : numberFlag(values, 'restart-minute-days', { min: 3, max: 4, integer: true }),
    prometheusSlos: numberFlag(values, 'prometheus-slos', { min: 1, max: 100_000, integer: true }),
    // The longest rule window (3d) plus an hour, so even its first evaluation has a full window.
    prometheusDays: 3 + 1 / 24,
    rounds: numberFlag(values, 'rounds', { min: 1, max: 30, integer: true }),
    aggregated: layouts.includes('aggregated'),
    serverNodeFlags: values.has('server-node-options')
      ? (values.get('server-node-options') ?? '').split(' ').filter((flag) => flag !== '')
      : shebangNodeFlags(path.resolve(values.get('cli') ?? cliPath)),
    cli: path.resolve(values.get('cli') ?? cliPath),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench slo ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let waitedMs = 0;
/** Waits (at most an hour) until the monitors benchmark is not running, so it cannot distort a measurement. */
async function waitForQuiet(): Promise<void> {
  const started = Date.now();
  let told = false;
  while (spawnSync('pgrep', ['-f', 'bench/run.ts monitors']).status === 0 && Date.now() - started < 3_600_000) {
    if (!told) log('waiting for `bench/run.ts monitors` to finish');
    told = true;
    await sleep(5000);
  }
  waitedMs += Date.now() - started;
}

async function outcomeOf<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`FAILED: ${reason}`);
    return { ok: false, reason };
  }
}

/** Runs `work` with storage for `store`: nothing for SQLite, a fresh database for PostgreSQL. */
async function withStorage<T>(store: StoreKind, work: (storage: StorageSettings) => Promise<T>): Promise<T> {
  if (store === 'sqlite') return work({ kind: 'sqlite' });
  const created = await createBenchDatabase();
  if (!created.ok) throw new Error(`PostgreSQL skipped: ${created.reason}`);
  const release = onInterrupt(() => created.database.drop());
  try {
    return await work({ kind: 'postgres', url: created.database.url });
  } finally {
    await created.database.drop();
    release();
  }
}

async function runCore(children: ChildRunner, settings: Settings, slos: number): Promise<CoreResult> {
  await waitForQuiet();
  log(`core: ${slos} SLOs`);
  return children.run<CoreResult>({
    script: 'slo-core-child.ts',
    args: ['--slos', String(slos), '--days', String(settings.days), '--steps', String(settings.steps), '--ingest-rows', String(settings.ingestRows)],
    timeoutMs: 1_800_000,
    nodeFlags: ['--expose-gc'],
    onProgress: (line) => log(`  ${line}`),
  });
}

async function runEngine(children: ChildRunner, settings: Settings, store: StoreKind, slos: number): Promise<EngineResult> {
  return withStorage(store, async (storage) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sre-monitor-bench-slo-engine-'));
    const release = onInterrupt(() => rm(dir, { recursive: true, force: true }));
    try {
      await waitForQuiet();
      log(`engine: ${store}, ${slos} SLOs`);
      return await children.run<EngineResult>({
        script: 'slo-engine-child.ts',
        args: ['--slos', String(slos), '--days', String(settings.days), '--steps', String(settings.steps), '--store', store, '--location', storage.kind === 'sqlite' ? path.join(dir, 'engine.db') : storage.url],
        timeoutMs: 1_800_000,
        onProgress: (line) => log(`  ${line}`),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
      release();
    }
  });
}

/** The local PostgreSQL server's processes (postmaster, backends, background workers), for their CPU. */
function postgresPids(): number[] {
  const found = spawnSync('pgrep', ['-u', 'postgres'], { encoding: 'utf8' });
  return found.stdout.split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}

async function runHttp(settings: Settings, store: StoreKind): Promise<{ runs: IngestLoadResult[]; storedEvents: number; acknowledgedEvents: number; exit: number | string }> {
  return withStorage(store, async (storage) => {
    const workspace = await createSloWorkspace(storage, settings.smallSlos);
    const release = onInterrupt(() => workspace.cleanup());
    try {
      const token = createToken(workspace.configFile, 'responder', settings.cli);
      const server = await startSloServer({ configFile: workspace.configFile, nodeFlags: settings.serverNodeFlags, cli: settings.cli, timeoutMs: 600_000 });
      const runs: IngestLoadResult[] = [];
      let exit: number | string;
      try {
        for (const kind of settings.lines) {
          await waitForQuiet();
          log(`http ${store}: ${kind}, ${settings.clients} clients x ${settings.batchLines} lines, ${settings.warmupS} + ${settings.durationS} s`);
          const run = await runIngestLoad({
            baseUrl: server.baseUrl, serverPid: server.pid, token, slos: settings.smallSlos, kind, batchLines: settings.batchLines,
            clients: settings.clients, durationS: settings.durationS, warmupS: settings.warmupS, databasePids: storage.kind === 'postgres' ? postgresPids : undefined,
          });
          log(`http ${store}: ${kind}: ${Math.round(run.events / run.seconds)} events/s, ${Math.round(run.lines / run.seconds)} lines/s, ${run.failures} failures`);
          runs.push(run);
        }
      } finally {
        exit = await server.stop();
      }
      const opened = storage.kind === 'sqlite'
        ? await createSqliteStore({ path: path.join(workspace.dir, 'data', 'bench.db') })
        : await createPostgresStore({ url: storage.url, poolMax: 2, idleTimeoutMs: 10_000 });
      let storedEvents: number;
      try {
        storedEvents = await storedEventTotal(opened);
      } finally {
        await opened.close();
      }
      return { runs, storedEvents, acknowledgedEvents: runs.reduce((sum, run) => sum + run.acknowledgedEvents, 0), exit };
    } finally {
      await workspace.cleanup();
      release();
    }
  });
}

export async function run(args: string[]): Promise<number> {
  const entry = benchmarkEntry('slo', 'SLO engine figures: evaluation, ingestion, memory, restart, Prometheus comparison.', flagSpecs, parseSettings, args);
  if ('exitCode' in entry) return entry.exitCode;
  const settings = entry.settings;
  const s = settings;
  const sizes = [...new Set([s.smallSlos, s.slos])].sort((a, b) => a - b);
  const report: SloReport = {
    machine: formatMachineInfo(machineInfo()),
    cpuCheck: [cpuCheckMs(), Number.NaN],
    settings: { ...s, prometheusDays: s.prometheusDays },
    waitedForOthersS: 0,
    core: [],
    engine: [],
    http: [],
    restart: [],
    prometheus: null,
  };
  // The children run the built code of the CLI under test (its dist/).
  const children = await prepareChildren(path.dirname(path.dirname(s.cli)));
  try {
    if (s.parts.includes('core')) for (const slos of sizes) report.core.push(await outcomeOf(() => runCore(children, s, slos)));
    if (s.parts.includes('engine')) {
      for (const store of s.stores) for (const slos of sizes) report.engine.push({ store, slos, outcome: await outcomeOf(() => runEngine(children, s, store, slos)) });
    }
  } finally {
    await children.cleanup();
  }
  if (s.parts.includes('http')) for (const store of s.stores) report.http.push({ store, outcome: await outcomeOf(() => runHttp(s, store)) });
  if (s.parts.includes('restart')) {
    for (const store of s.stores) {
      report.restart.push({
        store,
        outcome: await outcomeOf(() => withStorage(store, (storage) => measureRestart(storage, { slos: s.restartSlos, minuteDays: s.restartMinuteDays, hourDays: 30, nodeFlags: s.serverNodeFlags, cli: s.cli, waitForQuiet, log }))),
      });
    }
  }
  if (s.parts.includes('prometheus')) {
    const missing = prometheusAvailable();
    report.prometheus = missing !== null
      ? { ok: false, reason: missing }
      : await outcomeOf(() => measurePrometheus({ slos: s.prometheusSlos, days: s.prometheusDays, rounds: s.rounds, aggregated: s.aggregated, waitForQuiet, log }));
  }
  report.cpuCheck[1] = cpuCheckMs();
  report.waitedForOthersS = waitedMs / 1000;
  process.stdout.write(formatSloReport(report));
  const failed = [...report.core, ...report.engine.map((e) => e.outcome), ...report.http.map((h) => h.outcome), ...report.restart.map((r) => r.outcome)].some((o) => !o.ok);
  return failed ? 1 : 0;
}
