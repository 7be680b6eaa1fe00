/**
 * Part "restart" of `npm run bench -- slo`: how long a server with N SLOs and 30 days of stored
 * counts takes to come back. Per store:
 * 1. a workspace declaring N SLOs; a first start creates them (timed, for information), stop;
 * 2. counts written straight into the tables (slo-restart-data.ts), the server stopped; that
 *    deletes the restart checkpoints, which no longer match the rows;
 * 3. a start without checkpoints: every SLO restored from rows, checkpoints written right after
 *    and at the clean stop (timed, for information: the first start after an upgrade);
 * 4. the measured restart from those checkpoints: spawn -> banner -> /health/ready 200 -> every
 *    SLO listed by GET /api/v1/slos -> every SLO listed with a status (the first evaluation),
 *    then SIGKILL; 5. the restart after that kill -9, timed the same way, and a clean stop.
 *    Before each start the minute rows are topped up to the current minute, as traffic would
 *    have kept storing them, so the replay after the checkpoints reads a realistic tail;
 * 6. where the time goes, with the server stopped: `sre-monitor validate` on the same config,
 *    `restoreAllCounts` (the start's restore) in this process, and the old per-SLO restore (two
 *    queries, then `SloCounts.add` of the rows) for a sample of SLOs.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createPostgresStore } from '../../src/adapters/store/postgres-store.js';
import { createSqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { Store } from '../../src/adapters/store/store.js';
import { createSloCounts, longestWindowMs } from '../../src/core/slo/index.js';
import { restoreAllCounts, type RestoreReport } from '../../src/engine/slos/slo-restore.js';
import { readRssBytes } from './process-memory.js';
import { repoRoot, type StorageSettings } from './server-under-test.js';
import { fillPostgres, fillSqlite, topUpPostgres, topUpSqlite, type RestartDataResult } from './slo-restart-data.js';
import { createSloWorkspace, startSloServer } from './slo-server.js';
import { createCountsFor, dayMs, hourMs, minuteMs, sloSpec } from './slo-synthetic.js';

export interface RestartSettings {
  slos: number;
  minuteDays: number;
  hourDays: number;
  nodeFlags: string[];
  cli: string;
  /** Waits for another benchmark to finish before a measured step. */
  waitForQuiet: () => Promise<void>;
  log: (message: string) => void;
}

export interface RestoreSample {
  slos: number;
  hourQueryMs: number;
  minuteQueryMs: number;
  addMs: number;
  hourRows: number;
  minuteRows: number;
}

/** One timed start of the server: spawn -> ready -> all listed -> all with a status, then its stop. */
export interface StartTiming {
  bannerMs: number;
  readyMs: number;
  listedMs: number;
  statusMs: number | null;
  /** Wall-clock second of the minute at which the server became ready (evaluation runs at :10). */
  readySecondOfMinute: number;
  rssAtReadyBytes: number | undefined;
  /** How it ended: SIGTERM (clean stop, writes checkpoints) or SIGKILL; and how long the stop took. */
  stoppedWith: 'SIGTERM' | 'SIGKILL';
  stopMs: number;
  exit: number | string;
  /** The server's `start phases` log line (phasesMs per phase, app.ts) and its restore report, as logged. */
  phasesMs?: Record<string, number>;
  restoreLog?: string;
}

/** `restoreAllCounts` run in this process on the stopped server's store: where a start's time goes. */
export interface InProcessRestore {
  ms: number;
  report: RestoreReport;
}

export interface RestartResult {
  store: string;
  slos: number;
  firstStartMs: number;
  data: RestartDataResult;
  validateMs: number;
  /** The first start after the fill: no checkpoints, every SLO from rows (writes checkpoints). */
  fromRows: StartTiming;
  checkpoints: { rows: number; bytes: number };
  /** The measured restart after a clean stop (checkpoints + replay). */
  fromCheckpoints: StartTiming;
  /** The restart after that server was killed with SIGKILL. */
  afterKill: StartTiming;
  /** Minute rows topped up before each restart (minutes since the fill: what traffic would have stored). */
  toppedUpRows: number;
  inProcess: InProcessRestore;
  sample: RestoreSample;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Pages through GET /api/v1/slos; how many SLOs are listed, and how many have a status. */
async function listSlos(baseUrl: string): Promise<{ listed: number; withStatus: number }> {
  let cursor: string | null = null;
  let listed = 0;
  let withStatus = 0;
  for (let page = 0; page < 1000; page++) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${baseUrl}/api/v1/slos?limit=500${query}`, { signal: AbortSignal.timeout(30_000) });
    if (response.status !== 200) throw new Error(`GET /api/v1/slos: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { items: Array<{ status: unknown }>; next_cursor: string | null };
    listed += body.items.length;
    withStatus += body.items.filter((item) => item.status !== null).length;
    cursor = body.next_cursor;
    if (cursor === null) break;
  }
  return { listed, withStatus };
}

