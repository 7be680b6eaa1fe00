/**
 * The built sre-monitor run the way users run it: `node dist/cli/main.js start` as a child
 * process, so the load generator (this process) and the server never share an event loop.
 * Everything it creates lives in one temp directory that `cleanup` removes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli', 'main.js');

const startTimeoutMs = 30_000;
const readyTimeoutMs = 30_000;
const stopTimeoutMs = 20_000;
const cliTimeoutMs = 60_000;
/** Only the tail of the server's output is kept, for error messages. */
const outputLimitChars = 64 * 1024;

export type StorageSettings = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface ServerUnderTest {
  pid: number;
  /** Always http://127.0.0.1:PORT: the benchmarks never target another host. */
  baseUrl: string;
  adminToken: string;
  /** Sends SIGTERM and waits; resolves with the exit code or the signal name. */
  stop(): Promise<number | string>;
  output(): string;
}

export interface Workspace {
  dir: string;
  configFile: string;
  cleanup(): Promise<void>;
}

export class BuildMissingError extends Error {
  override readonly name = 'BuildMissingError';
}

export function assertBuilt(cli: string = cliPath): void {
  if (!existsSync(cli)) {
    const hint = cli === cliPath ? "run 'npm run build' first" : 'pass the path of a built dist/cli/main.js';
    throw new BuildMissingError(`${path.relative(process.cwd(), cli)} is missing: ${hint}`);
  }
}

/** A temp dir with a config: loopback, port 0 (the OS picks a free one), log level warn. */
export async function createWorkspace(storage: StorageSettings): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `sre-monitor-bench-${storage.kind}-`));
  const storageYaml = storage.kind === 'sqlite'
    ? ['  sqlite:', '    path: bench.db']
    : ['  postgres:', `    url: ${JSON.stringify(storage.url)}`, '    pool:', '      max: 10'];
  const yaml = [
    '# written by bench/ for one run; removed afterwards',
    'server:',
    '  host: 127.0.0.1',
    '  port: 0',
    `  data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  log_level: warn',
    'storage:',
    ...storageYaml,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'bench.yaml');
  await writeFile(configFile, yaml, 'utf8');
  return { dir, configFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `token create --role admin` through the CLI; its stdout is the secret. */
export function createAdminToken(configFile: string, cli: string = cliPath): string {
  const result = spawnSync(process.execPath, [cli, 'token', 'create', '--role', 'admin', '--name', 'bench', '--config', configFile], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: cliTimeoutMs,
  });
  const token = result.stdout.trim();
  if (result.status !== 0 || token === '') {
    throw new Error(`'token create' failed (exit ${result.status ?? result.signal ?? 'unknown'}): ${result.stderr.trim() || result.error?.message || 'no output'}`);
  }
  return token;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StartOptions {
  configFile: string;
  adminToken: string;
  /** Extra node flags for the server, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR]. */
  nodeFlags?: string[];
  /** The CLI to run; another build's dist/cli/main.js allows before/after comparisons. */
  cli?: string;
}

/** Spawns the server, reads its port from the banner and waits for /health/ready to be 200. */
export async function startServer(options: StartOptions): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.cli ?? cliPath, 'start', '--config', options.configFile], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputLimitChars);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let exitedWith: number | string | undefined;
  void exited.then((code) => (exitedWith = code));

  const fail = (why: string): never => {
    child.kill('SIGKILL');
    throw new Error(`server did not start (${why}):\n${output}`);
  };
  if (child.pid === undefined) fail('spawn failed');

  const startDeadline = Date.now() + startTimeoutMs;
  let port: string | undefined;
  while (port === undefined) {
    port = /is running at http:\/\/[^\s/]+:(\d+)/.exec(output)?.[1];
    if (port !== undefined) break;
    if (exitedWith !== undefined) fail(`exited with ${exitedWith}`);
    if (Date.now() > startDeadline) fail(`no banner within ${startTimeoutMs} ms`);
    await sleep(50);
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  const readyDeadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const status = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (exitedWith !== undefined) fail(`exited with ${exitedWith}`);
    if (Date.now() > readyDeadline) fail(`/health/ready not 200 within ${readyTimeoutMs} ms (last status ${status})`);
    await sleep(100);
  }

  return {
    pid: child.pid ?? -1,
    baseUrl,
    adminToken: options.adminToken,
    output: () => output,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | string>): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timedOut = Symbol('timed out');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([exited, new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), stopTimeoutMs)))]);
  clearTimeout(timer);
  if (outcome !== timedOut) return outcome;
  child.kill('SIGKILL');
  await exited;
  return `no exit within ${stopTimeoutMs} ms of SIGTERM (killed)`;
}

/**
 * The node flags in the CLI's `#!/usr/bin/env -S node ...` line: the installed `sre-monitor`
 * command runs with them, so the benchmark starts the server the same way.
 */
export function shebangNodeFlags(cli: string): string[] {
  if (!existsSync(cli)) return [];
  const firstLine = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env -S node(?<flags>.*)$/.exec(firstLine);
  return (match?.groups?.flags ?? '').split(' ').filter((flag) => flag !== '');
}
