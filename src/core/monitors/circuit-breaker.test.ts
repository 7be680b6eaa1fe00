import { describe, expect, it } from 'vitest';
import {
  breakerAllows,
  breakerTrialAtMs,
  initialBreakerState,
  recordBreakerResult,
  resetBreaker,
  validateBreakerOptions,
  withBreakerDefaults,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
} from './circuit-breaker.js';

const t0 = Date.UTC(2026, 0, 1);
const options: CircuitBreakerOptions = { failureThreshold: 3, openDurationMs: 60_000, halfOpenTrials: 2 };

/**
 * Walks a script of `call@ms`, `ok@ms`, `fail@ms` and `reset@ms` steps (ms relative to t0) and
 * renders what each step did: `allowed closed`, `refused open`, `closed->open failure_threshold`,
 * `-` for a recorded result that changed no state.
 */
function walk(script: string, opts: CircuitBreakerOptions = options): { trace: string[]; state: CircuitBreakerState } {
  let state = initialBreakerState(t0);
  const trace: string[] = [];
  for (const step of script.split(/\s+/).filter(Boolean)) {
    const [verb, at] = step.split('@');
    const nowMs = t0 + Number(at);
    if (verb === 'call') {
      const decision = breakerAllows(state, opts, nowMs);
      state = decision.next;
      const moved = decision.transition ? ` (${decision.transition.from}->${decision.transition.to} ${decision.transition.reason})` : '';
      trace.push(`${decision.allowed ? 'allowed' : 'refused'} ${decision.reason}${moved}`);
    } else if (verb === 'ok' || verb === 'fail') {
      const result = recordBreakerResult(state, opts, verb === 'ok', nowMs);
      state = result.next;
      trace.push(result.transition ? `${result.transition.from}->${result.transition.to} ${result.transition.reason}` : '-');
    } else if (verb === 'reset') {
      state = resetBreaker(nowMs);
      trace.push('reset');
    } else {
      throw new Error(`bad step ${step}`);
    }
  }
  return { trace, state };
}

describe('circuit breaker walks', () => {
  it.each([
    {
      name: 'stays closed below the failure threshold and a success clears the count',
      script: 'call@0 fail@0 call@1 fail@1 call@2 ok@2 call@3 fail@3 call@4 fail@4',
      trace: ['allowed closed', '-', 'allowed closed', '-', 'allowed closed', '-', 'allowed closed', '-', 'allowed closed', '-'],
      state: 'closed',
    },
    {
      name: 'opens on the threshold-th consecutive failure and refuses calls while open',
      script: 'call@0 fail@0 call@1 fail@1 call@2 fail@2 call@3 call@59999',
      trace: ['allowed closed', '-', 'allowed closed', '-', 'allowed closed', 'closed->open failure_threshold', 'refused open', 'refused open'],
      state: 'open',
    },
    {
      name: 'lets exactly one trial through once the open duration has elapsed, refusing others meanwhile',
      script: 'fail@0 fail@0 fail@0 call@59999 call@60000 call@60001 call@60500',
      trace: ['-', '-', 'closed->open failure_threshold', 'refused open', 'allowed half_open_trial (open->half_open open_duration_elapsed)', 'refused half_open_busy', 'refused half_open_busy'],
      state: 'half_open',
    },
    {
      name: 'a failed trial opens it again and restarts the open period from the failure',
      script: 'fail@0 fail@0 fail@0 call@60000 fail@61000 call@120000 call@121000',
      trace: ['-', '-', 'closed->open failure_threshold', 'allowed half_open_trial (open->half_open open_duration_elapsed)', 'half_open->open trial_failed', 'refused open', 'allowed half_open_trial (open->half_open open_duration_elapsed)'],
      state: 'half_open',
    },
    {
      name: 'closes after halfOpenTrials successful trials, one at a time',
      script: 'fail@0 fail@0 fail@0 call@60000 ok@60100 call@60200 call@60300 ok@60400 call@60500',
      trace: ['-', '-', 'closed->open failure_threshold', 'allowed half_open_trial (open->half_open open_duration_elapsed)', '-', 'allowed half_open_trial', 'refused half_open_busy', 'half_open->closed trials_succeeded', 'allowed closed'],
      state: 'closed',
    },
    {
      name: 'a failure after some successful trials opens it again',
      script: 'fail@0 fail@0 fail@0 call@60000 ok@60100 call@60200 fail@60300 call@60400',
      trace: ['-', '-', 'closed->open failure_threshold', 'allowed half_open_trial (open->half_open open_duration_elapsed)', '-', 'allowed half_open_trial', 'half_open->open trial_failed', 'refused open'],
      state: 'open',
    },
    {
      name: 'late results recorded while open neither close it nor extend the open period',
      script: 'fail@0 fail@0 fail@0 ok@10 fail@30000 call@60000',
      trace: ['-', '-', 'closed->open failure_threshold', '-', '-', 'allowed half_open_trial (open->half_open open_duration_elapsed)'],
      state: 'half_open',
    },
    {
      name: 'after closing, it takes a full threshold of new failures to open again',
      script: 'fail@0 fail@0 fail@0 call@60000 ok@60000 call@60000 ok@60000 fail@60001 fail@60002 fail@60003',
      trace: ['-', '-', 'closed->open failure_threshold', 'allowed half_open_trial (open->half_open open_duration_elapsed)', '-', 'allowed half_open_trial', 'half_open->closed trials_succeeded', '-', '-', 'closed->open failure_threshold'],
      state: 'open',
    },
  ])('$name', ({ script, trace, state }) => {
    const result = walk(script);
    expect(result.trace).toEqual(trace);
    expect(result.state.state).toBe(state);
  });

  it('records counters and timestamps of each state', () => {
    const opened = walk('fail@0 fail@1000 fail@2000').state;
    expect(opened).toEqual({
      state: 'open',
      consecutiveFailures: 3,
      openedAtMs: t0 + 2000,
      halfOpenSuccesses: 0,
      changedAtMs: t0 + 2000,
      trialInFlight: false,
    });
    expect(breakerTrialAtMs(opened, options)).toBe(t0 + 62_000);

    const trying = walk('fail@0 fail@0 fail@0 call@60000 ok@60500').state;
    expect(trying).toEqual({
      state: 'half_open',
      consecutiveFailures: 3,
      openedAtMs: t0,
      halfOpenSuccesses: 1,
      changedAtMs: t0 + 60_000,
      trialInFlight: false,
    });
    expect(breakerTrialAtMs(trying, options)).toBeNull();

    expect(walk('fail@0 fail@0 fail@0 call@60000 ok@60000 call@61000 ok@62000').state).toEqual(initialBreakerState(t0 + 62_000));
  });

  it('opens on the first failure with a threshold of 1 and closes on one trial with halfOpenTrials 1', () => {
    const single = { failureThreshold: 1, openDurationMs: 1000, halfOpenTrials: 1 };
    expect(walk('call@0 fail@0 call@999 call@1000 ok@1001', single).trace).toEqual([
      'allowed closed',
      'closed->open failure_threshold',
      'refused open',
      'allowed half_open_trial (open->half_open open_duration_elapsed)',
      'half_open->closed trials_succeeded',
    ]);
  });
});

