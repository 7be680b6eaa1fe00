/**
 * Turns raw check outcomes into a monitor's status, damped against flapping: a failure is first
 * confirmed by `retries` immediate re-checks, the monitor goes down only after
 * `failureThreshold` consecutive confirmed failures and comes back only after
 * `successThreshold` consecutive successes. The first outcome after creation, resume or the end
 * of a maintenance window sets the status at once (as Uptime Kuma does), so a new monitor does
 * not sit in `pending` for several intervals. Pure: times are `nowMs`, milliseconds since the
 * Unix epoch, passed in by the caller.
 */
import type { FieldProblem } from '../errors.js';
import { checkIntegerInRange } from '../validation/integer-range.js';

/** What one check found; `degraded` means it answered but badly (slow, certificate expiring). */
export type CheckStatus = 'up' | 'down' | 'degraded';

export interface CheckOutcome {
  status: CheckStatus;
  /** Human-readable detail, e.g. `connect ECONNREFUSED 127.0.0.1:9` or `200 OK`. */
  message: string;
  /** Total check latency in milliseconds; null when the check never got an answer. */
  latencyMs: number | null;
}

export type MonitorStatus = 'pending' | 'up' | 'down' | 'degraded' | 'paused' | 'maintenance';

export interface MonitorStatusOptions {
  /** Extra immediate re-checks before a failure counts (0..10). */
  retries: number;
  /** Consecutive counted failures before the monitor goes down (1..100). */
  failureThreshold: number;
  /** Consecutive successes before a down monitor is up (or degraded) again (1..100). */
  successThreshold: number;
}

export const defaultMonitorStatusOptions: Readonly<MonitorStatusOptions> = {
  retries: 0,
  failureThreshold: 1,
  successThreshold: 1,
};

export interface MonitorStatusState {
  status: MonitorStatus;
  /** Counted (retries exhausted) failures in a row. */
  consecutiveFailures: number;
  /**
   * Checks in a row that did not fail. While the monitor is up or degraded it restarts at 1
   * whenever the outcome switches between up and degraded, so that switch is damped too.
   */
  consecutiveSuccesses: number;
  /** Immediate re-checks spent on the current, not yet counted, failure. */
  retriesUsed: number;
  /** When `status` last changed, in ms since the Unix epoch. */
  since: number;
  /** Message of the latest outcome applied. */
  lastMessage: string;
  /** Status of the latest outcome applied; null before the first one. */
  lastOutcome: CheckStatus | null;
}

/** Machine-readable cause of a transition, for metric labels and event filters. */
export type MonitorTransitionCause =
  | 'first_check'
  | 'failure_threshold'
  | 'success_threshold'
  | 'maintenance_started'
  | 'maintenance_ended'
  | 'paused'
  | 'resumed';

export interface MonitorTransition {
  from: MonitorStatus;
  to: MonitorStatus;
  /** Readable reason for events, e.g. `3 consecutive failures: connect ECONNREFUSED 127.0.0.1:9`. */
  reason: string;
  cause: MonitorTransitionCause;
}

/** `retry_now`: the failure is not counted yet; run the check again immediately. */
export type MonitorAction = 'none' | 'retry_now';

export interface OutcomeResult {
  next: MonitorStatusState;
  action: MonitorAction;
  transition: MonitorTransition | null;
}

export interface StatusChange {
  next: MonitorStatusState;
  transition: MonitorTransition | null;
}

export interface OutcomeContext {
  /** True when a maintenance window covers `nowMs`. */
  inMaintenance: boolean;
}

/** A new monitor: pending until its first outcome, `nowMs` as its `since`. */
export function initialMonitorState(nowMs: number): MonitorStatusState {
  return pendingState('', nowMs);
}

/**
 * Applies one check outcome observed at `nowMs`. Paused monitors ignore outcomes (a check that
 * was already running when the pause came). During maintenance the status is `maintenance`
 * whatever the outcome, so no down transition is reported; the first outcome after the window
 * is judged as if the monitor were new.
 */
