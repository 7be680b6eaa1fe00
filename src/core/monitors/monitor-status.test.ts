import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  initialMonitorState,
  pauseMonitor,
  resumeMonitor,
  validateMonitorStatusOptions,
  withMonitorStatusDefaults,
  type CheckOutcome,
  type MonitorStatusOptions,
  type MonitorStatusState,
  type MonitorTransition,
} from './monitor-status.js';

const t0 = Date.UTC(2026, 0, 1);
const stepMs = 30_000;

const outcomes: Record<string, CheckOutcome> = {
  up: { status: 'up', message: '200 OK', latencyMs: 12 },
  down: { status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:9', latencyMs: null },
  degraded: { status: 'degraded', message: 'latency 2300 ms > 1000 ms', latencyMs: 2300 },
};

interface Walk {
  trace: string[];
  transitions: MonitorTransition[];
  state: MonitorStatusState;
}

/**
 * Walks a script of steps, one every 30 s from t0: `up`, `down`, `degraded` apply an outcome,
 * a leading `~` applies it inside a maintenance window, `pause` and `resume` do what they say.
 * Each step renders as the status after it (`up`), or `from->to` when it changed, plus ` retry`
 * when the machine asked for an immediate re-check.
 */
function walk(script: string, overrides: Partial<MonitorStatusOptions> = {}): Walk {
  const options = withMonitorStatusDefaults(overrides);
  let state = initialMonitorState(t0);
  const trace: string[] = [];
  const transitions: MonitorTransition[] = [];
  script
    .split(/\s+/)
    .filter(Boolean)
    .forEach((step, index) => {
      const nowMs = t0 + (index + 1) * stepMs;
      let transition: MonitorTransition | null;
      let retry = false;
      if (step === 'pause' || step === 'resume') {
        ({ next: state, transition } = step === 'pause' ? pauseMonitor(state, nowMs) : resumeMonitor(state, nowMs));
      } else {
        const inMaintenance = step.startsWith('~');
        const outcome = outcomes[inMaintenance ? step.slice(1) : step];
        if (!outcome) throw new Error(`bad step ${step}`);
        const result = applyOutcome(state, options, outcome, nowMs, { inMaintenance });
        ({ next: state, transition } = result);
        retry = result.action === 'retry_now';
      }
      if (transition) transitions.push(transition);
      trace.push(`${transition ? `${transition.from}->${transition.to}` : state.status}${retry ? ' retry' : ''}`);
    });
  return { trace, transitions, state };
}

describe('monitor status walks', () => {
  it.each([
    {
      name: 'the first outcome from pending sets up at once',
      options: { successThreshold: 3 },
      script: 'up up',
      trace: ['pending->up', 'up'],
    },
    {
      name: 'the first outcome from pending sets down at once, ignoring the failure threshold',
      options: { failureThreshold: 3 },
      script: 'down down',
      trace: ['pending->down', 'down'],
    },
    {
      name: 'the first outcome from pending sets degraded at once',
      options: { successThreshold: 3 },
      script: 'degraded',
      trace: ['pending->degraded'],
    },
    {
      name: 'with default options every change is immediate',
      options: {},
      script: 'up down up degraded up down degraded',
      trace: ['pending->up', 'up->down', 'down->up', 'up->degraded', 'degraded->up', 'up->down', 'down->degraded'],
    },
    {
      name: 'retries re-check at once before a failure counts; a success in between clears them',
      options: { retries: 2 },
      script: 'up down down up down down down',
      trace: ['pending->up', 'up retry', 'up retry', 'up', 'up retry', 'up retry', 'up->down'],
    },
    {
      name: 'retries also confirm the first failure of a new monitor',
      options: { retries: 1 },
      script: 'down down',
      trace: ['pending retry', 'pending->down'],
    },
    {
      name: 'a monitor that is already down does not retry',
      options: { retries: 2 },
      script: 'down down down down down',
      trace: ['pending retry', 'pending retry', 'pending->down', 'down', 'down'],
    },
    {
      name: 'retries apply to each counted failure on the way to the threshold',
      options: { retries: 1, failureThreshold: 2 },
      script: 'up down down down down',
      trace: ['pending->up', 'up retry', 'up', 'up retry', 'up->down'],
    },
    {
      name: 'goes down only on the failureThreshold-th consecutive failure',
      options: { failureThreshold: 3 },
      script: 'up down down down down',
      trace: ['pending->up', 'up', 'up', 'up->down', 'down'],
    },
    {
      name: 'flapping up/down never reaches down with failureThreshold 2',
      options: { failureThreshold: 2 },
      script: 'up down up down up down up down',
      trace: ['pending->up', 'up', 'up', 'up', 'up', 'up', 'up', 'up'],
    },
    {
      name: 'degraded checks count as successes against the failure threshold',
      options: { failureThreshold: 2 },
      script: 'up down degraded down up',
      trace: ['pending->up', 'up', 'up->degraded', 'degraded', 'degraded->up'],
    },
    {
      name: 'comes back up only after successThreshold consecutive successes',
      options: { successThreshold: 3 },
      script: 'down up up down up up up up',
      trace: ['pending->down', 'down', 'down', 'down', 'down', 'down', 'down->up', 'up'],
    },
    {
      name: 'flapping down/up never recovers with successThreshold 2',
      options: { successThreshold: 2 },
      script: 'down up down up down up',
      trace: ['pending->down', 'down', 'down', 'down', 'down', 'down'],
    },
    {
      name: 'recovery counts up and degraded checks alike and lands on the latest kind',
      options: { successThreshold: 2 },
      script: 'down up degraded',
      trace: ['pending->down', 'down', 'down->degraded'],
    },
    {
      name: 'up and degraded switch only after successThreshold checks of the new kind',
      options: { successThreshold: 2 },
      script: 'up degraded up degraded degraded degraded up up',
      trace: ['pending->up', 'up', 'up', 'up', 'up->degraded', 'degraded', 'degraded', 'degraded->up'],
    },
    {
      name: 'a degraded monitor goes down with the same failure threshold',
      options: { failureThreshold: 2, retries: 1 },
      script: 'degraded down down down down',
      trace: ['pending->degraded', 'degraded retry', 'degraded', 'degraded retry', 'degraded->down'],
    },
    {
      name: 'maintenance replaces any status and hides failures; afterwards the first outcome decides',
      options: { failureThreshold: 3, successThreshold: 3 },
      script: 'up ~down ~down ~up ~down down down',
      trace: ['pending->up', 'up->maintenance', 'maintenance', 'maintenance', 'maintenance', 'maintenance->down', 'down'],
    },
    {
      name: 'after maintenance a success sets up at once even with a success threshold',
      options: { successThreshold: 3 },
      script: 'down ~down up',
      trace: ['pending->down', 'down->maintenance', 'maintenance->up'],
    },
    {
      name: 'after maintenance a failure is still confirmed by retries, from pending',
      options: { retries: 1 },
      script: 'up ~up down down',
      trace: ['pending->up', 'up->maintenance', 'maintenance->pending retry', 'pending->down'],
    },
    {
      name: 'maintenance interrupts retries in progress',
      options: { retries: 2 },
      script: 'up down ~down up',
      trace: ['pending->up', 'up retry', 'up->maintenance', 'maintenance->up'],
    },
    {
      name: 'a paused monitor ignores outcomes and maintenance; resume starts from pending',
      options: { successThreshold: 2 },
      script: 'down pause up ~down up resume up',
      trace: ['pending->down', 'down->paused', 'paused', 'paused', 'paused', 'paused->pending', 'pending->up'],
    },
    {
      name: 'pause during maintenance; pausing twice and resuming a running monitor do nothing',
      options: {},
      script: 'up resume ~up pause pause resume resume down',
      trace: ['pending->up', 'up', 'up->maintenance', 'maintenance->paused', 'paused', 'paused->pending', 'pending', 'pending->down'],
    },
    {
      name: 'pause clears the failure count so resuming starts fresh',
      options: { failureThreshold: 2 },
      script: 'up down pause resume up down up',
      trace: ['pending->up', 'up', 'up->paused', 'paused->pending', 'pending->up', 'up', 'up'],
    },
  ])('$name', ({ options, script, trace }) => {
    expect(walk(script, options).trace).toEqual(trace);
  });
});

describe('transition reasons', () => {
  it.each([
    [{ failureThreshold: 3 }, 'up down down down', 'failure_threshold', '3 consecutive failures: connect ECONNREFUSED 127.0.0.1:9'],
    [{}, 'up down', 'failure_threshold', 'check failed: connect ECONNREFUSED 127.0.0.1:9'],
    [{ retries: 2 }, 'up down down down', 'failure_threshold', 'check failed after 2 retries: connect ECONNREFUSED 127.0.0.1:9'],
    [{ retries: 1 }, 'down down', 'first_check', 'first check failed after 1 retry: connect ECONNREFUSED 127.0.0.1:9'],
    [{}, 'down', 'first_check', 'first check failed: connect ECONNREFUSED 127.0.0.1:9'],
    [{}, 'up', 'first_check', 'first check succeeded'],
    [{}, 'degraded', 'first_check', 'first check degraded: latency 2300 ms > 1000 ms'],
    [{ successThreshold: 2 }, 'down up up', 'success_threshold', 'recovered after 2 consecutive successes'],
    [{}, 'down up', 'success_threshold', 'recovered: check succeeded'],
    [{ successThreshold: 2 }, 'down up degraded', 'success_threshold', 'recovered but degraded after 2 consecutive successes: latency 2300 ms > 1000 ms'],
    [{}, 'down degraded', 'success_threshold', 'recovered but degraded: latency 2300 ms > 1000 ms'],
    [{}, 'up degraded', 'success_threshold', 'degraded: latency 2300 ms > 1000 ms'],
    [{ successThreshold: 2 }, 'up degraded degraded', 'success_threshold', '2 consecutive degraded checks: latency 2300 ms > 1000 ms'],
    [{}, 'degraded up', 'success_threshold', 'no longer degraded'],
    [{ successThreshold: 3 }, 'degraded up up up', 'success_threshold', 'no longer degraded after 3 consecutive normal checks'],
    [{}, 'up ~down', 'maintenance_started', 'maintenance_started'],
    [{}, 'up ~down down', 'maintenance_ended', 'maintenance ended; first check failed: connect ECONNREFUSED 127.0.0.1:9'],
    [{ retries: 1 }, 'up ~down down', 'maintenance_ended', 'maintenance_ended'],
    [{}, 'up pause', 'paused', 'paused'],
    [{}, 'up pause resume', 'resumed', 'resumed'],
  ] as const)('%o %s -> %s: %s', (options, script, cause, reason) => {
    const last = walk(script, options).transitions.at(-1);
    expect(last?.cause).toBe(cause);
    expect(last?.reason).toBe(reason);
  });
});

describe('monitor status state', () => {
  it('keeps counters, the last message and the time of the last change', () => {
    const options = withMonitorStatusDefaults({ retries: 1, failureThreshold: 3 });
    let state = initialMonitorState(t0);
    expect(state).toEqual({
      status: 'pending',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      retriesUsed: 0,
      since: t0,
      lastMessage: '',
      lastOutcome: null,
    });
    const steps: [CheckOutcome, number][] = [
      [outcomes.up!, t0 + 30_000],
      [outcomes.up!, t0 + 60_000],
      [outcomes.down!, t0 + 90_000],
    ];
    for (const [outcome, nowMs] of steps) state = applyOutcome(state, options, outcome, nowMs, { inMaintenance: false }).next;
    expect(state).toEqual({
      status: 'up',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      retriesUsed: 1,
      since: t0 + 30_000,
      lastMessage: 'connect ECONNREFUSED 127.0.0.1:9',
      lastOutcome: 'down',
    });
    state = applyOutcome(state, options, outcomes.down!, t0 + 91_000, { inMaintenance: false }).next;
    expect(state).toMatchObject({ status: 'up', consecutiveFailures: 1, retriesUsed: 0, since: t0 + 30_000 });
  });

  it('does not change a paused monitor at all', () => {
    const paused = pauseMonitor(walk('up').state, t0 + 99_000).next;
    const result = applyOutcome(paused, withMonitorStatusDefaults(), outcomes.down!, t0 + 100_000, { inMaintenance: true });
    expect(result).toEqual({ next: paused, action: 'none', transition: null });
    expect(paused).toMatchObject({ status: 'paused', since: t0 + 99_000, lastMessage: '200 OK' });
  });

  it('stamps since when entering and leaving maintenance', () => {
    const { state } = walk('up ~down ~up');
    expect(state).toMatchObject({ status: 'maintenance', since: t0 + 2 * stepMs, lastMessage: '200 OK', lastOutcome: 'up' });
  });
});

describe('monitor status options', () => {
  it('defaults to no retries and thresholds of 1', () => {
    expect(withMonitorStatusDefaults()).toEqual({ retries: 0, failureThreshold: 1, successThreshold: 1 });
    expect(validateMonitorStatusOptions(withMonitorStatusDefaults())).toEqual([]);
  });

  it.each([
    [{ retries: -1 }, ['retries']],
    [{ retries: 11 }, ['retries']],
    [{ retries: 1.5 }, ['retries']],
    [{ retries: 10, failureThreshold: 100, successThreshold: 100 }, []],
    [{ failureThreshold: 0 }, ['failure_threshold']],
    [{ failureThreshold: 101 }, ['failure_threshold']],
    [{ successThreshold: 0 }, ['success_threshold']],
    [{ successThreshold: Number.POSITIVE_INFINITY }, ['success_threshold']],
    [{ retries: Number.NaN, failureThreshold: 0, successThreshold: 2.5 }, ['retries', 'failure_threshold', 'success_threshold']],
  ] as const)('%o -> problems in %o', (overrides, fields) => {
    expect(validateMonitorStatusOptions(withMonitorStatusDefaults(overrides)).map((problem) => problem.field)).toEqual(fields);
  });

  it('names the range and the bad value', () => {
    expect(validateMonitorStatusOptions(withMonitorStatusDefaults({ retries: 11 }))).toEqual([
      { field: 'retries', message: 'must be an integer from 0 to 10, got 11' },
    ]);
  });
});