describe('manual reset', () => {
  it.each([
    ['closed with failures', 'fail@0 fail@1'],
    ['open', 'fail@0 fail@0 fail@0'],
    ['half_open with a trial in flight', 'fail@0 fail@0 fail@0 call@60000'],
    ['half_open between trials', 'fail@0 fail@0 fail@0 call@60000 ok@60001'],
  ])('from %s closes the breaker and clears every counter', (_name, script) => {
    const { state } = walk(`${script} reset@70000 call@70001`);
    expect(state).toEqual(initialBreakerState(t0 + 70_000));
    expect(walk(`${script} reset@70000 call@70001`).trace.at(-1)).toBe('allowed closed');
  });
});

describe('breaker options', () => {
  it('defaults to 5 failures, 60 s open and 1 trial', () => {
    expect(withBreakerDefaults()).toEqual({ failureThreshold: 5, openDurationMs: 60_000, halfOpenTrials: 1 });
    expect(withBreakerDefaults({ halfOpenTrials: 3 })).toEqual({ failureThreshold: 5, openDurationMs: 60_000, halfOpenTrials: 3 });
    expect(validateBreakerOptions(withBreakerDefaults())).toEqual([]);
  });

  it.each([
    [{ failureThreshold: 0 }, ['failure_threshold']],
    [{ failureThreshold: 2.5 }, ['failure_threshold']],
    [{ failureThreshold: 1001 }, ['failure_threshold']],
    [{ openDurationMs: 0 }, ['open_duration']],
    [{ openDurationMs: -5 }, ['open_duration']],
    [{ openDurationMs: Number.NaN }, ['open_duration']],
    [{ openDurationMs: 25 * 3600_000 }, ['open_duration']],
    [{ halfOpenTrials: 0 }, ['half_open_trials']],
    [{ failureThreshold: -1, openDurationMs: 0, halfOpenTrials: 0 }, ['failure_threshold', 'open_duration', 'half_open_trials']],
    [{ failureThreshold: 1, openDurationMs: 1, halfOpenTrials: 1000 }, []],
  ] as const)('%o -> problems in %o', (overrides, fields) => {
    const problems = validateBreakerOptions(withBreakerDefaults(overrides));
    expect(problems.map((problem) => problem.field)).toEqual(fields);
    for (const problem of problems) expect(problem.message).toMatch(/^must be /);
  });

  it('names the bad value in the message', () => {
    expect(validateBreakerOptions(withBreakerDefaults({ failureThreshold: 0 }))).toEqual([
      { field: 'failure_threshold', message: 'must be an integer from 1 to 1000, got 0' },
    ]);
  });
});
