/**
 * `npm run bench -- http`: requests per second, latency and memory of the HTTP server on each
 * store. For SQLite (temp file) and PostgreSQL (a fresh database on a real server) it starts the
 * built server as a child process, seeds services through the API, measures idle RSS, then
 * loads /health/live, /health/ready and the service list with autocannon from this process,
 * all on 127.0.0.1. Prints one Markdown table with the targets marked pass or FAIL.
 */
import path from 'node:path';
import { benchmarkEntry } from './support/bench-entry.js';
import { listFlag, numberFlag, parseFlags, type FlagSpec } from './support/args.js';
import { cpuCheckMs, formatMachineInfo, machineInfo } from './support/machine.js';
import { formatCount, formatMs, formatPercent, markdownTable, passMark } from './support/markdown.js';
import { runLoad, type LoadResult } from './support/load.js';
import { readRssBytes, toMiB } from './support/process-memory.js';
import { onInterrupt } from './support/interrupt.js';
import { createBenchDatabase } from './support/postgres-database.js';
import {
  cliPath, shebangNodeFlags, createAdminToken, createWorkspace, repoRoot, startServer, type ServerUnderTest, type StorageSettings,
} from './support/server-under-test.js';

const storeKinds = ['sqlite', 'postgres'] as const;
type StoreKind = (typeof storeKinds)[number];

interface Endpoint {
  key: string;
  path: string;
  /** The issue's targets; endpoints without one are measured for information. */
  target?: { minRequestsPerSecond: number; maxP99Ms?: number };
}

const endpoints: readonly Endpoint[] = [
  { key: 'live', path: '/health/live', target: { minRequestsPerSecond: 15_000, maxP99Ms: 5 } },
  { key: 'ready', path: '/health/ready' },
  { key: 'list', path: '/api/v1/services?limit=50', target: { minRequestsPerSecond: 3_000 } },
];
const endpointKeys = endpoints.map((e) => e.key);
const idleRssTargetBytes = 100 * 1024 ** 2;
const seedConcurrency = 8;
const teams = ['payments', 'identity', 'search', 'platform', 'growth'] as const;
const criticalities = ['critical', 'high', 'medium', 'low'] as const;

const flagSpecs: Record<string, FlagSpec> = {
  duration: { description: 'seconds each endpoint is measured', defaultValue: '10' },
  warmup: { description: 'seconds of unmeasured load before each measurement', defaultValue: '2' },
  connections: { description: 'concurrent connections (pipelining 1)', defaultValue: '10' },
  stores: { description: 'comma-separated: sqlite, postgres', defaultValue: 'sqlite,postgres' },
  endpoints: { description: `comma-separated: ${endpointKeys.join(', ')}`, defaultValue: endpointKeys.join(',') },
  services: { description: 'services seeded through the API before measuring', defaultValue: '500' },
  token: { description: 'send the admin token with every request (measures token verification)', boolean: true },
  'idle-wait': { description: 'seconds between seeding and the idle RSS reading', defaultValue: '2' },
  'server-node-options': { description: "node flags for the server, space-separated (default: the flags in the CLI's shebang, as users run it)" },
  cli: { description: "the sre-monitor CLI to benchmark, to compare another build (default this checkout's dist/cli/main.js)" },
  'cpu-prof': { description: "write V8 CPU profiles of the server into DIR/<store>/ (open in Chrome DevTools)" },
  help: { description: 'show this help', boolean: true },
};

interface Settings {
  durationS: number;
  warmupS: number;
  connections: number;
  stores: StoreKind[];
  endpoints: Endpoint[];
  services: number;
  sendToken: boolean;
  cpuProfileDir: string | undefined;
  idleWaitS: number;
  serverNodeFlags: string[];
  /** Absolute path of the CLI under test. */
  cli: string;
}

interface EndpointRow {
  endpoint: Endpoint;
  load: LoadResult;
}

type StoreOutcome =
  | {
    store: StoreKind;
    kind: 'measured';
    /** RSS right after /health/ready first answered 200, before seeding: the baseline. */
    startRssBytes: number | undefined;
    idleRssBytes: number | undefined;
    rows: EndpointRow[];
    serverExit: number | string;
  }
  | { store: StoreKind; kind: 'skipped' | 'failed'; reason: string };

