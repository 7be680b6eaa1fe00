/**
 * Deletes old monitor data on a timer: raw results after `resultsMs`, 1-minute roll-ups after
 * `minuteRollupsMs`, 1-hour roll-ups after `hourRollupsMs`. Deletes go in bounded batches with a
 * pause between them, so a first run over months of data never holds the database for long.
 */
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../adapters/store/store.js';
import type { Timers, TimerHandle } from '../timers.js';

export interface RetentionSettings {
  resultsMs: number;
  minuteRollupsMs: number;
  hourRollupsMs: number;
}

export interface MonitorRetentionOptions {
  store: Store;
  clock: Clock;
  timers: Timers;
  settings: RetentionSettings;
  /** Time between runs (default 10 minutes). */
  everyMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface RetentionRun {
  results: number;
  minuteRollups: number;
  hourRollups: number;
}

export interface MonitorRetention {
  start(): void;
  stop(): Promise<void>;
  /** One full pass now; resolves with how many rows went. */
  runOnce(): Promise<RetentionRun>;
}

export function createMonitorRetention(options: MonitorRetentionOptions): MonitorRetention {
  const { store, clock, timers, settings } = options;
  const everyMs = options.everyMs ?? 600_000;
  const batchSize = options.batchSize ?? 5_000;
  let timer: TimerHandle | null = null;
  let running: Promise<RetentionRun> | null = null;
  let stopped = true;
  /** Set by stop(): a pass in progress ends after its current batch. */
  let halting = false;

  async function drain(remove: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      if (halting) return total;
      const removed = await remove(batchSize);
      total += removed;
      if (removed < batchSize) return total;
      // Let checks and API requests in between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async function pass(): Promise<RetentionRun> {
    const nowMs = clock.nowMs();
    return {
      results: await drain((limit) => store.monitorResults.deleteOlderThan(nowMs - settings.resultsMs, limit)),
      minuteRollups: await drain((limit) => store.monitorRollups.deleteOlderThan('1m', nowMs - settings.minuteRollupsMs, limit)),
      hourRollups: await drain((limit) => store.monitorRollups.deleteOlderThan('1h', nowMs - settings.hourRollupsMs, limit)),
    };
  }

  function runOnce(): Promise<RetentionRun> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  function arm(): void {
    if (stopped) return;
    timer = timers.after(everyMs, () => {
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
