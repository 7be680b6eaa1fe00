/**
 * A circuit breaker per dependency (Release It!; seed 000): after `failureThreshold`
 * consecutive failures it opens and refuses calls, so a dead dependency is not hammered; after
 * `openDurationMs` one trial call is let through (half-open), and `halfOpenTrials` successful
 * trials close it again while any failed trial opens it anew. Pure: every function takes the
 * time as `nowMs` (milliseconds since the Unix epoch) and returns a new state.
 */
import type { FieldProblem } from '../errors.js';
import { checkIntegerInRange } from '../validation/integer-range.js';

export type BreakerStatus = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures (while closed) that open the breaker; integer >= 1. */
  failureThreshold: number;
  /** Milliseconds the breaker stays open before it lets a trial call through. */
  openDurationMs: number;
  /** Successful half-open trial calls needed to close the breaker; integer >= 1. */
  halfOpenTrials: number;
}

export const defaultBreakerOptions: Readonly<CircuitBreakerOptions> = {
  failureThreshold: 5,
  openDurationMs: 60_000,
  halfOpenTrials: 1,
};

export interface CircuitBreakerState {
  state: BreakerStatus;
  /** Failures since the last success; kept while open so the API can show how it got there. */
  consecutiveFailures: number;
  /** When the breaker last opened (ms since epoch); null while it has not opened since closing. */
  openedAtMs: number | null;
  /** Successful trials in the current half-open period. */
  halfOpenSuccesses: number;
  /** When `state` last changed (ms since epoch). */
  changedAtMs: number;
  /** True while a half-open trial call has been allowed and its result not yet recorded. */
  trialInFlight: boolean;
}

/** Why a call was allowed or refused, for logs and metric labels. */
export type BreakerAllowReason = 'closed' | 'open' | 'half_open_trial' | 'half_open_busy';

/** Why a recorded result moved the breaker. */
export type BreakerResultReason = 'failure_threshold' | 'trial_failed' | 'trials_succeeded';

export interface BreakerTransition<Reason extends string> {
  from: BreakerStatus;
  to: BreakerStatus;
  reason: Reason;
}

export interface BreakerDecision {
  allowed: boolean;
  next: CircuitBreakerState;
  reason: BreakerAllowReason;
  /**
   * Set when asking moved the breaker from open to half_open (the open duration elapsed), so
   * the caller can emit the transition event; null otherwise.
   */
  transition: BreakerTransition<'open_duration_elapsed'> | null;
}

export interface BreakerResult {
  next: CircuitBreakerState;
  transition: BreakerTransition<BreakerResultReason> | null;
}

/** A fresh, closed breaker; `nowMs` becomes its `changedAtMs`. */
export function initialBreakerState(nowMs: number): CircuitBreakerState {
  return {
    state: 'closed',
    consecutiveFailures: 0,
    openedAtMs: null,
    halfOpenSuccesses: 0,
    changedAtMs: nowMs,
    trialInFlight: false,
  };
}

/** A manual reset (`POST /api/v1/breakers/:name/reset`): closed with cleared counters, from any state. */
export function resetBreaker(nowMs: number): CircuitBreakerState {
  return initialBreakerState(nowMs);
}

/**
 * Asks whether a call may go to the dependency at `nowMs`. Once `openDurationMs` has elapsed
 * since opening (inclusive), the asking call becomes the half-open trial; while that trial is
 * in flight every other call is refused, so recovery is probed by exactly one call at a time.
 * The caller must record the result of every allowed call with `recordBreakerResult`.
 */
export function breakerAllows(
  state: CircuitBreakerState,
  options: CircuitBreakerOptions,
  nowMs: number,
): BreakerDecision {
  switch (state.state) {
    case 'closed':
      return { allowed: true, next: state, reason: 'closed', transition: null };
    case 'open': {
      const openedAtMs = state.openedAtMs ?? state.changedAtMs;
      if (nowMs - openedAtMs < options.openDurationMs) {
        return { allowed: false, next: state, reason: 'open', transition: null };
      }
      return {
        allowed: true,
        next: { ...state, state: 'half_open', halfOpenSuccesses: 0, changedAtMs: nowMs, trialInFlight: true },
        reason: 'half_open_trial',
        transition: { from: 'open', to: 'half_open', reason: 'open_duration_elapsed' },
      };
    }
    case 'half_open':
      if (state.trialInFlight) return { allowed: false, next: state, reason: 'half_open_busy', transition: null };
      return { allowed: true, next: { ...state, trialInFlight: true }, reason: 'half_open_trial', transition: null };
  }
}