function parseSettings(args: string[]): Settings | undefined {
  const values = parseFlags(args, flagSpecs);
  if (values.has('help')) return undefined;
  const wanted = listFlag(values, 'endpoints', endpointKeys);
  return {
    durationS: numberFlag(values, 'duration', { min: 1, max: 600, integer: true }),
    warmupS: numberFlag(values, 'warmup', { min: 0, max: 60, integer: true }),
    connections: numberFlag(values, 'connections', { min: 1, max: 1000, integer: true }),
    stores: listFlag(values, 'stores', storeKinds),
    endpoints: endpoints.filter((e) => wanted.includes(e.key)),
    services: numberFlag(values, 'services', { min: 1, max: 10_000, integer: true }),
    sendToken: values.has('token'),
    cpuProfileDir: values.get('cpu-prof'),
    idleWaitS: numberFlag(values, 'idle-wait', { min: 0, max: 300 }),
    serverNodeFlags: values.has('server-node-options')
      ? (values.get('server-node-options') ?? '').split(' ').filter((flag) => flag !== '')
      : shebangNodeFlags(path.resolve(values.get('cli') ?? cliPath)),
    cli: path.resolve(values.get('cli') ?? cliPath),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench http] ${message}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Creates `count` services with `concurrency` requests in flight; each depends on one already created. */
async function seedServices(server: ServerUnderTest, count: number, concurrency: number): Promise<void> {
  const created: string[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < count && !failed) {
      const index = next++;
      const name = `svc-${String(index).padStart(3, '0')}`;
      const body = {
        name,
        team: teams[index % teams.length],
        criticality: criticalities[index % criticalities.length],
        tags: [`tier-${index % 3}`, index % 2 === 0 ? 'public' : 'internal'],
        dependencies: created.length === 0 ? [] : [created[(index * 7) % created.length]],
      };
      const response = await fetch(`${server.baseUrl}/api/v1/services`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status !== 201) {
        failed = true;
        throw new Error(`seeding ${name}: HTTP ${response.status} ${await response.text()}`);
      }
      await response.arrayBuffer().catch(() => undefined);
      created.push(name);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The list must really return a full page, or the benchmark would measure an error path. */
async function checkListPage(server: ServerUnderTest, seeded: number): Promise<void> {
  const expected = Math.min(50, seeded);
  const response = await fetch(`${server.baseUrl}/api/v1/services?limit=50`, { signal: AbortSignal.timeout(10_000) });
  const page = (await response.json()) as { items?: unknown[] };
  if (response.status !== 200 || page.items?.length !== expected) {
    throw new Error(`GET /api/v1/services?limit=50 gave HTTP ${response.status} with ${page.items?.length ?? 0} items, expected ${expected}`);
  }
}

async function measureStore(store: StoreKind, storage: StorageSettings, settings: Settings): Promise<StoreOutcome> {
  const workspace = await createWorkspace(storage);
  let server: ServerUnderTest | undefined;
  const release = onInterrupt(async () => {
    await server?.stop();
    await workspace.cleanup();
  });
  try {
    log(`${store}: creating an admin token with the CLI`);
    const adminToken = createAdminToken(workspace.configFile, settings.cli);
    const profileFlags = settings.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(settings.cpuProfileDir, store)];
    const nodeFlags = [...settings.serverNodeFlags, ...profileFlags];
    server = await startServer({ configFile: workspace.configFile, adminToken, nodeFlags, cli: settings.cli });
    const startRssBytes = readRssBytes(server.pid);
    log(`${store}: server pid ${server.pid} ready at ${server.baseUrl} (RSS ${toMiB(startRssBytes)} MB); seeding ${settings.services} services`);
    await seedServices(server, settings.services, seedConcurrency);
    await checkListPage(server, settings.services);
    await sleep(settings.idleWaitS * 1000);
    const idleRssBytes = readRssBytes(server.pid);
    log(`${store}: idle RSS ${toMiB(idleRssBytes)} MB`);

    const rows: EndpointRow[] = [];
    for (const endpoint of settings.endpoints) {
      log(`${store}: ${endpoint.path}: ${settings.warmupS} s warm-up + ${settings.durationS} s at ${settings.connections} connections`);
      const load = await runLoad({
        url: `${server.baseUrl}${endpoint.path}`,
        connections: settings.connections,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        serverPid: server.pid,
        headers: settings.sendToken ? { authorization: `Bearer ${adminToken}` } : undefined,
      });
      log(`${store}: ${endpoint.path}: ${formatCount(load.requestsPerSecond)} req/s, p99 ${formatMs(load.p99Ms)} ms`);
      rows.push({ endpoint, load });
    }
    const running = server;
    server = undefined;
    const serverExit = await running.stop();
    if (serverExit !== 0) log(`${store}: server exit ${serverExit} after SIGTERM; its output:\n${running.output()}`);
    return { store, kind: 'measured', startRssBytes, idleRssBytes, rows, serverExit };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { store, kind: 'failed', reason };
  } finally {
    await server?.stop();
    await workspace.cleanup();
    release();
  }
}

async function measure(store: StoreKind, settings: Settings): Promise<StoreOutcome> {
  if (store === 'sqlite') return measureStore(store, { kind: 'sqlite' }, settings);
  const created = await createBenchDatabase();
  if (!created.ok) return { store, kind: 'skipped', reason: created.reason };
  const release = onInterrupt(() => created.database.drop());
  try {
    return await measureStore(store, { kind: 'postgres', url: created.database.url }, settings);
  } finally {
    await created.database.drop();
    release();
  }
}

function targetCells(endpoint: Endpoint, load: LoadResult): [string, string] {
  const target = endpoint.target;
  if (target === undefined) return ['none', '-'];
  const wanted = [`>= ${formatCount(target.minRequestsPerSecond)} req/s`];
  let passed = load.requestsPerSecond >= target.minRequestsPerSecond;
  if (target.maxP99Ms !== undefined) {
    wanted.push(`p99 < ${target.maxP99Ms} ms`);
    passed &&= load.p99Ms < target.maxP99Ms;
  }
  passed &&= load.errors + load.timeouts + load.non2xx === 0;
  return [wanted.join(', '), passMark(passed)];
}

function report(outcomes: StoreOutcome[], settings: Settings, cpuCheck: [number, number]): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind !== 'measured') {
      notes.push(`- ${outcome.store}: ${outcome.kind === 'skipped' ? 'column skipped' : 'FAILED'}: ${outcome.reason}`);
      continue;
    }
    for (const { endpoint, load } of outcome.rows) {
      rows.push([
        outcome.store, `GET ${endpoint.path}`, formatCount(load.requestsPerSecond), formatMs(load.p50Ms), formatMs(load.p99Ms),
        `${load.errors + load.timeouts} / ${load.non2xx}`, toMiB(load.peakRssBytes), formatPercent(load.serverCpuPercent), formatPercent(load.loadCpuPercent),
        ...targetCells(endpoint, load),
      ]);
    }
    const idle = outcome.idleRssBytes;
    const idleMark = idle === undefined ? 'unknown' : passMark(idle < idleRssTargetBytes);
    notes.push(`- ${outcome.store}: idle RSS ${toMiB(idle)} MB after seeding ${settings.services} services + ${settings.idleWaitS} s (target < 100 MB: ${idleMark}; ${toMiB(outcome.startRssBytes)} MB when first ready); server exit on SIGTERM: ${outcome.serverExit === 0 ? '0 (pass)' : `${outcome.serverExit} (FAIL)`}`);
  }
  const table = markdownTable(
    [
      { title: 'store' }, { title: 'endpoint' }, { title: 'req/s', align: 'right' }, { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' }, { title: 'errors / non-2xx', align: 'right' }, { title: 'peak RSS MB', align: 'right' },
      { title: 'server CPU', align: 'right' }, { title: 'loadgen CPU', align: 'right' },
      { title: 'target' }, { title: 'result' },
    ],
    rows,
  );
  return [
    '## npm run bench -- http',
    '',
    formatMachineInfo(machineInfo()),
    `CPU check (fixed JSON workload in the load generator, lower is faster): ${Math.round(cpuCheck[0])} ms before, ${Math.round(cpuCheck[1])} ms after.`,
    `Load: autocannon in the benchmark process, ${settings.connections} connections, pipelining 1, ${settings.warmupS} s warm-up + ${settings.durationS} s per row, ` +
      `${settings.sendToken ? 'admin token on every request' : 'anonymous requests (viewer)'}; ` +
      `server: \`node ${[...settings.serverNodeFlags, path.relative(repoRoot, settings.cli)].join(' ')} start\` as a child process, log_level warn.`,
    '',
    table,
    '',
    ...notes,
    '',
    'req/s is completed requests / measured seconds; p50/p99 from every response time (float ms); MB = 2^20 bytes (VmRSS, peak sampled every 250 ms); ' +
      'CPU = % of one core used during the measured run by the server and by the load generator (autocannon, this process).',
    '',
  ].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const entry = benchmarkEntry('http', 'HTTP throughput, latency and memory per store.', flagSpecs, parseSettings, args);
  if ('exitCode' in entry) return entry.exitCode;
  const settings = entry.settings;

  const cpuBeforeMs = cpuCheckMs();
  const outcomes: StoreOutcome[] = [];
  for (const store of settings.stores) outcomes.push(await measure(store, settings));
  process.stdout.write(report(outcomes, settings, [cpuBeforeMs, cpuCheckMs()]));
  const failed = outcomes.some((o) => o.kind === 'failed' || (o.kind === 'measured' && o.serverExit !== 0));
  return failed ? 1 : 0;
}
