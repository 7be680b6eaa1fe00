/**
 * The only way anything above src/core learns the time. Core functions take `nowMs` as an
 * argument instead; engine services receive a Clock so tests can drive time by hand.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** A clock that only moves when told to; for tests of anything time-based. */
export interface ManualClock extends Clock {
  advanceMs(ms: number): void;
  setMs(ms: number): void;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs;
  return {
    nowMs: () => current,
    advanceMs: (ms) => {
      current += ms;
    },
    setMs: (ms) => {
      current = ms;
    },
  };
}
