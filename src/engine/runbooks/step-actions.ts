/**
 * What automated runbook steps do to the outside world, behind narrow interfaces so the
 * executor is tested against real local servers and a fake clock: one HTTP request (global
 * fetch with a timeout), one local program (execFile, never a shell), one look at a monitor or
 * an SLO. Each returns `{ ok, output }`; none throws for an ordinary failure.
 */
import { execFile } from 'node:child_process';
import type { ComparisonOperator, HttpStep, WaitTarget } from '../../core/runbooks/runbook.js';
import { readResponseStart } from '../../adapters/response-body.js';

export interface StepOutcome {
  ok: boolean;
  output: string;
  /** A wait cannot succeed by waiting longer (the monitor or SLO does not exist): stop now. */
  final?: boolean;
}

/** Where wait_verify steps look. The lead wires these to the monitor scheduler and the SLO engine. */
export interface RunbookStatusSources {
  /** The monitor's current status (`up`, `down`, `degraded`, `pending` ...), null for an unknown monitor. */
  monitorStatus(name: string): Promise<string | null>;
  /** The SLO's SLI and remaining error budget as ratios (null when not known yet), null for an unknown SLO. */
  sloStatus(name: string): Promise<{ sliRatio: number | null; budgetRemainingRatio: number | null } | null>;
}

export interface CommandRunner {
  /** Runs `argv[0]` with the other arguments, no shell; resolves with its exit and output. */
  run(argv: readonly string[], timeoutMs: number): Promise<StepOutcome>;
}

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Most response bytes read: the output is truncated to far less anyway. */
const maxResponseBytes = 64 * 1024;

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code !== undefined ? `${message} (${cause.code})` : cause?.message !== undefined ? `${message}: ${cause.message}` : message;
}

/** Sends the step's request; success is one of `expectStatus`, or any 2xx when none is given. */
export async function runHttpStep(step: HttpStep, fetchFunction: FetchFunction): Promise<StepOutcome> {
  try {
    const hasBody = step.body !== null && step.method !== 'GET' && step.method !== 'HEAD';
    const response = await fetchFunction(step.url, {
      method: step.method,
      headers: step.headers,
      ...(hasBody ? { body: step.body } : {}),
      // A redirect is reported, not followed: the runbook author named the URL to act on.
      redirect: 'manual',
      signal: AbortSignal.timeout(step.timeoutMs),
    });
    const text = await readResponseStart(response, maxResponseBytes);
    const ok = step.expectStatus.length > 0 ? step.expectStatus.includes(response.status) : response.status >= 200 && response.status < 300;
    const expected = step.expectStatus.length > 0 ? step.expectStatus.join(' or ') : '2xx';
    return { ok, output: `HTTP ${response.status}${ok ? '' : ` (expected ${expected})`}${text === '' ? '' : `\n${text}`}` };
  } catch (error) {
    return { ok: false, output: `${step.method} ${step.url} failed: ${describeFetchError(error, step.timeoutMs)}` };
  }
}

export const execFileCommandRunner: CommandRunner = {
  run(argv, timeoutMs) {
    const [program = '', ...args] = argv;
    return new Promise((resolve) => {
      execFile(program, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, shell: false, windowsHide: true }, (error, stdout, stderr) => {
        const output = [stdout, stderr].filter((text) => text !== '').join('\n');
        if (error === null) {
          resolve({ ok: true, output: `exit 0${output === '' ? '' : `\n${output}`}` });
          return;
        }
        const failure = error as { killed?: boolean; signal?: string | null; code?: unknown; message: string };
        const why =
          failure.killed === true && typeof failure.signal === 'string'
            ? `timed out after ${timeoutMs} ms (killed with ${failure.signal})`
            : typeof failure.code === 'number'
              ? `exit ${failure.code}`
              : failure.message;
        resolve({ ok: false, output: `${why}${output === '' ? '' : `\n${output}`}` });
      });
    });
  },
};

function compare(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
  }
}

/** One look at the target: ok when it holds; the output says what was seen. */
export async function checkWaitTarget(target: WaitTarget, sources: RunbookStatusSources): Promise<StepOutcome> {
  if (target.kind === 'monitor') {
    const status = await sources.monitorStatus(target.monitor);
    if (status === null) return { ok: false, output: `monitor ${target.monitor} does not exist`, final: true };
    return { ok: status === 'up', output: `monitor ${target.monitor} is ${status}` };
  }
  const status = await sources.sloStatus(target.slo);
  if (status === null) return { ok: false, output: `SLO ${target.slo} does not exist`, final: true };
  const value = target.measure === 'sli' ? status.sliRatio : status.budgetRemainingRatio;
  const condition = `${target.measure} ${target.operator} ${target.threshold}`;
  if (value === null) return { ok: false, output: `SLO ${target.slo}: ${target.measure} not known yet (want ${condition})` };
  return { ok: compare(value, target.operator, target.threshold), output: `SLO ${target.slo}: ${target.measure} = ${value} (want ${condition})` };
}
