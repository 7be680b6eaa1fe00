/**
 * When to try a failed notification again, and when to give up on it (dead-letter). Pure: the
 * time and the randomness are arguments, so the outbox delivery is tested with a manual clock
 * and a fixed random.
 *
 * Back-off is exponential with "full jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the delay is uniform in [0, min(cap, initial * 2^(attempts - 1))). Spreading retries
 * over the whole interval keeps many notifications that failed together (a receiver outage)
 * from retrying together and knocking the receiver over again when it comes back. A receiver's
 * `Retry-After` is a floor: it is never retried sooner than it asked.
 */

export interface RetryBackoffOptions {
  /** The back-off ceiling of the first retry, ms (>= 1). */
  initialBackoffMs: number;
  /** The largest back-off ceiling, ms (>= initialBackoffMs). */
  maxBackoffMs: number;
}

export interface RetryPolicy extends RetryBackoffOptions {
  /**
   * Give up on a notification at its first failure once it has been queued this long, ms. A
   * retry already scheduled past that age still happens: it is the last chance.
   */
  maxAgeMs: number;
  /** Give up after this many attempts; undefined means only the age limits retries. */
  maxAttempts?: number;
}

/** The growth factor of the back-off ceiling per attempt. */
export const backoffFactor = 2;

/**
 * The ceiling of the back-off after `attempts` failed attempts (>= 1): initial * 2^(attempts-1),
 * capped. Computed without overflowing for any number of attempts.
 */
export function backoffCeilingMs(attempts: number, options: RetryBackoffOptions): number {
  const exponent = Math.max(0, attempts - 1);
  const doublingsToCap = Math.log2(Math.max(1, options.maxBackoffMs / options.initialBackoffMs));
  if (exponent >= doublingsToCap) return options.maxBackoffMs;
  return Math.min(options.maxBackoffMs, options.initialBackoffMs * backoffFactor ** exponent);
}

/** Full-jitter back-off after `attempts` failed attempts: uniform in [0, ceiling), whole ms. `random` returns [0, 1). */
export function retryBackoffMs(attempts: number, options: RetryBackoffOptions, random: () => number): number {
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.floor(unit * backoffCeilingMs(attempts, options));
}

/** Why a notification was given up on: refused for good by the receiver or config, or out of tries. */
export type GiveUpCause = 'not_retryable' | 'max_attempts' | 'max_age';

export type FailureDecision =
  | { action: 'retry'; nextAttemptAtMs: number; delayMs: number }
  | { action: 'dead'; cause: GiveUpCause };

export interface FailedAttempt {
  /** Attempts made, this one included (>= 1). */
  attempts: number;
  /** When the notification was queued (enqueued, or retried by hand), ms since epoch. */
  queuedAtMs: number;
  /** When this attempt failed, ms since epoch. */
  nowMs: number;
  retryable: boolean;
  /** From the receiver's `Retry-After`, ms. */
  retryAfterMs?: number;
}

/** Retry (when) or dead-letter (why) after a failed attempt. */
export function decideAfterFailure(failure: FailedAttempt, policy: RetryPolicy, random: () => number): FailureDecision {
  if (!failure.retryable) return { action: 'dead', cause: 'not_retryable' };
  if (policy.maxAttempts !== undefined && failure.attempts >= policy.maxAttempts) return { action: 'dead', cause: 'max_attempts' };
  if (failure.nowMs - failure.queuedAtMs >= policy.maxAgeMs) return { action: 'dead', cause: 'max_age' };
  const delayMs = Math.max(retryBackoffMs(failure.attempts, policy, random), Math.ceil(failure.retryAfterMs ?? 0));
  return { action: 'retry', nextAttemptAtMs: failure.nowMs + delayMs, delayMs };
}

/** A short sentence for the dead-letter list: why sre-monitor stopped trying. */
export function describeGiveUp(cause: GiveUpCause, attempts: number, ageMs: number): string {
  switch (cause) {
    case 'not_retryable':
      return 'not retried: the receiver or its configuration refused it';
    case 'max_attempts':
      return `gave up after ${attempts} attempts (max attempts)`;
    case 'max_age':
      return `gave up after ${attempts} attempts over ${Math.round(ageMs / 1000)}s (max age)`;
  }
}
