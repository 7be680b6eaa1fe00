import { describe, expect, it } from 'vitest';
import { createRequestPriority, noRequestPriority } from './request-priority.js';

const endOfRound = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('request priority', () => {
  it('counts requests in flight; ending one twice counts once', () => {
    const priority = createRequestPriority();
    const first = priority.requestStarted();
    const second = priority.requestStarted();
    expect(priority.inFlight()).toBe(2);
    first();
    first();
    expect(priority.inFlight()).toBe(1);
    second();
    expect(priority.inFlight()).toBe(0);
  });

  it('is busy while a request is in flight and for quietMs after the last one ended', () => {
    let nowMs = 1000;
    const priority = createRequestPriority({ quietMs: 50, nowMs: () => nowMs });
    expect(priority.busy()).toBe(false);
    const end = priority.requestStarted();
    nowMs += 500;
    expect(priority.busy()).toBe(true);
    end();
    nowMs += 49;
    expect(priority.busy()).toBe(true);
    nowMs += 1;
    expect(priority.busy()).toBe(false);
  });

  it('runs a slice at the end of the I/O round when quiet, and only after the pause while busy', async () => {
    const priority = createRequestPriority({ pauseMs: 30 });
    const ran: string[] = [];
    priority.schedule(() => ran.push('quiet'));
    await endOfRound();
    expect(ran).toEqual(['quiet']);
    const end = priority.requestStarted();
    priority.schedule(() => ran.push('busy'));
    priority.schedule(() => ran.push('busy, own pause'), 5);
    await endOfRound();
    expect(ran).toEqual(['quiet']);
    await sleep(15);
    expect(ran).toEqual(['quiet', 'busy, own pause']);
    // Never starved: the slice runs after the pause although the request is still in flight.
    await sleep(30);
    expect(ran).toEqual(['quiet', 'busy, own pause', 'busy']);
    end();
  });

  it('noRequestPriority is never busy', async () => {
    noRequestPriority.requestStarted();
    expect(noRequestPriority.busy()).toBe(false);
    let ran = false;
    noRequestPriority.schedule(() => (ran = true));
    await endOfRound();
    expect(ran).toBe(true);
  });
});
