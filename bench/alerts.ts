/**
 * `npm run bench -- alerts`: the alerting pipeline's figures (issue 6, "Figures"), against the
 * built server, each part with its own server process and temp workspace:
 * 1. ingest: alerts POSTed to /api/v2/alerts at a fixed rate in batches over several
 *    connections, through a 100-route tree grouping by alertname and service, with 50 active
 *    silences: achieved alerts/s, request latency, server RSS and CPU;
 * 2. fan-out: N alerts in N groups (group_wait 0s) to one local webhook receiver: notifications/s
 *    from the first POST until the receiver has them all, and the outbox backlog;
 * 3. latency: a PromQL rule (interval 1 s) over a fake Prometheus armed at a random moment:
 *    time until the webhook receives the firing notification.
 * Everything runs on 127.0.0.1; every loop is bounded in count and time; servers, receivers,
 * temp dirs and databases are removed on exit and on Ctrl-C.
 */
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listFlag, numberFlag, parseFlags, type FlagSpec } from './support/args.js';
import { fanoutAlertingYaml, ingestAlertingYaml, latencyAlertingYaml } from './support/alerts-config.js';
import { createSilences, runFanout, runLatency } from './support/alerts-fanout.js';
import { durableCommitMs } from './support/alerts-commit-probe.js';
import { runIngest, slowMs } from './support/alerts-ingest.js';
import { startFakePrometheus, startWebhookReceiver, type FakePrometheus, type WebhookReceiver } from './support/alerts-receiver.js';
import { formatAlertsReport, type AlertsReport, type Outcome } from './support/alerts-report.js';
import { benchmarkEntry } from './support/bench-entry.js';
import { onInterrupt } from './support/interrupt.js';
import { cpuCheckMs, formatMachineInfo, machineInfo } from './support/machine.js';
import { createBenchDatabase } from './support/postgres-database.js';
import { readRssBytes } from './support/process-memory.js';
import { cliPath, createWorkspace, shebangNodeFlags, type StorageSettings } from './support/server-under-test.js';
import { createToken, startSloServer, type SloServer } from './support/slo-server.js';

const storeKinds = ['sqlite', 'postgres'] as const;
type StoreKind = (typeof storeKinds)[number];
const partNames = ['ingest', 'fanout', 'latency'] as const;

const presets = {
  full: { duration: '20', warmup: '5', groups: '5000', trials: '20' },
  quick: { duration: '5', warmup: '2', groups: '1000', trials: '5' },
} as const;

const flagSpecs: Record<string, FlagSpec> = {
  parts: { description: `comma-separated: ${partNames.join(', ')}`, defaultValue: partNames.join(',') },
  stores: { description: 'comma-separated: sqlite, postgres', defaultValue: 'sqlite' },
  rate: { description: 'offered alerts/s in the ingest part', defaultValue: '5000' },
  batch: { description: 'alerts per POST', defaultValue: '50' },
  connections: { description: 'concurrent connections posting alerts', defaultValue: '8' },
  duration: { description: 'measured ingest seconds (--quick: 5)', defaultValue: presets.full.duration },
  warmup: { description: 'unmeasured ingest seconds first (--quick: 2)', defaultValue: presets.full.warmup },
  pool: { description: 'distinct alerts the ingest part cycles through (re-sent as Prometheus does)', defaultValue: '10000' },
  silences: { description: 'active silences created before the ingest part', defaultValue: '50' },
  'ingest-group-wait': { description: 'group_wait (s) of the ingest route tree', defaultValue: '10' },
  groups: { description: 'alerts = groups = notifications in the fan-out part (--quick: 1000)', defaultValue: presets.full.groups },
  'fanout-timeout': { description: 'seconds the fan-out part may take (posting and waiting for every notification)', defaultValue: '90' },
  'notification-concurrency': { description: 'alerting.notifications.concurrency of the fan-out server (default: the server default, 16)' },
  trials: { description: 'rule latency trials (--quick: 5)', defaultValue: presets.full.trials },
  interval: { description: 'rule evaluation interval (s) in the latency part', defaultValue: '1' },
  'group-wait': { description: 'group_wait (s) of the latency part', defaultValue: '0' },
  quick: { description: 'a short smoke run (the --quick values above)', boolean: true },
  'server-node-options': { description: "node flags for the server, space-separated (default: the CLI's shebang flags)" },
  cli: { description: "the sre-monitor CLI to benchmark (default this checkout's dist/cli/main.js)" },
  help: { description: 'show this help', boolean: true },
};

