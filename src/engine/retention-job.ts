/**
 * Deletes old data on a timer, one task per kind of row (monitor results, roll-ups, SLO counts,
 * idempotency keys...). Each task deletes in bounded batches with a pause between them, so a
 * first run over months of data never holds the database for long; stop() ends a pass after
 * its current batch.
 */
import type { Clock } from '../core/clock.js';
import type { Timers, TimerHandle } from './timers.js';

export interface RetentionTask {
  name: string;
  /** Deletes at most `limit` rows that are too old at `nowMs`; returns how many went. */
  deleteBatch(nowMs: number, limit: number): Promise<number>;
}

export interface RetentionJobOptions {
  clock: Clock;
  timers: Timers;
  tasks: readonly RetentionTask[];
  /** Time between passes (default 10 minutes). */
  everyMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface RetentionJob {
  start(): void;
  stop(): Promise<void>;
  /** One full pass now; resolves with rows deleted per task name. */
  runOnce(): Promise<Record<string, number>>;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const everyMs = options.everyMs ?? 600_000;
  const batchSize = options.batchSize ?? 5_000;
  let timer: TimerHandle | null = null;
  let running: Promise<Record<string, number>> | null = null;
  let stopped = true;
  let halting = false;

  async function drain(task: RetentionTask, nowMs: number): Promise<number> {
    let total = 0;
    while (!halting) {
      const removed = await task.deleteBatch(nowMs, batchSize);
      total += removed;
      if (removed < batchSize) break;
      // Let checks and API requests in between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return total;
  }

  async function pass(): Promise<Record<string, number>> {
    const nowMs = options.clock.nowMs();
    const removed: Record<string, number> = {};
    for (const task of options.tasks) removed[task.name] = await drain(task, nowMs);
    return removed;
  }

  function runOnce(): Promise<Record<string, number>> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  function arm(): void {
    if (stopped) return;
    timer = options.timers.after(everyMs, () => {
      timer = null;
      runOnce()
        .catch((error: unknown) => options.onError?.(error))
        .finally(arm);
    });
  }

  return {
    start() {
      stopped = false;
      halting = false;
      arm();
    },
    async stop() {
      stopped = true;
      halting = true;
      timer?.cancel();
      timer = null;
      if (running !== null) await running.catch(() => undefined);
    },
    runOnce,
  };
}
