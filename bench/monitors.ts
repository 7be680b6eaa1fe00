/**
 * `npm run bench -- monitors`: can one machine watch 10,000 HTTP endpoints? A demo target runs
 * as its own process on 127.0.0.1 (20 ms +- 10 ms, 1 % 500s by default). Three parts:
 *
 * 1. scale: for each store, the built server with N HTTP monitors at one interval (default
 *    10,000 at 10 s = 1,000 checks/s), one interval of warm-up, then a measured window: checks/s
 *    against scheduled, scheduling lag p50/p99 (from the lag histogram), skipped runs, store
 *    writes/s, CPU, RSS (median and peak of 1 s samples).
 * 2. reference: a bare undici loop (own process) doing the same requests at the same rate for
 *    the same time, with keep-alive and with a new connection per request (as the probe does);
 *    our throughput as a ratio of it and CPU per 1,000 checks for each.
 * 3. small: 1,000 monitors at 30 s for a minute per store: RSS and CPU.
 * Prints one Markdown table per part.
 */
import path from 'node:path';
import { benchmarkEntry } from './support/bench-entry.js';
import { listFlag, numberFlag, parseFlags, type FlagSpec } from './support/args.js';
import { startTargetProcess, type TargetProcess, type TargetSettings } from './support/demo-target-process.js';
import { measureFleet, type FleetMeasurement, type FleetScenario } from './support/fleet-measurement.js';
import { onInterrupt } from './support/interrupt.js';
import { cpuCheckMs, formatMachineInfo, machineInfo } from './support/machine.js';
import { formatMonitorsReport, type MonitorsReport, type PartOutcome, type StoreKind } from './support/monitors-report.js';
import { createBenchDatabase } from './support/postgres-database.js';
import { runReferenceLoop, type ReferenceOutcome } from './support/reference-loop.js';
import { cliPath, repoRoot, shebangNodeFlags, type StorageSettings } from './support/server-under-test.js';
import type { WatchedChild } from './support/watched-child.js';

const storeKinds = ['sqlite', 'postgres'] as const;
const partNames = ['scale', 'reference', 'small'] as const;
const referenceModes = ['keepalive', 'fresh'] as const;
export type ReferenceMode = (typeof referenceModes)[number];

/** Defaults, and the smoke-run defaults of --quick; flags given on the command line win over both. */
const presets = {
  full: { monitors: '10000', interval: '10', duration: '120', 'small-monitors': '1000', 'small-interval': '30', 'small-duration': '60', 'scrape-interval': '15' },
  quick: { monitors: '1000', interval: '5', duration: '10', 'small-monitors': '200', 'small-interval': '5', 'small-duration': '10', 'scrape-interval': '5' },
} as const;

const flagSpecs: Record<string, FlagSpec> = {
  monitors: { description: 'HTTP monitors in the scale part (--quick: 1000)', defaultValue: presets.full.monitors },
  interval: { description: 'their interval in seconds (--quick: 5)', defaultValue: presets.full.interval },
  duration: { description: 'measured seconds of the scale part and of each reference loop (--quick: 10)', defaultValue: presets.full.duration },
  warmup: { description: 'unmeasured seconds after the server is ready (default: one interval)' },
  stores: { description: 'comma-separated: sqlite, postgres', defaultValue: 'sqlite,postgres' },
  parts: { description: `comma-separated: ${partNames.join(', ')}`, defaultValue: partNames.join(',') },
  reference: { description: 'undici loops: keepalive (one pool), fresh (a connection per request, as the probe)', defaultValue: referenceModes.join(',') },
  latency: { description: 'target latency in ms', defaultValue: '20' },
  jitter: { description: 'target latency varies by up to this many ms either way', defaultValue: '10' },
  'failure-rate': { description: 'share of target answers that are 500', defaultValue: '0.01' },
  timeout: { description: 'monitor (and reference request) timeout in seconds', defaultValue: '5' },
  'max-concurrency': { description: "monitoring.max_concurrency (default: the server's, 256); also the reference loop's in-flight cap" },
  'small-monitors': { description: 'monitors in the small part (--quick: 200)', defaultValue: presets.full['small-monitors'] },
  'small-interval': { description: 'their interval in seconds (--quick: 5)', defaultValue: presets.full['small-interval'] },
  'small-duration': { description: 'measured seconds of the small part (--quick: 10)', defaultValue: presets.full['small-duration'] },
  'scrape-interval': { description: 'seconds between /metrics scrapes while measuring (--quick: 5)', defaultValue: presets.full['scrape-interval'] },
  'startup-timeout': { description: 'seconds a first start (creating every monitor) may take', defaultValue: '600' },
  quick: { description: 'a short smoke run (the --quick values above)', boolean: true },
  'server-node-options': { description: "node flags for the server, space-separated (default: the CLI's shebang flags)" },
  cli: { description: "the sre-monitor CLI to benchmark (default this checkout's dist/cli/main.js)" },
  'cpu-prof': { description: 'write V8 CPU profiles of the server into DIR/<part>-<store>/' },
  help: { description: 'show this help', boolean: true },
};