interface Settings {
  parts: Array<(typeof partNames)[number]>;
  stores: StoreKind[];
  rate: number;
  batch: number;
  connections: number;
  durationS: number;
  warmupS: number;
  pool: number;
  silences: number;
  ingestGroupWaitS: number;
  groups: number;
  fanoutTimeoutS: number;
  notificationConcurrency: number | undefined;
  trials: number;
  intervalS: number;
  groupWaitS: number;
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
  const cli = path.resolve(values.get('cli') ?? cliPath);
  return {
    parts: listFlag(values, 'parts', partNames),
    stores: listFlag(values, 'stores', storeKinds),
    rate: numberFlag(values, 'rate', { min: 1, max: 1_000_000, integer: true }),
    batch: numberFlag(values, 'batch', { min: 1, max: 10_000, integer: true }),
    connections: numberFlag(values, 'connections', { min: 1, max: 256, integer: true }),
    durationS: numberFlag(values, 'duration', { min: 1, max: 600, integer: true }),
    warmupS: numberFlag(values, 'warmup', { min: 0, max: 60, integer: true }),
    pool: numberFlag(values, 'pool', { min: 1, max: 90_000, integer: true }),
    silences: numberFlag(values, 'silences', { min: 0, max: 1000, integer: true }),
    ingestGroupWaitS: numberFlag(values, 'ingest-group-wait', { min: 0, max: 600, integer: true }),
    groups: numberFlag(values, 'groups', { min: 1, max: 90_000, integer: true }),
    fanoutTimeoutS: numberFlag(values, 'fanout-timeout', { min: 1, max: 1800, integer: true }),
    notificationConcurrency: values.has('notification-concurrency') ? numberFlag(values, 'notification-concurrency', { min: 1, max: 1024, integer: true }) : undefined,
    trials: numberFlag(values, 'trials', { min: 1, max: 1000, integer: true }),
    intervalS: numberFlag(values, 'interval', { min: 1, max: 60, integer: true }),
    groupWaitS: numberFlag(values, 'group-wait', { min: 0, max: 60, integer: true }),
    serverNodeFlags: values.has('server-node-options') ? (values.get('server-node-options') ?? '').split(' ').filter((flag) => flag !== '') : shebangNodeFlags(cli),
    cli,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench alerts ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
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

interface PartRun<T> {
  exit: number | string | undefined;
  outcome: Outcome<T>;
}

/** A workspace with `alertingYaml`, a responder token, the server started; `work` runs against it; all removed after. */
async function withAlertsServer<T>(settings: Settings, store: StoreKind, alertingYaml: string, work: (server: SloServer, token: string) => Promise<T>): Promise<PartRun<T>> {
  let exit: number | string | undefined;
  const outcome = await outcomeOf(() =>
    withStorage(store, async (storage) => {
      const workspace = await createWorkspace(storage);
      const release = onInterrupt(() => workspace.cleanup());
      try {
        await appendFile(workspace.configFile, alertingYaml, 'utf8');
        const token = createToken(workspace.configFile, 'responder', settings.cli);
        const server = await startSloServer({ configFile: workspace.configFile, nodeFlags: settings.serverNodeFlags, cli: settings.cli, timeoutMs: 120_000 });
        try {
          return await work(server, token);
        } finally {
          exit = await server.stop();
          if (exit !== 0) log(`server exit: ${exit}\n${server.output().slice(-2000)}`);
        }
      } finally {
        await workspace.cleanup();
        release();
      }
    }),
  );
  return { exit, outcome };
}

async function runParts(settings: Settings, report: AlertsReport, receiver: WebhookReceiver, prometheus: FakePrometheus): Promise<void> {
  const s = settings;
  for (const store of s.stores) {
    if (s.parts.includes('ingest')) {
      let readyRssBytes: number | undefined;
      const run = await withAlertsServer(s, store, ingestAlertingYaml(receiver.url, `${s.ingestGroupWaitS}s`), async (server, token) => {
        readyRssBytes = readRssBytes(server.pid);
        log(`ingest ${store}: ${s.silences} silences, then ${s.rate} alerts/s in batches of ${s.batch} over ${s.connections} connections, ${s.warmupS} + ${s.durationS} s`);
        await createSilences(server.baseUrl, token, s.silences);
        receiver.reset();
        const result = await runIngest({ baseUrl: server.baseUrl, token, serverPid: server.pid, alertsPerSecond: s.rate, batch: s.batch, connections: s.connections, warmupS: s.warmupS, durationS: s.durationS, poolSize: s.pool });
        log(`ingest ${store}: ${Math.round(result.alertsPerSecond)} alerts/s, p99 ${result.p99Ms.toFixed(1)} ms, ${result.failures} failures; webhook got ${receiver.notifications} notifications meanwhile`);
        const slow = [...result.slowBySecond].sort((a, b) => a[0] - b[0]).map(([second, count]) => `${second}s: ${count}`);
        log(`ingest ${store}: requests over ${slowMs} ms by second of the measured window: ${slow.length === 0 ? 'none' : slow.join(', ')}`);
        return result;
      });
      const settingsText = `${formatNumber(s.rate)} alerts/s offered in batches of ${s.batch}, ${s.connections} connections, ${s.warmupS} s warm-up + ${s.durationS} s measured, ${formatNumber(s.pool)} distinct alerts re-sent, 100 routes, group_by [alertname, service], group_wait ${s.ingestGroupWaitS}s, ${s.silences} active silences`;
      report.ingest.push({ store, settings: settingsText, readyRssBytes, ...run });
    }
    if (s.parts.includes('fanout')) {
      const run = await withAlertsServer(s, store, fanoutAlertingYaml(receiver.url, s.notificationConcurrency), async (server, token) => {
        log(`fan-out ${store}: ${s.groups} groups`);
        const result = await runFanout({ baseUrl: server.baseUrl, token, serverPid: server.pid, receiver, groups: s.groups, batch: s.batch, connections: 4, timeoutS: s.fanoutTimeoutS });
        log(`fan-out ${store}: ${result.received} notifications in ${(result.elapsedMs / 1000).toFixed(2)} s (${Math.round(result.notificationsPerSecond)}/s), outbox pending ${result.outboxAtEnd.pending}`);
        return result;
      });
      report.fanout.push({ store, concurrency: s.notificationConcurrency === undefined ? '16 (default)' : String(s.notificationConcurrency), ...run });
    }
    if (s.parts.includes('latency')) {
      const intervalMs = s.intervalS * 1000;
      const groupWaitMs = s.groupWaitS * 1000;
      prometheus.disarm();
      prometheus.queries = 0;
      const run = await withAlertsServer(s, store, latencyAlertingYaml(receiver.url, prometheus.url, `${s.intervalS}s`, `${s.groupWaitS}s`), async () => {
        log(`latency ${store}: ${s.trials} trials, interval ${s.intervalS} s, group_wait ${s.groupWaitS} s`);
        const result = await runLatency({ receiver, prometheus, trials: s.trials, intervalMs, groupWaitMs, log });
        log(`latency ${store}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.missed} missed`);
        return result;
      });
      report.latency.push({ store, intervalMs, groupWaitMs, ...run });
    }
  }
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

export async function run(args: string[]): Promise<number> {
  const entry = benchmarkEntry('alerts', 'Alerting figures: /api/v2/alerts ingest, webhook fan-out, rule-to-webhook latency, RSS.', flagSpecs, parseSettings, args);
  if ('exitCode' in entry) return entry.exitCode;
  const settings = entry.settings;
  const report: AlertsReport = {
    machine: formatMachineInfo(machineInfo()),
    cpuCheck: [cpuCheckMs(), Number.NaN],
    loadAverage: [os.loadavg()[0] ?? Number.NaN, Number.NaN],
    commitMs: durableCommitMs(),
    command: ['npm run bench -- alerts', ...args].join(' '),
    ingest: [],
    fanout: [],
    latency: [],
  };
  const receiver = await startWebhookReceiver();
  const prometheus = await startFakePrometheus();
  const release = onInterrupt(() => Promise.all([receiver.close(), prometheus.close()]));
  try {
    await runParts(settings, report, receiver, prometheus);
  } finally {
    await Promise.all([receiver.close(), prometheus.close()]);
    release();
  }
  report.cpuCheck[1] = cpuCheckMs();
  report.loadAverage[1] = os.loadavg()[0] ?? Number.NaN;
  process.stdout.write(formatAlertsReport(report));
  const parts = [...report.ingest, ...report.fanout, ...report.latency];
  return parts.some((part) => !part.outcome.ok || part.exit !== 0) ? 1 : 0;
}
