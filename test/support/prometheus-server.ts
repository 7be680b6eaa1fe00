/**
 * A real Prometheus (the Debian package's `prometheus` binary) for tests: started on 127.0.0.1
 * and a free port with a temporary config and TSDB directory, scraping the given targets every
 * second, ready once `/-/ready` answers 200, and stopped (SIGTERM, then SIGKILL; waited for) with
 * its directory removed. Prometheus 2 batches target discovery every 5 s, so the first scrape
 * comes about 5 s after ready: start it once per test file.
 *
 * `SRE_MONITOR_TEST_PROMETHEUS` names another binary. Outside CI a machine without one skips
 * the tests that need it (with `prometheusSkipReason` in their names); with CI=true
 * `startPrometheus` throws instead, so those tests fail: CI provides Prometheus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './server-process.js';

const binaryVariable = 'SRE_MONITOR_TEST_PROMETHEUS';

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** The Prometheus binary to run, or undefined when there is none. */
export function findPrometheusBinary(): string | undefined {
  const configured = process.env[binaryVariable]?.trim();
  if (configured !== undefined && configured !== '') return configured;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * '' when the Prometheus tests run (a binary exists, or CI=true where they must fail without
 * one); otherwise ` (skipped: ...)`, to append to the test names.
 */
export function prometheusSkipReason(): string {
  if (findPrometheusBinary() !== undefined || isCi()) return '';
  return ` (skipped: no prometheus binary on PATH; apt-get install prometheus or set ${binaryVariable})`;
}

export interface PrometheusInstantAnswer {
  status: string;
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Prometheus' own answer to an instant query at `timeMs` (default: now), for comparisons. */
  query(promql: string, timeMs?: number): Promise<PrometheusInstantAnswer>;
  /** Its log so far (stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` targets scraped at `/metrics` under job `exporter`. */
  scrapeTargets: string[];
  /** Default 1000. */
  scrapeIntervalMs?: number;
  /** A rule file (YAML text) Prometheus loads and evaluates at the scrape interval. */
  rules?: string;
  /** An Alertmanager Prometheus sends its alerts to (API v2), e.g. sre-monitor itself. */
  alertmanager?: { url: string; bearerToken?: string };
  /** Prometheus re-sends firing alerts this often (default 1m); its first send can come before the Alertmanager is discovered. */
  alertResendDelay?: string;
}

const readyTimeoutMs = 20_000;
const stopTimeoutMs = 5_000;

export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const binary = findPrometheusBinary();
  if (binary === undefined) {
    throw new Error(
      `${isCi() ? 'CI=true but no' : 'No'} prometheus binary on PATH: apt-get install prometheus (Debian) or set ${binaryVariable}. ` +
        'CI runs the Prometheus SLI source tests against a real Prometheus.',
    );
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-prometheus-'));
  try {
    const configFile = path.join(directory, 'prometheus.yml');
    if (options.rules !== undefined) await writeFile(path.join(directory, 'rules.yml'), options.rules);
    await writeFile(configFile, scrapeConfig(options));
    // freePort closes its probe socket before Prometheus binds: another process can take the
    // port in between, so a bind failure is retried on a new port.
    for (let attempt = 1; ; attempt += 1) {
      const extraArgs = options.alertResendDelay === undefined ? [] : [`--rules.alert.resend-delay=${options.alertResendDelay}`];
      const started = await startOnce(binary, configFile, path.join(directory, `data-${attempt}`), await freePort(), extraArgs);
      if ('server' in started) return withCleanup(started.server, directory);
      if (!started.addressInUse || attempt >= 3) throw new Error(started.problem);
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

function scrapeConfig(options: StartPrometheusOptions): string {
  const intervalMs = options.scrapeIntervalMs ?? 1000;
  const targets = options.scrapeTargets.map((target) => JSON.stringify(target)).join(', ');
  const alerting: string[] = [];
  if (options.alertmanager !== undefined) {
    const target = new URL(options.alertmanager.url);
    alerting.push(
      'alerting:',
      '  alertmanagers:',
      '    - api_version: v2',
      `      scheme: ${target.protocol.replace(':', '')}`,
      ...(options.alertmanager.bearerToken === undefined ? [] : ['      authorization:', `        credentials: ${JSON.stringify(options.alertmanager.bearerToken)}`]),
      ...(target.pathname === '/' ? [] : [`      path_prefix: ${JSON.stringify(target.pathname)}`]),
      '      static_configs:',
      `        - targets: [${JSON.stringify(target.host)}]`,
    );
  }
  return [
    'global:',
    `  scrape_interval: ${intervalMs}ms`,
    `  scrape_timeout: ${intervalMs}ms`,
    `  evaluation_interval: ${intervalMs}ms`,
    ...(options.rules === undefined ? [] : ['rule_files: [rules.yml]']),
    ...alerting,
    'scrape_configs:',
    '  - job_name: exporter',
    '    static_configs:',
    `      - targets: [${targets}]`,
    '',
  ].join('\n');
}

type StartAttempt = { server: PrometheusServer } | { problem: string; addressInUse: boolean };

async function startOnce(binary: string, configFile: string, dataDirectory: string, port: number, extraArgs: readonly string[]): Promise<StartAttempt> {
  const address = `127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDirectory}`, `--web.listen-address=${address}`, '--log.level=info', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start ${binary}: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited with ${code ?? signal ?? 'unknown'}`));
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const url = `http://${address}`;
  const deadline = performance.now() + readyTimeoutMs;
  for (;;) {
    const state = await Promise.race([exited, isReady(url).then((ready) => (ready ? 'ready' : 'waiting'))]);
    if (state === 'ready') break;
    if (state !== 'waiting' || performance.now() > deadline) {
      await stopChild(child, exited);
      process.removeListener('exit', killOnExit);
      const why = state === 'waiting' ? `not ready within ${readyTimeoutMs} ms` : state;
      return { problem: `prometheus on ${address} ${why}:\n${log}`, addressInUse: /address already in use/i.test(log) };
    }
    await sleep(50);
  }
  return {
    server: {
      url,
      query: (promql, timeMs) => instantQuery(url, promql, timeMs),
      output: () => log,
      async stop() {
        await stopChild(child, exited);
        process.removeListener('exit', killOnExit);
      },
    },
  };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await Promise.race([exited, sleep(100)]);
    return;
  }
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(stopTimeoutMs).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

function withCleanup(server: PrometheusServer, directory: string): PrometheusServer {
  let stopping: Promise<void> | undefined;
  return {
    ...server,
    stop() {
      stopping ??= server.stop().finally(() => rm(directory, { recursive: true, force: true }));
      return stopping;
    },
  };
}

async function instantQuery(url: string, promql: string, timeMs?: number): Promise<PrometheusInstantAnswer> {
  const query = new URL('/api/v1/query', url);
  query.searchParams.set('query', promql);
  if (timeMs !== undefined) query.searchParams.set('time', (timeMs / 1000).toFixed(3));
  const response = await fetch(query, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as PrometheusInstantAnswer;
}