export interface Settings {
  quick: boolean;
  scale: FleetScenario;
  small: FleetScenario;
  stores: StoreKind[];
  parts: Array<(typeof partNames)[number]>;
  referenceModes: ReferenceMode[];
  target: TargetSettings;
  startTimeoutMs: number;
  cpuProfileDir: string | undefined;
  serverNodeFlags: string[];
  cli: string;
}

function parseSettings(args: string[]): Settings | undefined {
  const bare = Object.fromEntries(Object.entries(flagSpecs).map(([name, spec]) => [name, { ...spec, defaultValue: undefined }]));
  const given = parseFlags(args, bare);
  if (given.has('help')) return undefined;
  const preset: Record<string, string> = given.has('quick') ? presets.quick : presets.full;
  const values = new Map<string, string>();
  for (const [name, spec] of Object.entries(flagSpecs)) {
    const value = given.get(name) ?? preset[name] ?? spec.defaultValue;
    if (value !== undefined) values.set(name, value);
  }
  const seconds = (name: string, max: number) => numberFlag(values, name, { min: 1, max, integer: true });
  const maxConcurrency = values.has('max-concurrency') ? numberFlag(values, 'max-concurrency', { min: 1, max: 10_000, integer: true }) : undefined;
  const timeoutS = numberFlag(values, 'timeout', { min: 0.1, max: 60 });
  const scrapeIntervalS = seconds('scrape-interval', 300);
  const intervalS = seconds('interval', 3600);
  const smallIntervalS = seconds('small-interval', 3600);
  const warmupS = values.has('warmup') ? numberFlag(values, 'warmup', { min: 0, max: 3600, integer: true }) : undefined;
  const cli = path.resolve(values.get('cli') ?? cliPath);
  return {
    quick: values.has('quick'),
    scale: {
      monitors: numberFlag(values, 'monitors', { min: 1, max: 100_000, integer: true }),
      intervalS, timeoutS, warmupS: warmupS ?? intervalS, durationS: seconds('duration', 3600), maxConcurrency, scrapeIntervalS,
    },
    small: {
      monitors: numberFlag(values, 'small-monitors', { min: 1, max: 100_000, integer: true }),
      intervalS: smallIntervalS, timeoutS, warmupS: warmupS ?? smallIntervalS, durationS: seconds('small-duration', 3600), maxConcurrency, scrapeIntervalS,
    },
    stores: listFlag(values, 'stores', storeKinds),
    parts: listFlag(values, 'parts', partNames),
    referenceModes: listFlag(values, 'reference', referenceModes),
    target: {
      latencyMs: numberFlag(values, 'latency', { min: 0, max: 10_000 }),
      jitterMs: numberFlag(values, 'jitter', { min: 0, max: 10_000 }),
      failureRate: numberFlag(values, 'failure-rate', { min: 0, max: 1 }),
    },
    startTimeoutMs: seconds('startup-timeout', 3600) * 1000,
    cpuProfileDir: values.get('cpu-prof'),
    serverNodeFlags: values.has('server-node-options')
      ? (values.get('server-node-options') ?? '').split(' ').filter((flag) => flag !== '')
      : shebangNodeFlags(cli),
    cli,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench monitors] ${message}\n`);
}

/** Every child is stopped on Ctrl-C too; stopping an exited child is a no-op. */
function track(child: WatchedChild): void {
  onInterrupt(() => child.stop(10_000));
}

async function withStore<T>(store: StoreKind, body: (storage: StorageSettings) => Promise<T>): Promise<PartOutcome<T>> {
  try {
    if (store === 'sqlite') return { kind: 'measured', value: await body({ kind: 'sqlite' }) };
    const created = await createBenchDatabase();
    if (!created.ok) return { kind: 'skipped', reason: created.reason };
    const release = onInterrupt(() => created.database.drop());
    try {
      return { kind: 'measured', value: await body({ kind: 'postgres', url: created.database.url }) };
    } finally {
      await created.database.drop();
      release();
    }
  } catch (error) {
    log(`${store}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return { kind: 'failed', reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
  }
}