export function applyOutcome(
  state: MonitorStatusState,
  options: MonitorStatusOptions,
  outcome: CheckOutcome,
  nowMs: number,
  context: OutcomeContext,
): OutcomeResult {
  if (state.status === 'paused') return { next: state, action: 'none', transition: null };
  if (context.inMaintenance) return applyInMaintenance(state, outcome, nowMs);
  if (state.status !== 'maintenance') return evaluate(state, options, outcome, nowMs);

  const result = evaluate(pendingState(state.lastMessage, nowMs), options, outcome, nowMs);
  const transition: MonitorTransition = result.transition
    ? { ...result.transition, from: 'maintenance', reason: `maintenance ended; ${result.transition.reason}`, cause: 'maintenance_ended' }
    : { from: 'maintenance', to: 'pending', reason: 'maintenance_ended', cause: 'maintenance_ended' };
  return { ...result, transition };
}

/** Pauses the monitor at `nowMs`; counters are cleared so resuming starts fresh. */
export function pauseMonitor(state: MonitorStatusState, nowMs: number): StatusChange {
  if (state.status === 'paused') return { next: state, transition: null };
  return {
    next: { ...pendingState(state.lastMessage, nowMs), status: 'paused', lastOutcome: state.lastOutcome },
    transition: { from: state.status, to: 'paused', reason: 'paused', cause: 'paused' },
  };
}

/** Resumes a paused monitor at `nowMs` as pending; a monitor that is not paused is unchanged. */
export function resumeMonitor(state: MonitorStatusState, nowMs: number): StatusChange {
  if (state.status !== 'paused') return { next: state, transition: null };
  return {
    next: pendingState(state.lastMessage, nowMs),
    transition: { from: 'paused', to: 'pending', reason: 'resumed', cause: 'resumed' },
  };
}

/** Fills unset options with the defaults (no retries, thresholds of 1). */
export function withMonitorStatusDefaults(options: Partial<MonitorStatusOptions> = {}): MonitorStatusOptions {
  return {
    retries: options.retries ?? defaultMonitorStatusOptions.retries,
    failureThreshold: options.failureThreshold ?? defaultMonitorStatusOptions.failureThreshold,
    successThreshold: options.successThreshold ?? defaultMonitorStatusOptions.successThreshold,
  };
}

/**
 * One problem per bad option, fields named as in config (`retries`, `failure_threshold`,
 * `success_threshold`); the caller prefixes its own path. All are integers: retries 0..10,
 * thresholds 1..100.
 */
export function validateMonitorStatusOptions(options: MonitorStatusOptions): FieldProblem[] {
  const problems: FieldProblem[] = [];
  checkIntegerInRange(problems, 'retries', options.retries, 0, 10);
  checkIntegerInRange(problems, 'failure_threshold', options.failureThreshold, 1, 100);
  checkIntegerInRange(problems, 'success_threshold', options.successThreshold, 1, 100);
  return problems;
}

function pendingState(lastMessage: string, nowMs: number): MonitorStatusState {
  return {
    status: 'pending',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    retriesUsed: 0,
    since: nowMs,
    lastMessage,
    lastOutcome: null,
  };
}

function applyInMaintenance(state: MonitorStatusState, outcome: CheckOutcome, nowMs: number): OutcomeResult {
  if (state.status === 'maintenance') {
    return { next: { ...state, lastMessage: outcome.message, lastOutcome: outcome.status }, action: 'none', transition: null };
  }
  return {
    next: {
      ...pendingState(outcome.message, nowMs),
      status: 'maintenance',
      lastOutcome: outcome.status,
    },
    action: 'none',
    transition: { from: state.status, to: 'maintenance', reason: 'maintenance_started', cause: 'maintenance_started' },
  };
}

