/**
 * Blocks an address after repeated authentication failures (default 10 within 1 minute, for
 * 5 minutes), so a leaked dashboard URL cannot be used to guess tokens. Pure: the caller passes
 * the time, and memory stays bounded by forgetting idle addresses.
 */
export interface AuthFailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
  /** Upper bound on tracked addresses; the oldest entries are dropped past it. */
  maxTrackedAddresses?: number;
}

export type AuthFailureVerdict =
  | { kind: 'counted'; failures: number }
  | { kind: 'blocked'; untilMs: number; newlyBlocked: boolean };

interface AddressState {
  failuresMs: number[];
  blockedUntilMs: number;
}

export interface AuthFailureLimiter {
  /** Remaining block time in ms for `address`, or 0 when it may try. */
  blockedForMs(address: string, nowMs: number): number;
  /** Records one failure; says whether this failure blocked the address. */
  recordFailure(address: string, nowMs: number): AuthFailureVerdict;
  /** A successful login clears the address's failure history. */
  recordSuccess(address: string): void;
}

export function createAuthFailureLimiter(options: AuthFailureLimiterOptions): AuthFailureLimiter {
  const maxTracked = options.maxTrackedAddresses ?? 10_000;
  const states = new Map<string, AddressState>();

  const stateOf = (address: string): AddressState => {
    let state = states.get(address);
    if (!state) {
      if (states.size >= maxTracked) {
        const oldest = states.keys().next().value;
        if (oldest !== undefined) states.delete(oldest);
      }
      state = { failuresMs: [], blockedUntilMs: 0 };
      states.set(address, state);
    }
    return state;
  };

  return {
    blockedForMs(address, nowMs) {
      const state = states.get(address);
      if (!state) return 0;
      return Math.max(0, state.blockedUntilMs - nowMs);
    },
    recordFailure(address, nowMs) {
      const state = stateOf(address);
      if (state.blockedUntilMs > nowMs) return { kind: 'blocked', untilMs: state.blockedUntilMs, newlyBlocked: false };
      state.failuresMs = state.failuresMs.filter((at) => at > nowMs - options.windowMs);
      state.failuresMs.push(nowMs);
      if (state.failuresMs.length >= options.maxFailures) {
        state.blockedUntilMs = nowMs + options.blockMs;
        state.failuresMs = [];
        return { kind: 'blocked', untilMs: state.blockedUntilMs, newlyBlocked: true };
      }
      return { kind: 'counted', failures: state.failuresMs.length };
    },
    recordSuccess(address) {
      states.delete(address);
    },
  };
}