/**
 * The evaluator's restore (slo-evaluator.ts `restore`) for `count` consecutive SLOs from the
 * middle, in name order as the server restores them: neighbouring SLOs' rows of a minute share
 * pages, so a spread-out sample would miss the cache hits the server gets and overstate it.
 */
export async function sampleRestore(store: Store, slos: number, count: number): Promise<RestoreSample> {
  const sample: RestoreSample = { slos: 0, hourQueryMs: 0, minuteQueryMs: 0, addMs: 0, hourRows: 0, minuteRows: 0 };
  const nowMs = Date.now();
  const first = Math.max(0, Math.floor((slos - count) / 2));
  for (let index = first; index < slos && sample.slos < count; index++) {
    const spec = sloSpec(index);
    const counts = createCountsFor(index);
    const minutesFrom = Math.floor((nowMs - 3 * dayMs) / hourMs) * hourMs;
    const hoursFrom = nowMs - longestWindowMs(spec.window) - 5 * dayMs;
    let started = performance.now();
    const hours = await store.sloCounts.hours(spec.name, hoursFrom, minutesFrom);
    sample.hourQueryMs += performance.now() - started;
    started = performance.now();
    const minutes = await store.sloCounts.minutes(spec.name, minutesFrom, nowMs + hourMs);
    sample.minuteQueryMs += performance.now() - started;
    started = performance.now();
    for (const hour of hours) counts.add(hour.endMs, hour.good, hour.total);
    for (const minute of minutes) counts.add(minute.endMs, minute.good, minute.total);
    sample.addMs += performance.now() - started;
    sample.hourRows += hours.length;
    sample.minuteRows += minutes.length;
    sample.slos++;
  }
  return sample;
}

function openStore(storage: StorageSettings, sqliteFile: string): Promise<Store> {
  return storage.kind === 'sqlite' ? createSqliteStore({ path: sqliteFile }) : createPostgresStore({ url: storage.url, poolMax: 2, idleTimeoutMs: 10_000 });
}

/** The server's first `SLO checkpoints written` log line, if it comes within `timeoutMs`. */
async function checkpointsWritten(output: () => string, timeoutMs: number): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = /\{[^\n]*"msg":"SLO checkpoints written"\}/.exec(output())?.[0];
    if (line !== undefined || performance.now() > deadline) return line;
    await sleep(500);
  }
}

async function timedStart(settings: RestartSettings, configFile: string, stopWith: 'SIGTERM' | 'SIGKILL', waitForCheckpoints = false): Promise<StartTiming> {
  const started = performance.now();
  const server = await startSloServer({ configFile, nodeFlags: settings.nodeFlags, cli: settings.cli, timeoutMs: 1_800_000 });
  // The server logs where its start went (app.ts): print it beside the timings. The log and
  // the banner come through different pipes, so the line may arrive a moment after the banner.
  const phasesPattern = /"phasesMs":(\{[^}]*\})/;
  for (let waited = 0; waited < 3000 && !phasesPattern.test(server.output()); waited += 100) await sleep(100);
  const phases = phasesPattern.exec(server.output())?.[1];
  if (phases !== undefined) settings.log(`start phases (ms): ${phases}`);
  const phasesMs = phases === undefined ? undefined : (JSON.parse(phases) as Record<string, number>);
  const restored = /\{[^\n]*"msg":"SLO counts restored"\}/.exec(server.output())?.[0];
  if (restored !== undefined) settings.log(`restore: ${restored}`);
  let stopped = false;
  try {
    const rssAtReadyBytes = readRssBytes(server.pid);
    const readySecondOfMinute = new Date().getUTCSeconds();
    let listing = await listSlos(server.baseUrl);
    const listedMs = performance.now() - started;
    if (listing.listed !== settings.slos) throw new Error(`GET /api/v1/slos listed ${listing.listed} SLOs, expected ${settings.slos}`);
    let statusMs: number | null = null;
    const statusDeadline = performance.now() + 150_000;
    while (performance.now() < statusDeadline) {
      if (listing.withStatus === settings.slos) {
        statusMs = performance.now() - started;
        break;
      }
      await sleep(250);
      listing = await listSlos(server.baseUrl);
    }
    if (waitForCheckpoints) {
      // The first periodic write of every SLO (90 s after a start that restored SLOs from rows),
      // as a server that ran for a while would have: the stop's own write has a 5 s budget, and
      // SLOs it does not reach would be restored from rows, which is not the path measured here.
      const written = await checkpointsWritten(() => server.output(), 300_000);
      settings.log(written === undefined ? 'no checkpoint write within 300 s' : `checkpoints: ${written}`);
    }
    const stopStarted = performance.now();
    if (stopWith === 'SIGKILL') process.kill(server.pid, 'SIGKILL');
    const exit = await server.stop();
    stopped = true;
    return { bannerMs: server.bannerMs, readyMs: server.readyMs, listedMs, statusMs, readySecondOfMinute, rssAtReadyBytes, stoppedWith: stopWith, stopMs: performance.now() - stopStarted, exit, phasesMs, restoreLog: restored };
  } finally {
    if (!stopped) await server.stop();
  }
}

