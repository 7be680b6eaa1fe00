/**
 * Timers driven by a ManualClock, for engine tests: `advanceMs` moves the clock step by step to
 * each due timer, runs it, and lets pending promises settle before the next, so code that awaits
 * between timers behaves as it would in real time, only instantly.
 */
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import type { TimerHandle, Timers } from '../../src/engine/timers.js';

interface PendingTimer {
  id: number;
  dueMs: number;
  callback: () => void;
}

export interface ManualTimers extends Timers {
  readonly clock: ManualClock;
  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advanceMs(ms: number): Promise<void>;
  /** Lets queued promise callbacks and I/O callbacks run without moving time. */
  settle(): Promise<void>;
  pendingCount(): number;
}

export function createManualTimers(startMs = Date.UTC(2026, 0, 1)): ManualTimers {
  const clock = createManualClock(startMs);
  let pending: PendingTimer[] = [];
  let nextId = 1;
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 20; round += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    after(delayMs, callback): TimerHandle {
      const timer = { id: nextId++, dueMs: clock.nowMs() + Math.max(0, delayMs), callback };
      pending.push(timer);
      return {
        cancel: () => {
          pending = pending.filter((entry) => entry !== timer);
        },
      };
    },
    async advanceMs(ms) {
      const targetMs = clock.nowMs() + ms;
      await settle();
      for (;;) {
        const due = pending.filter((timer) => timer.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
        if (due === undefined) break;
        pending = pending.filter((timer) => timer !== due);
        if (due.dueMs > clock.nowMs()) clock.setMs(due.dueMs);
        due.callback();
        await settle();
      }
      clock.setMs(targetMs);
      await settle();
    },
    settle,
    pendingCount: () => pending.length,
  };
}
