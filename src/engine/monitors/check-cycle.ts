/**
 * One scheduled check of one monitor: ask the circuit breaker, run the probe with the monitor's
 * timeout, re-check at once while the status rules want a retry, and judge the final attempt.
 * Returns the one result to store (retries are folded into its message), the next runtime state
 * and any transitions to announce. Time comes from the injected clock and timers only.
 */
import type { Clock } from '../../core/clock.js';
import {
  breakerAllows,
  recordBreakerResult,
  breakerTrialAtMs,
  type BreakerTransition,
  type CircuitBreakerState,
} from '../../core/monitors/circuit-breaker.js';
import { activeWindow } from '../../core/monitors/maintenance-window.js';
import type { Monitor, MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import { applyOutcome, type CheckOutcome, type MonitorTransition } from '../../core/monitors/monitor-status.js';
import type { ProbeResult } from '../../core/monitors/probe.js';
import type { ProbeRegistry } from '../../adapters/probes/probe-registry.js';
import { ProbeTimeoutError } from '../../adapters/probes/probe-timeout.js';
import type { Timers } from '../timers.js';

/** Extra time a probe gets to honour its abort before the cycle gives up on it. */
export const probeAbortGraceMs = 2_000;

export interface CheckCycleDeps {
  clock: Clock;
  timers: Timers;
  probes: ProbeRegistry;
  /** Aborts a running attempt at shutdown; the scheduler then discards the result. */
  stopSignal?: AbortSignal;
}

export interface CheckCycleOutput {
  result: MonitorResult;
  state: MonitorRuntimeState;
  transition: MonitorTransition | null;
  breakerTransitions: Array<BreakerTransition<string>>;
  /** Probe attempts made (0 when the breaker refused). */
  attempts: number;
}

export async function runCheckCycle(monitor: Monitor, state: MonitorRuntimeState, deps: CheckCycleDeps): Promise<CheckCycleOutput> {
  const breakerTransitions: Array<BreakerTransition<string>> = [];
  // The breaker is asked once per scheduled check and told its final outcome: it counts failed
  // checks, not attempts, and a half-open trial is one whole check, retries included.
  const gate = askBreaker(monitor, state.breaker, deps.clock.nowMs());
  let breaker = gate.next;
  if (gate.transition !== null) breakerTransitions.push(gate.transition);
  if (!gate.allowed) {
    // Refused calls are not retried: the point of an open breaker is to leave the dependency alone.
    const outcome: ProbeResult = { status: 'down', latencyMs: null, message: gate.message };
    const refused = judge({ ...monitor, retries: 0 }, { ...state, breaker }, outcome, deps.clock.nowMs(), 0);
    return { ...refused, breakerTransitions, attempts: 0 };
  }
  let current = state;
  let attempts = 0;
  for (;;) {
    const probeResult = await runAttempt(monitor, deps);
    attempts += 1;
    const nowMs = deps.clock.nowMs();
    const judged = judge(monitor, { ...current, breaker }, probeResult, nowMs, attempts);
    if (judged.action === 'retry_now') {
      current = judged.state;
      continue;
    }
    if (monitor.circuitBreaker !== null && breaker !== null) {
      // Recorded whatever the outcome (timeouts included), or a half-open breaker would wait forever.
      const recorded = recordBreakerResult(breaker, monitor.circuitBreaker, probeResult.status !== 'down', nowMs);
      breaker = recorded.next;
      if (recorded.transition !== null) breakerTransitions.push(recorded.transition);
    }
    return { ...judged, state: { ...judged.state, breaker }, breakerTransitions, attempts };
  }
}

/**
 * Applies an outcome that did not come from a probe (a heartbeat ping, or its absence) the same
 * way: maintenance, damping and transitions included.
 */
export function applyExternalOutcome(monitor: Monitor, state: MonitorRuntimeState, outcome: ProbeResult, nowMs: number): Omit<CheckCycleOutput, 'breakerTransitions' | 'attempts'> {
  const { action: _action, ...rest } = judge({ ...monitor, retries: 0 }, state, outcome, nowMs, 0);
  return rest;
}

interface Judged {
  result: MonitorResult;
  state: MonitorRuntimeState;
  transition: MonitorTransition | null;
  action: 'none' | 'retry_now';
}

function judge(monitor: Monitor, state: MonitorRuntimeState, probe: ProbeResult, nowMs: number, attempts: number): Judged {
  const inMaintenance = activeWindow(monitor.maintenanceWindows, nowMs) !== undefined;
  const retried = attempts > 1 ? ` (after ${attempts - 1} ${attempts === 2 ? 'retry' : 'retries'})` : '';
  // The status rules word their own "after N retries" into transition reasons; the stored
  // result carries it in its message instead.
  const outcome: CheckOutcome = { status: probe.status, message: probe.message, latencyMs: probe.latencyMs };
  const applied = applyOutcome(state.status, monitor, outcome, nowMs, { inMaintenance });
  const result: MonitorResult = {
    monitor: monitor.name,
    atMs: nowMs,
    status: probe.status,
    latencyMs: probe.latencyMs,
    message: probe.message + retried,
    timings: probe.timings ?? null,
    details: probe.details ?? null,
    maintenance: inMaintenance,
  };
  return {
    result,
    state: { ...state, status: applied.next, lastResultAtMs: nowMs },
    transition: applied.transition,
    action: applied.action,
  };
}

interface Gate {
  allowed: boolean;
  next: CircuitBreakerState | null;
  transition: BreakerTransition<string> | null;
  message: string;
}

function askBreaker(monitor: Monitor, breaker: CircuitBreakerState | null, nowMs: number): Gate {
  if (monitor.circuitBreaker === null || breaker === null) return { allowed: true, next: breaker, transition: null, message: '' };
  const decision = breakerAllows(breaker, monitor.circuitBreaker, nowMs);
  const trialAtMs = breakerTrialAtMs(decision.next, monitor.circuitBreaker);
  const message =
    decision.reason === 'half_open_busy'
      ? 'circuit open (half-open trial in progress)'
      : `circuit open after ${decision.next.consecutiveFailures} consecutive failures; next trial at ${trialAtMs === null ? 'once closed' : new Date(trialAtMs).toISOString()}`;
  return { allowed: decision.allowed, next: decision.next, transition: decision.transition, message };
}

async function runAttempt(monitor: Monitor, deps: CheckCycleDeps): Promise<ProbeResult> {
  const controller = new AbortController();
  const timeout = deps.timers.after(monitor.timeoutMs, () => controller.abort(new ProbeTimeoutError(monitor.timeoutMs)));
  const onStop = (): void => controller.abort(new Error('sre-monitor is shutting down'));
  deps.stopSignal?.addEventListener('abort', onStop, { once: true });
  let giveUp: { cancel(): void } | undefined;
  // A probe must settle soon after its abort; if one does not, the scheduler must not stall on it.
  const stuck = new Promise<ProbeResult>((resolve) => {
    giveUp = deps.timers.after(monitor.timeoutMs + probeAbortGraceMs, () =>
      resolve({ status: 'down', latencyMs: null, message: `timed out after ${monitor.timeoutMs} ms (the probe did not stop when aborted)` }),
    );
  });
  try {
    return await Promise.race([
      deps.probes.check(monitor.kind, monitor.settings, controller.signal).catch(
        (error: unknown): ProbeResult => ({ status: 'down', latencyMs: null, message: `probe failed: ${error instanceof Error ? error.message : String(error)}` }),
      ),
      stuck,
    ]);
  } finally {
    timeout.cancel();
    giveUp?.cancel();
    deps.stopSignal?.removeEventListener('abort', onStop);
    if (!controller.signal.aborted) controller.abort(new Error('check finished'));
  }
}
