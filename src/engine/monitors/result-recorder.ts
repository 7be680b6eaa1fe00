/**
 * Group commit for check results: results and monitor states queue up and are written together
 * in one transaction at most every `flushIntervalMs` (or sooner once `maxBatch` are waiting), so
 * 1,000 results a second cost a handful of commits, not 1,000. `record` resolves only after the
 * commit, so a result that was announced (event, API answer) survives `kill -9`.
 *
 * A failed commit (database down, disk full) keeps the batch and retries it with the next one;
 * beyond `maxPending` the oldest results are dropped and counted, so a long outage cannot
 * exhaust memory. States are kept per monitor, latest wins.
 */
import type { MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import type { Store } from '../../adapters/store/store.js';
import type { Timers, TimerHandle } from '../timers.js';
import type { MonitorRecorder } from './monitor-scheduler.js';

export interface ResultRecorderOptions {
  store: Store;
  timers: Timers;
  flushIntervalMs?: number;
  maxBatch?: number;
  maxPending?: number;
  /** Called with each committed batch of results (roll-ups, SLIs), in commit order. */
  onCommitted?: (results: readonly MonitorResult[]) => void;
  onError?: (error: unknown, pending: number) => void;
  onDropped?: (count: number) => void;
}

export interface ResultRecorder extends MonitorRecorder {
  /** Writes everything queued now; resolves when it is durable (or rejects). */
  flush(): Promise<void>;
  /** Flushes and stops accepting the timer; later records still flush on demand. */
  close(): Promise<void>;
  pending(): number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createResultRecorder(options: ResultRecorderOptions): ResultRecorder {
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 2_000;
  const maxPending = options.maxPending ?? 200_000;
  let results: MonitorResult[] = [];
  let states = new Map<string, MonitorRuntimeState>();
  let waiters: Waiter[] = [];
  let timer: TimerHandle | null = null;
  let flushing: Promise<void> | null = null;
  let closed = false;

  function scheduleFlush(): void {
    if (flushing !== null) return;
    if (closed) {
      void flushNow();
      return;
    }
    if (results.length >= maxBatch) {
      timer?.cancel();
      timer = null;
      void flushNow();
      return;
    }
    timer ??= options.timers.after(flushIntervalMs, () => {
      timer = null;
      void flushNow();
    });
  }

  async function flushNow(): Promise<void> {
    if (flushing !== null) return flushing;
    if (results.length === 0 && states.size === 0) return;
    const batch = results;
    const batchStates = [...states.values()];
    const batchWaiters = waiters;
    results = [];
    states = new Map();
    waiters = [];
    flushing = (async () => {
      try {
        await options.store.transaction(async (repos) => {
          if (batch.length > 0) await repos.monitorResults.append(batch);
          if (batchStates.length > 0) await repos.monitorStates.upsert(batchStates);
        });
        for (const waiter of batchWaiters) waiter.resolve();
        if (batch.length > 0) options.onCommitted?.(batch);
      } catch (error) {
        options.onError?.(error, batch.length);
        // Put the batch back in front; newer states of the same monitor win.
        results = [...batch, ...results];
        for (const state of batchStates) if (!states.has(state.monitor)) states.set(state.monitor, state);
        const overflow = results.length - maxPending;
        if (overflow > 0) {
          results.splice(0, overflow);
          options.onDropped?.(overflow);
        }
        for (const waiter of batchWaiters) waiter.reject(error);
      } finally {
        flushing = null;
      }
    })();
    await flushing;
    if (results.length > 0 || states.size > 0) scheduleFlush();
  }

  return {
    record(result, state) {
      if (result !== null) results.push(result);
      states.set(state.monitor, state);
      const promise = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      scheduleFlush();
      return promise;
    },
    async flush() {
      if (flushing !== null) await flushing;
      await flushNow();
    },
    async close() {
      closed = true;
      timer?.cancel();
      timer = null;
      if (flushing !== null) await flushing;
      await flushNow();
    },
    pending: () => results.length,
    forget(monitor) {
      results = results.filter((result) => result.monitor !== monitor);
      states.delete(monitor);
    },
  };
}