/** Judges an outcome for a monitor that is pending, up, down or degraded. */
function evaluate(
  state: MonitorStatusState,
  options: MonitorStatusOptions,
  outcome: CheckOutcome,
  nowMs: number,
): OutcomeResult {
  return outcome.status === 'down'
    ? applyFailure(state, options, outcome, nowMs)
    : applySuccess(state, options, outcome, outcome.status, nowMs);
}

function applyFailure(
  state: MonitorStatusState,
  options: MonitorStatusOptions,
  outcome: CheckOutcome,
  nowMs: number,
): OutcomeResult {
  const base: MonitorStatusState = { ...state, consecutiveSuccesses: 0, lastMessage: outcome.message, lastOutcome: 'down' };
  // A monitor that is already down gains nothing from re-checks: a failure only confirms it.
  if (state.status !== 'down' && state.retriesUsed < options.retries) {
    return { next: { ...base, retriesUsed: state.retriesUsed + 1 }, action: 'retry_now', transition: null };
  }
  const consecutiveFailures = state.consecutiveFailures + 1;
  const next: MonitorStatusState = { ...base, consecutiveFailures, retriesUsed: 0 };
  const goesDown = state.status === 'pending' || (state.status !== 'down' && consecutiveFailures >= options.failureThreshold);
  if (!goesDown) return { next, action: 'none', transition: null };

  const afterRetries = state.retriesUsed > 0 ? ` after ${plural(state.retriesUsed, 'retry', 'retries')}` : '';
  const reason =
    state.status === 'pending'
      ? `first check failed${afterRetries}: ${outcome.message}`
      : consecutiveFailures === 1
        ? `check failed${afterRetries}: ${outcome.message}`
        : `${consecutiveFailures} consecutive failures: ${outcome.message}`;
  return {
    next: { ...next, status: 'down', since: nowMs },
    action: 'none',
    transition: {
      from: state.status,
      to: 'down',
      reason,
      cause: state.status === 'pending' ? 'first_check' : 'failure_threshold',
    },
  };
}

function applySuccess(
  state: MonitorStatusState,
  options: MonitorStatusOptions,
  outcome: CheckOutcome,
  kind: 'up' | 'degraded',
  nowMs: number,
): OutcomeResult {
  // Any failure resets the count to 0, so while pending or down this counts every non-failing
  // check; while up or degraded a change of kind restarts it, damping up <-> degraded too.
  const settled = state.status === 'up' || state.status === 'degraded';
  const consecutiveSuccesses = settled && state.lastOutcome !== kind ? 1 : state.consecutiveSuccesses + 1;
  const next: MonitorStatusState = {
    ...state,
    consecutiveFailures: 0,
    consecutiveSuccesses,
    retriesUsed: 0,
    lastMessage: outcome.message,
    lastOutcome: kind,
  };
  const changes = state.status !== kind && (state.status === 'pending' || consecutiveSuccesses >= options.successThreshold);
  if (!changes) return { next, action: 'none', transition: null };
  return {
    next: { ...next, status: kind, since: nowMs },
    action: 'none',
    transition: {
      from: state.status,
      to: kind,
      reason: successReason(state.status, kind, consecutiveSuccesses, outcome.message),
      cause: state.status === 'pending' ? 'first_check' : 'success_threshold',
    },
  };
}

function successReason(from: MonitorStatus, to: 'up' | 'degraded', count: number, message: string): string {
  const streak = `${count} consecutive successes`;
  if (from === 'pending') return to === 'up' ? 'first check succeeded' : `first check degraded: ${message}`;
  if (from === 'down' && to === 'up') return count === 1 ? 'recovered: check succeeded' : `recovered after ${streak}`;
  if (from === 'down') return count === 1 ? `recovered but degraded: ${message}` : `recovered but degraded after ${streak}: ${message}`;
  if (to === 'degraded') return count === 1 ? `degraded: ${message}` : `${count} consecutive degraded checks: ${message}`;
  return count === 1 ? 'no longer degraded' : `no longer degraded after ${count} consecutive normal checks`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