/**
 * Records the outcome of a call that `breakerAllows` let through. Results that arrive while
 * the breaker is open (calls allowed before it opened) change nothing: they neither close it
 * early nor extend the open period.
 */
export function recordBreakerResult(
  state: CircuitBreakerState,
  options: CircuitBreakerOptions,
  success: boolean,
  nowMs: number,
): BreakerResult {
  switch (state.state) {
    case 'closed': {
      if (success) {
        const next = state.consecutiveFailures === 0 ? state : { ...state, consecutiveFailures: 0 };
        return { next, transition: null };
      }
      const consecutiveFailures = state.consecutiveFailures + 1;
      if (consecutiveFailures < options.failureThreshold) {
        return { next: { ...state, consecutiveFailures }, transition: null };
      }
      return {
        next: openState(consecutiveFailures, nowMs),
        transition: { from: 'closed', to: 'open', reason: 'failure_threshold' },
      };
    }
    case 'open':
      return { next: state, transition: null };
    case 'half_open': {
      if (!success) {
        return {
          next: openState(state.consecutiveFailures + 1, nowMs),
          transition: { from: 'half_open', to: 'open', reason: 'trial_failed' },
        };
      }
      const halfOpenSuccesses = state.halfOpenSuccesses + 1;
      if (halfOpenSuccesses < options.halfOpenTrials) {
        return { next: { ...state, halfOpenSuccesses, trialInFlight: false }, transition: null };
      }
      return {
        next: initialBreakerState(nowMs),
        transition: { from: 'half_open', to: 'closed', reason: 'trials_succeeded' },
      };
    }
  }
}

/**
 * When an open breaker will let its next trial through (ms since epoch); null when it is not
 * open. For `GET /api/v1/breakers` and for scheduling the next check of a monitor.
 */
export function breakerTrialAtMs(state: CircuitBreakerState, options: CircuitBreakerOptions): number | null {
  if (state.state !== 'open') return null;
  return (state.openedAtMs ?? state.changedAtMs) + options.openDurationMs;
}

/** Fills unset options with the defaults (5 failures, 60 s open, 1 trial). */
export function withBreakerDefaults(options: Partial<CircuitBreakerOptions> = {}): CircuitBreakerOptions {
  return {
    failureThreshold: options.failureThreshold ?? defaultBreakerOptions.failureThreshold,
    openDurationMs: options.openDurationMs ?? defaultBreakerOptions.openDurationMs,
    halfOpenTrials: options.halfOpenTrials ?? defaultBreakerOptions.halfOpenTrials,
  };
}

const maxOpenDurationMs = 24 * 3600_000;

/**
 * One problem per bad option, fields named as in config (`failure_threshold`, `open_duration`,
 * `half_open_trials`); the caller prefixes its own path. Thresholds are integers 1..1000, the
 * open duration an integer number of milliseconds from 1 ms to 24 h.
 */
export function validateBreakerOptions(options: CircuitBreakerOptions): FieldProblem[] {
  const problems: FieldProblem[] = [];
  checkIntegerInRange(problems, 'failure_threshold', options.failureThreshold, 1, 1000);
  if (!Number.isInteger(options.openDurationMs) || options.openDurationMs < 1 || options.openDurationMs > maxOpenDurationMs) {
    problems.push({
      field: 'open_duration',
      message: `must be a duration from 1ms to 24h, got ${String(options.openDurationMs)} ms`,
    });
  }
  checkIntegerInRange(problems, 'half_open_trials', options.halfOpenTrials, 1, 1000);
  return problems;
}

function openState(consecutiveFailures: number, nowMs: number): CircuitBreakerState {
  return {
    state: 'open',
    consecutiveFailures,
    openedAtMs: nowMs,
    halfOpenSuccesses: 0,
    changedAtMs: nowMs,
    trialInFlight: false,
  };
}
