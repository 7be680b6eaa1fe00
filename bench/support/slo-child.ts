/**
 * Runs one measurement of `npm run bench -- slo` in its own Node process, so its RSS is its own
 * and nothing left over from another part (heap, a store's caches) blurs it.
 *
 * The child runs as plain JavaScript against the built code in dist/, as the server does, not
 * through tsx: tsx's loader alone adds ~40 MB of RSS, which would swamp the 150 MB budget of
 * 1,000 SLOs. So `prepareChildren` transpiles the `bench/support/slo-*.ts` files (types only
 * removed, TypeScript's transpileModule) into a temp dir whose `src` is a symlink to `dist`:
 * their `../../src/...` imports then load the built modules unchanged.
 *
 * The child prints progress on stderr and its result as one `RESULT {json}` line on stdout
 * (slo-child-protocol.ts); it is killed on timeout and on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { onInterrupt } from './interrupt.js';
import { readResult } from './slo-child-protocol.js';
import { repoRoot } from './server-under-test.js';

export interface ChildRunner {
  run<T>(options: ChildOptions): Promise<T>;
  cleanup(): Promise<void>;
}

export interface ChildOptions {
  /** File name in bench/support, e.g. `slo-core-child.ts`. */
  script: string;
  args: string[];
  timeoutMs: number;
  /** Extra node flags (e.g. --expose-gc). */
  nodeFlags?: string[];
  /** Called with each stderr line (progress). */
  onProgress?: (line: string) => void;
}

/** Transpiles bench/support/slo-*.ts into a temp dir that runs against dist/ (see the file comment). */
export async function prepareChildren(distDir = path.join(repoRoot, 'dist')): Promise<ChildRunner> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sre-monitor-bench-slo-js-'));
  const release = onInterrupt(() => rm(dir, { recursive: true, force: true }));
  const supportDir = path.join(repoRoot, 'bench', 'support');
  const outDir = path.join(dir, 'bench', 'support');
  await mkdir(outDir, { recursive: true });
  await symlink(distDir, path.join(dir, 'src'), 'dir');
  await writeFile(path.join(dir, 'package.json'), '{"type": "module"}\n');
  for (const name of await readdir(supportDir)) {
    if (!name.startsWith('slo-') || !name.endsWith('.ts')) continue;
    const source = await readFile(path.join(supportDir, name), 'utf8');
    const output = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, sourceMap: false },
    });
    await writeFile(path.join(outDir, name.replace(/\.ts$/, '.js')), output.outputText);
  }
  return {
    run: (options) => runChild(path.join(outDir, options.script.replace(/\.ts$/, '.js')), options),
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
      release();
    },
  };
}

async function runChild<T>(file: string, options: ChildOptions): Promise<T> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), file, ...options.args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderrTail = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderrTail = (stderrTail + text).slice(-16_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onProgress?.(line);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.once('error', (error) => resolve(`spawn error: ${error.message}`));
  });
  const release = onInterrupt(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  try {
    const outcome = await Promise.race([exited, timedOut]);
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${options.script} did not finish within ${Math.round(options.timeoutMs / 1000)} s:\n${stderrTail}`);
    }
    const result = readResult(stdout);
    if (outcome !== 0 || result === undefined) throw new Error(`${options.script} ${options.args.join(' ')} exited with ${outcome}:\n${stderrTail}`);
    return result as T;
  } finally {
    clearTimeout(timer);
    release();
  }
}
