import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, decideAfterFailure, describeGiveUp, retryBackoffMs, type RetryPolicy } from './retry-backoff.js';

const options = { initialBackoffMs: 1_000, maxBackoffMs: 60_000 };
const policy: RetryPolicy = { ...options, maxAgeMs: 3_600_000 };
const t0 = Date.UTC(2026, 0, 1);

describe('retry back-off', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
    [5_000, 60_000],
  ])('caps the ceiling after %i attempts at %i ms', (attempts, ceiling) => {
    expect(backoffCeilingMs(attempts, options)).toBe(ceiling);
  });

  it.each([
    [0, 3, 0],
    [0.5, 3, 2_000],
    [0.999_999, 3, 3_999],
    [0.25, 100, 15_000],
  ])('spreads the delay over the whole ceiling (full jitter): random %d after %i attempts -> %i ms', (random, attempts, delay) => {
    expect(retryBackoffMs(attempts, options, () => random)).toBe(delay);
  });
});

describe('decideAfterFailure', () => {
  const failure = { attempts: 3, queuedAtMs: t0, nowMs: t0 + 60_000, retryable: true };

  it('retries after the jittered back-off', () => {
    expect(decideAfterFailure(failure, policy, () => 0.5)).toEqual({ action: 'retry', delayMs: 2_000, nextAttemptAtMs: t0 + 62_000 });
  });

  it.each([
    ['a Retry-After longer than the back-off is a floor', 120_000, 120_000],
    ['a shorter Retry-After does not shorten the back-off', 500, 2_000],
    ['a fractional Retry-After rounds up', 2_500.2, 2_501],
  ])('%s', (_case, retryAfterMs, delayMs) => {
    expect(decideAfterFailure({ ...failure, retryAfterMs }, policy, () => 0.5)).toMatchObject({ action: 'retry', delayMs });
  });

  it.each([
    ['a non-retryable failure at once', { retryable: false, attempts: 1, nowMs: t0 }, policy, 'not_retryable'],
    ['at max attempts', { attempts: 5 }, { ...policy, maxAttempts: 5 }, 'max_attempts'],
    ['at max age', { nowMs: t0 + 3_600_000 }, policy, 'max_age'],
  ] as const)('dead-letters %s', (_case, overrides, retryPolicy, cause) => {
    expect(decideAfterFailure({ ...failure, ...overrides }, retryPolicy, () => 0.5)).toEqual({ action: 'dead', cause });
  });

  it('keeps retrying just below the limits', () => {
    expect(decideAfterFailure({ ...failure, attempts: 4, nowMs: t0 + 3_599_999 }, { ...policy, maxAttempts: 5 }, () => 0)).toEqual({
      action: 'retry',
      delayMs: 0,
      nextAttemptAtMs: t0 + 3_599_999,
    });
  });

  it('says why it gave up', () => {
    expect(describeGiveUp('max_age', 12, 3_601_000)).toBe('gave up after 12 attempts over 3601s (max age)');
    expect(describeGiveUp('max_attempts', 5, 1)).toBe('gave up after 5 attempts (max attempts)');
    expect(describeGiveUp('not_retryable', 1, 0)).toMatch(/^not retried/);
  });
});
