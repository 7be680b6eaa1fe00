import { describe, expect, it } from 'vitest';
import { checkWindow, createThrottle, emptyThrottleWindow, recordSend, type ThrottleWindow } from './throttle.js';

const minute = 60_000;
const hour = 60 * minute;

function sentAt(...times: number[]): ThrottleWindow {
  return times.reduce(recordSend, emptyThrottleWindow);
}

describe('checkWindow', () => {
  it.each([
    ['under the cap', sentAt(0, 1), { maxPerHour: 3, cooldownMs: 0 }, 2 * minute, true],
    ['at the cap', sentAt(0, 1, 2), { maxPerHour: 3, cooldownMs: 0 }, 2 * minute, false],
    ['the oldest slid out of the hour', sentAt(0, 1, 2), { maxPerHour: 3, cooldownMs: 0 }, hour + 1, true],
    ['exactly one hour later the first still counts out', sentAt(0, 10, 20), { maxPerHour: 3, cooldownMs: 0 }, hour, true],
    ['no limit', sentAt(0, 1, 2, 3, 4, 5), { maxPerHour: 0, cooldownMs: 0 }, 10, true],
  ])('%s', (_name, window, limit, nowMs, allowed) => {
    expect(checkWindow(window, limit, nowMs).decision.allowed).toBe(allowed);
  });

  it('hitting the cap starts the cooldown, which outlasts the sliding hour', () => {
    const limit = { maxPerHour: 2, cooldownMs: 2 * hour };
    const hit = checkWindow(sentAt(0, minute), limit, 2 * minute);
    expect(hit.decision).toEqual({ allowed: false, suppression: 'cooldown', untilMs: 2 * minute + 2 * hour });
    expect(checkWindow(hit.window, limit, hour + 5 * minute).decision.allowed).toBe(false);
    expect(checkWindow(hit.window, limit, 2 * minute + 2 * hour).decision.allowed).toBe(true);
  });

  it('without cooldown says when the hour frees a slot', () => {
    expect(checkWindow(sentAt(5, 10), { maxPerHour: 2, cooldownMs: 0 }, 20).decision).toEqual({ allowed: false, suppression: 'rate_limit', untilMs: hour + 5 });
  });
});

describe('createThrottle', () => {
  it('caps per receiver, then per rule, and counts what it held back', () => {
    const throttle = createThrottle({ perReceiver: { maxPerHour: 3, cooldownMs: 0 }, perRule: { maxPerHour: 2, cooldownMs: 0 } });
    expect(throttle.admit({ receiver: 'ops', alertnames: ['A'] }, 0).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'ops', alertnames: ['A'] }, 1).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'ops', alertnames: ['A'] }, 2)).toMatchObject({ allowed: false, scope: 'rule', key: 'rule:ops:A' });
    expect(throttle.admit({ receiver: 'ops', alertnames: ['B'] }, 3).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'ops', alertnames: ['C'] }, 4)).toMatchObject({ allowed: false, scope: 'receiver', key: 'receiver:ops' });
    expect(throttle.admit({ receiver: 'dev', alertnames: ['A'] }, 5).allowed).toBe(true);
    expect(throttle.suppressedCounts()).toEqual({ 'rule:ops:A': 1, 'receiver:ops': 1 });
  });

  it('a held-back send does not use up the quota', () => {
    const throttle = createThrottle({ perReceiver: { maxPerHour: 1, cooldownMs: 0 } });
    expect(throttle.admit({ receiver: 'ops', alertnames: [] }, 0).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'ops', alertnames: [] }, minute).allowed).toBe(false);
    expect(throttle.admit({ receiver: 'ops', alertnames: [] }, hour).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'ops', alertnames: [] }, hour + 1).allowed).toBe(false);
  });

  it('per-receiver overrides win over the defaults; configure keeps the windows', () => {
    const throttle = createThrottle({ perReceiver: { maxPerHour: 1, cooldownMs: 0 }, receivers: { pager: { perReceiver: { maxPerHour: 2, cooldownMs: 0 } } } });
    expect([0, 1, 2].map((at) => throttle.admit({ receiver: 'pager', alertnames: [] }, at).allowed)).toEqual([true, true, false]);
    throttle.configure({});
    expect(throttle.admit({ receiver: 'pager', alertnames: [] }, 3).allowed).toBe(true);
    throttle.configure({ perReceiver: { maxPerHour: 3, cooldownMs: 0 } });
    // Sends while no limit applied are not counted; the two from before are.
    expect(throttle.admit({ receiver: 'pager', alertnames: [] }, 4).allowed).toBe(true);
    expect(throttle.admit({ receiver: 'pager', alertnames: [] }, 5).allowed).toBe(false);
  });
});
