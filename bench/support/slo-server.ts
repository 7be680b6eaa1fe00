/**
 * The built server with many SLOs for `npm run bench -- slo`: a workspace whose config declares
 * N SLOs (and their services), a responder token, and a start that times its phases (process
 * start -> "is running" banner -> /health/ready 200) with limits long enough for a first start
 * that creates 10,000 SLOs. Always 127.0.0.1; the process is killed on Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { onInterrupt } from './interrupt.js';
import { cliPath, createWorkspace, repoRoot, type StorageSettings, type Workspace } from './server-under-test.js';
import { sloConfigYaml } from './slo-synthetic.js';

const outputLimitChars = 64 * 1024;

export interface SloServer {
  pid: number;
  baseUrl: string;
  /** ms from spawn to the "is running at" banner (config loaded, store opened, SLOs restored, listening). */
  bannerMs: number;
  /** ms from spawn to the first 200 from /health/ready. */
  readyMs: number;
  output(): string;
  /** SIGTERM, SIGKILL after 30 s; the exit code or signal. */
  stop(): Promise<number | string>;
}

export interface SloServerOptions {
  configFile: string;
  nodeFlags: string[];
  cli?: string;
  timeoutMs: number;
}

/** A temp workspace (server/storage from server-under-test) plus `services:` and `slos:` for `slos` SLOs. */
export async function createSloWorkspace(storage: StorageSettings, slos: number): Promise<Workspace> {
  const workspace = await createWorkspace(storage);
  await appendFile(workspace.configFile, sloConfigYaml(slos), 'utf8');
  return workspace;
}

/** `token create` through the CLI; its stdout is the secret. */
export function createToken(configFile: string, role: 'responder' | 'admin', cli = cliPath): string {
  const result = spawnSync(process.execPath, [cli, 'token', 'create', '--role', role, '--name', `bench-${role}`, '--config', configFile], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const token = result.stdout.trim();
  if (result.status !== 0 || token === '') throw new Error(`'token create' failed (exit ${result.status ?? result.signal ?? 'unknown'}): ${result.stderr.trim() || 'no output'}`);
  return token;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startSloServer(options: SloServerOptions): Promise<SloServer> {
  const started = performance.now();
  const child = spawn(process.execPath, [...options.nodeFlags, options.cli ?? cliPath, 'start', '--config', options.configFile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputLimitChars);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve((exitedWith = code ?? signal ?? -1)));
    child.once('error', (error) => resolve((exitedWith = `spawn error: ${error.message}`)));
  });
  const kill = async () => {
    if (exitedWith === undefined) child.kill('SIGKILL');
    await exited;
  };
  const release = onInterrupt(kill);
  const stop = async (): Promise<number | string> => {
    try {
      if (exitedWith !== undefined) return exitedWith;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000)))]);
      clearTimeout(timer);
      if (outcome !== 'timeout') return outcome;
      child.kill('SIGKILL');
      await exited;
      return 'no exit within 30 s of SIGTERM (killed)';
    } finally {
      release();
    }
  };
  const fail = async (why: string): Promise<never> => {
    await kill();
    release();
    throw new Error(`server did not start (${why}):\n${output}`);
  };

  const deadline = started + options.timeoutMs;
  let port: string | undefined;
  while (port === undefined) {
    port = /is running at http:\/\/[^\s/]+:(\d+)/.exec(output)?.[1];
    if (port !== undefined) break;
    if (exitedWith !== undefined) await fail(`exited with ${exitedWith}`);
    if (performance.now() > deadline) await fail(`no banner within ${Math.round(options.timeoutMs / 1000)} s`);
    await sleep(20);
  }
  const bannerMs = performance.now() - started;
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    const status = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (exitedWith !== undefined) await fail(`exited with ${exitedWith}`);
    if (performance.now() > deadline) await fail(`/health/ready not 200 within ${Math.round(options.timeoutMs / 1000)} s (last status ${status})`);
    await sleep(20);
  }
  const readyMs = performance.now() - started;
  return { pid: child.pid ?? -1, baseUrl, bannerMs, readyMs, output: () => output, stop };
}
