/**
 * `amtool` (Debian package `prometheus-alertmanager`) for the routing tests that compare
 * `sre-monitor route test` with Alertmanager's own answer: found on PATH or named by
 * `SRE_MONITOR_TEST_AMTOOL`. Outside CI a machine without it skips those tests, with
 * `amtoolSkipReason()` in their names; with CI=true they run and fail, because CI installs it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const binaryVariable = 'SRE_MONITOR_TEST_AMTOOL';

function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

export function findAmtool(): string | undefined {
  const configured = process.env[binaryVariable]?.trim();
  if (configured !== undefined && configured !== '') return configured;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'amtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** '' when the amtool tests run (a binary exists, or CI=true where they must fail without one); else ` (skipped: ...)`. */
export function amtoolSkipReason(): string {
  if (findAmtool() !== undefined || isCi()) return '';
  return ` (skipped: no amtool on PATH; apt-get install prometheus-alertmanager or set ${binaryVariable})`;
}

export interface AmtoolRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs amtool with `args`; throws when there is none (only reached under CI=true). */
export async function runAmtool(args: readonly string[]): Promise<AmtoolRun> {
  const binary = findAmtool();
  if (binary === undefined) throw new Error(`CI=true but no amtool on PATH: CI must install the Debian package prometheus-alertmanager (or set ${binaryVariable})`);
  return new Promise((resolve, reject) => {
    execFile(binary, [...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`could not run amtool: ${error.message}`, { cause: error }));
        return;
      }
      resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** Runs `tasks` with at most `limit` at a time, results in task order. */
export async function runLimited<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