function runFleet(part: 'scale' | 'small', store: StoreKind, scenario: FleetScenario, target: TargetProcess, settings: Settings): Promise<PartOutcome<FleetMeasurement>> {
  return withStore(store, (storage) =>
    measureFleet({
      label: `${part}-${store}`,
      storage,
      scenario,
      targetUrl: target.url,
      targetPid: target.pid,
      cli: settings.cli,
      nodeFlags: settings.serverNodeFlags,
      startTimeoutMs: settings.startTimeoutMs,
      cpuProfileDir: settings.cpuProfileDir,
      track,
      onCleanup: onInterrupt,
      log: (message) => log(`${part} ${store}: ${message}`),
    }),
  );
}

async function runReference(mode: ReferenceMode, target: TargetProcess, settings: Settings): Promise<PartOutcome<ReferenceOutcome>> {
  const { scale } = settings;
  log(`reference ${mode}: ${scale.monitors / scale.intervalS} req/s for ${scale.warmupS} s warm-up + ${scale.durationS} s`);
  try {
    const outcome = await runReferenceLoop(
      {
        url: target.url,
        ratePerSecond: scale.monitors / scale.intervalS,
        warmupS: scale.warmupS,
        durationS: scale.durationS,
        maxInFlight: scale.maxConcurrency ?? 256,
        timeoutMs: scale.timeoutS * 1000,
        keepAlive: mode === 'keepalive',
      },
      target.pid,
      track,
    );
    log(`reference ${mode}: ${Math.round(outcome.result.completed / outcome.result.windowS)} req/s, CPU ${Math.round((100 * outcome.result.cpuSeconds) / outcome.result.windowS)} %`);
    return { kind: 'measured', value: outcome };
  } catch (error) {
    log(`reference ${mode}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return { kind: 'failed', reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
  }
}

export async function run(args: string[]): Promise<number> {
  const summary = 'HTTP monitors at scale on each store, against a bare undici loop.';
  const entry = benchmarkEntry('monitors', summary, flagSpecs, parseSettings, args);
  if ('exitCode' in entry) return entry.exitCode;
  const settings = entry.settings;

  const cpuBeforeMs = cpuCheckMs();
  const machine = machineInfo();
  const target = await startTargetProcess(settings.cli, settings.target, track);
  log(`target pid ${target.pid} at ${target.url}`);
  const report: MonitorsReport = { settings, args, machine: formatMachineInfo(machine), cpuCheckMs: [cpuBeforeMs, cpuBeforeMs], scale: [], reference: [], small: [] };
  try {
    if (settings.parts.includes('reference')) {
      for (const mode of settings.referenceModes) report.reference.push({ mode, outcome: await runReference(mode, target, settings) });
    }
    if (settings.parts.includes('scale')) {
      for (const store of settings.stores) report.scale.push({ store, outcome: await runFleet('scale', store, settings.scale, target, settings) });
    }
    if (settings.parts.includes('small')) {
      for (const store of settings.stores) report.small.push({ store, outcome: await runFleet('small', store, settings.small, target, settings) });
    }
  } finally {
    await target.stop();
  }
  report.cpuCheckMs = [cpuBeforeMs, cpuCheckMs()];
  process.stdout.write(formatMonitorsReport(report, path.relative(repoRoot, settings.cli)));
  const outcomes = [...report.scale, ...report.small].map((row) => row.outcome);
  const failed = [...outcomes, ...report.reference.map((row) => row.outcome)].some((outcome) => outcome.kind === 'failed') ||
    outcomes.some((outcome) => outcome.kind === 'measured' && outcome.value.serverExit !== 0);
  return failed ? 1 : 0;
}
