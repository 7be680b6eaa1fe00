import { describe, expect, it } from 'vitest';
import { createAuthFailureLimiter } from './auth-failure-limiter.js';
import { roleAllows } from './roles.js';

const options = { maxFailures: 3, windowMs: 60_000, blockMs: 300_000 };

describe('auth failure limiter', () => {
  it('blocks on the Nth failure within the window, for the block time', () => {
    const limiter = createAuthFailureLimiter(options);
    expect(limiter.recordFailure('10.0.0.1', 0)).toEqual({ kind: 'counted', failures: 1 });
    expect(limiter.recordFailure('10.0.0.1', 1000)).toEqual({ kind: 'counted', failures: 2 });
    expect(limiter.recordFailure('10.0.0.1', 2000)).toEqual({ kind: 'blocked', untilMs: 302_000, newlyBlocked: true });
    expect(limiter.blockedForMs('10.0.0.1', 2000)).toBe(300_000);
    expect(limiter.blockedForMs('10.0.0.2', 2000)).toBe(0);
    expect(limiter.recordFailure('10.0.0.1', 3000)).toEqual({ kind: 'blocked', untilMs: 302_000, newlyBlocked: false });
    expect(limiter.blockedForMs('10.0.0.1', 302_000)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const limiter = createAuthFailureLimiter(options);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 30_000);
    expect(limiter.recordFailure('a', 61_000)).toEqual({ kind: 'counted', failures: 2 });
  });

  it('clears an address on success', () => {
    const limiter = createAuthFailureLimiter(options);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 1);
    limiter.recordSuccess('a');
    expect(limiter.recordFailure('a', 2)).toEqual({ kind: 'counted', failures: 1 });
  });

  it('keeps memory bounded', () => {
    const limiter = createAuthFailureLimiter({ ...options, maxTrackedAddresses: 2 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 0);
    limiter.recordFailure('c', 0);
    limiter.recordFailure('a', 1);
    expect(limiter.recordFailure('a', 2)).toEqual({ kind: 'counted', failures: 2 });
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'responder', false],
    ['responder', 'viewer', true],
    ['responder', 'admin', false],
    ['admin', 'responder', true],
  ] as const)('%s satisfies %s: %s', (actual, required, allowed) => {
    expect(roleAllows(actual, required)).toBe(allowed);
  });
});
