/**
 * One circuit breaker per receiver for the outbox delivery (core/monitors/circuit-breaker.ts,
 * with one half-open trial): after `failureThreshold` consecutive failed deliveries to a
 * receiver its notifications are not attempted for `openForMs`, then one trial goes through.
 * It also tracks when a receiver starts failing (its breaker opens) and recovers (a trial
 * succeeds), so the pipeline can raise, and clear, a meta-alert through a fallback receiver.
 * Breaker state lives in memory: after a restart every receiver starts closed, and a receiver
 * still down simply opens again after `failureThreshold` attempts.
 */
import {
  breakerAllows,
  breakerTrialAtMs,
  initialBreakerState,
  recordBreakerResult,
  type BreakerStatus,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
} from '../../core/monitors/circuit-breaker.js';

export interface ReceiverBreakerOptions {
  /** Consecutive failed deliveries that open a receiver's breaker (>= 1). */
  failureThreshold: number;
  /** How long an open breaker refuses deliveries before one trial, ms. */
  openForMs: number;
}

/** A change of a receiver's health: `failing` when its breaker opened, recovered when a trial succeeded. */
export interface ReceiverHealthChange {
  receiver: string;
  failing: boolean;
  lastError: string;
}

export interface ReceiverBreakerView {
  receiver: string;
  state: BreakerStatus;
  consecutiveFailures: number;
  /** When it last opened (ms since epoch); null while closed. */
  openedAtMs: number | null;
  /** When an open breaker lets its trial through (ms since epoch); null unless open. */
  trialAtMs: number | null;
  lastError: string;
}

interface Entry {
  state: CircuitBreakerState;
  lastError: string;
  /** True between the "starts failing" and "recovered" reports. */
  failing: boolean;
}

export interface ReceiverBreakers {
  /** Receivers whose breaker refuses every delivery at `nowMs` (open before its trial, or a trial in flight). */
  refusing(nowMs: number): string[];
  /** Asks to deliver to `receiver` now; true means go (and record the result). */
  admit(receiver: string, nowMs: number): boolean;
  /** Records a delivery's outcome; returns a health change when the receiver started failing or recovered. */
  record(receiver: string, success: boolean, error: string, nowMs: number): ReceiverHealthChange | null;
  /** The earliest time an open breaker lets its trial through, after `nowMs`; null when none. */
  nextTrialAtMs(nowMs: number): number | null;
  views(): ReceiverBreakerView[];
}

export function createReceiverBreakers(options: ReceiverBreakerOptions): ReceiverBreakers {
  const breakerOptions: CircuitBreakerOptions = {
    failureThreshold: options.failureThreshold,
    openDurationMs: options.openForMs,
    halfOpenTrials: 1,
  };
  const entries = new Map<string, Entry>();

  const entryOf = (receiver: string, nowMs: number): Entry => {
    let entry = entries.get(receiver);
    if (entry === undefined) {
      entry = { state: initialBreakerState(nowMs), lastError: '', failing: false };
      entries.set(receiver, entry);
    }
    return entry;
  };

  const isRefusing = (state: CircuitBreakerState, nowMs: number): boolean => {
    if (state.state === 'half_open') return state.trialInFlight;
    const trialAtMs = breakerTrialAtMs(state, breakerOptions);
    return trialAtMs !== null && nowMs < trialAtMs;
  };

  return {
    refusing(nowMs) {
      return [...entries].filter(([, entry]) => isRefusing(entry.state, nowMs)).map(([receiver]) => receiver);
    },

    admit(receiver, nowMs) {
      const entry = entryOf(receiver, nowMs);
      const decision = breakerAllows(entry.state, breakerOptions, nowMs);
      entry.state = decision.next;
      return decision.allowed;
    },

    record(receiver, success, error, nowMs) {
      const entry = entryOf(receiver, nowMs);
      if (!success) entry.lastError = error;
      const { next, transition } = recordBreakerResult(entry.state, breakerOptions, success, nowMs);
      entry.state = next;
      if (transition?.to === 'open' && !entry.failing) {
        entry.failing = true;
        return { receiver, failing: true, lastError: entry.lastError };
      }
      if (transition?.to === 'closed' && entry.failing) {
        entry.failing = false;
        return { receiver, failing: false, lastError: entry.lastError };
      }
      return null;
    },

    nextTrialAtMs(nowMs) {
      let earliest: number | null = null;
      for (const entry of entries.values()) {
        const trialAtMs = breakerTrialAtMs(entry.state, breakerOptions);
        if (trialAtMs !== null && trialAtMs > nowMs && (earliest === null || trialAtMs < earliest)) earliest = trialAtMs;
      }
      return earliest;
    },

    views() {
      return [...entries]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([receiver, entry]) => ({
          receiver,
          state: entry.state.state,
          consecutiveFailures: entry.state.consecutiveFailures,
          openedAtMs: entry.state.state === 'closed' ? null : entry.state.openedAtMs,
          trialAtMs: breakerTrialAtMs(entry.state, breakerOptions),
          lastError: entry.lastError,
        }));
    },
  };
}