async function withStore<T>(storage: StorageSettings, sqliteFile: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storage, sqliteFile);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function checkpointTotals(store: Store): Promise<{ rows: number; bytes: number }> {
  const totals = { rows: 0, bytes: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await store.sloCheckpoints.list(after, 500);
    for (const row of page) {
      totals.rows++;
      totals.bytes += row.data.byteLength;
    }
    if (page.length < 500) return totals;
    after = page[page.length - 1]!.slo;
  }
}

export async function measureRestart(storage: StorageSettings, settings: RestartSettings): Promise<RestartResult> {
  const { log } = settings;
  const workspace = await createSloWorkspace(storage, settings.slos);
  const sqliteFile = `${workspace.dir}/data/bench.db`;
  try {
    // Log level info, so the server logs its `start phases` and restore report (read by timedStart).
    await writeFile(workspace.configFile, (await readFile(workspace.configFile, 'utf8')).replace('log_level: warn', 'log_level: info'), 'utf8');
    log(`restart ${storage.kind}: first start, creating ${settings.slos} SLOs`);
    const first = await startSloServer({ configFile: workspace.configFile, nodeFlags: settings.nodeFlags, cli: settings.cli, timeoutMs: 1_800_000 });
    const firstStartMs = first.readyMs;
    const firstExit = await first.stop();
    if (firstExit !== 0) throw new Error(`first start: exit ${firstExit}:\n${first.output()}`);

    const shape = { endMs: Math.floor(Date.now() / minuteMs) * minuteMs, minuteDays: settings.minuteDays, hourDays: settings.hourDays };
    const minuteSpan = settings.minuteDays < 1 ? `${Math.round(settings.minuteDays * 24)} hours` : `${settings.minuteDays} days`;
    log(`restart ${storage.kind}: writing ${minuteSpan} of minutes and ${settings.hourDays} days of hours for ${settings.slos} SLOs`);
    const data = storage.kind === 'sqlite' ? fillSqlite(sqliteFile, shape) : await fillPostgres(storage.url, shape);
    log(`restart ${storage.kind}: ${data.minuteRows} minute rows + ${data.hourRows} hour rows in ${Math.round(data.ms / 1000)} s`);
    let filledThroughMs = shape.endMs;
    let toppedUpRows = 0;
    const topUp = async () => {
      const nowMinute = Math.floor(Date.now() / minuteMs) * minuteMs;
      if (nowMinute <= filledThroughMs) return;
      toppedUpRows += storage.kind === 'sqlite' ? topUpSqlite(sqliteFile, filledThroughMs, nowMinute) : await topUpPostgres(storage.url, filledThroughMs, nowMinute);
      filledThroughMs = nowMinute;
    };

    await settings.waitForQuiet();
    const started = performance.now();
    const validation = spawnSync(process.execPath, [settings.cli, 'validate', '--config', workspace.configFile], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
    const validateMs = performance.now() - started;
    if (validation.status !== 0) throw new Error(`validate failed: ${validation.stdout}${validation.stderr}`);

    await topUp();
    await settings.waitForQuiet();
    log(`restart ${storage.kind}: start without checkpoints (every SLO from rows)`);
    const fromRows = await timedStart(settings, workspace.configFile, 'SIGTERM', true);
    log(`restart ${storage.kind}: from rows ready after ${seconds(fromRows.readyMs)}, clean stop in ${seconds(fromRows.stopMs)} (exit ${fromRows.exit})`);
    const checkpoints = await withStore(storage, sqliteFile, checkpointTotals);

    await topUp();
    await settings.waitForQuiet();
    log(`restart ${storage.kind}: measured restart from checkpoints`);
    const fromCheckpoints = await timedStart(settings, workspace.configFile, 'SIGKILL');
    log(`restart ${storage.kind}: from checkpoints ready after ${seconds(fromCheckpoints.readyMs)}; killed with SIGKILL`);

    await topUp();
    await settings.waitForQuiet();
    const afterKill = await timedStart(settings, workspace.configFile, 'SIGTERM');
    log(`restart ${storage.kind}: after kill -9 ready after ${seconds(afterKill.readyMs)}`);

    log(`restart ${storage.kind}: restore in this process, then the old per-SLO restore for a sample`);
    const { inProcess, sample } = await withStore(storage, sqliteFile, async (store) => {
      const specs = Array.from({ length: settings.slos }, (_, index) => sloSpec(index));
      const restoreStarted = performance.now();
      const restored = await restoreAllCounts({ store, specs, nowMs: Date.now(), newCounts: (spec) => createSloCounts(spec) });
      const inProcessResult = { ms: performance.now() - restoreStarted, report: restored.report };
      return { inProcess: inProcessResult, sample: await sampleRestore(store, settings.slos, Math.min(200, settings.slos)) };
    });
    return { store: storage.kind, slos: settings.slos, firstStartMs, data, validateMs, fromRows, checkpoints, fromCheckpoints, afterKill, toppedUpRows, inProcess, sample };
  } finally {
    await workspace.cleanup();
  }
}
