/**
 * `promtool` (Debian package `prometheus`) for the tests of `rules export`: found on PATH or
 * named by `SRE_MONITOR_TEST_PROMTOOL`. Outside CI a machine without it skips those tests, with
 * `promtoolSkipReason()` in their names; with CI=true they run and fail, because CI installs it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const binaryVariable = 'SRE_MONITOR_TEST_PROMTOOL';

function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

export function findPromtool(): string | undefined {
  const configured = process.env[binaryVariable]?.trim();
  if (configured !== undefined && configured !== '') return configured;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** '' when the promtool tests run (a binary exists, or CI=true where they must fail without one); else ` (skipped: ...)`. */
export function promtoolSkipReason(): string {
  if (findPromtool() !== undefined || isCi()) return '';
  return ` (skipped: no promtool on PATH; apt-get install prometheus or set ${binaryVariable})`;
}

export interface PromtoolRun {
  status: number;
  /** stdout and stderr together: promtool prints its verdicts on both. */
  output: string;
}

/** Runs promtool with `args` in `cwd`; throws when there is none (only reached under CI=true). */
export function runPromtool(args: string[], cwd: string): PromtoolRun {
  const binary = findPromtool();
  if (binary === undefined) throw new Error(`CI=true but no promtool on PATH: CI must install the Debian package prometheus (or set ${binaryVariable})`);
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
