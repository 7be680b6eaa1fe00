/**
 * Writes restart checkpoints of every SLO's counts (src/core/slo/slo-checkpoint-codec.ts) every
 * `everyMs` (default 10 min) and at a clean stop, so the next start reads them and replays only
 * the minute rows after their cut (slo-restore.ts) instead of 30 days of rows per SLO.
 *
 * The cut C decides correctness: every count of a minute ending at or before C must be in the
 * rings when they are copied, and none may arrive later. Counts are accepted up to the lateness
 * behind now and reach the rings after their commit, so C = now - lateness - margin (2 min for a
 * slow commit), and further back than the oldest minute of any batch still being committed
 * (`oldestPendingMs`). A kill -9 loses nothing: the counts are in the minute rows, and the
 * replay after the (older) checkpoint covers every minute after its cut.
 *
 * SLOs are copied and written in chunks, so the event loop and the store get room between them.
 */
import type { Clock } from '../../core/clock.js';
import { encodeCountSnapshot } from '../../core/slo/slo-checkpoint-codec.js';
import { minuteMs } from '../../core/slo/slo-window.js';
import type { SloCheckpoint, Store } from '../../adapters/store/store.js';
import type { TimerHandle, Timers } from '../timers.js';
import type { SloRuntime } from './slo-evaluator.js';

export interface SloCheckpointerOptions {
  store: Store;
  clock: Clock;
  timers: Timers;
  /** The SLOs to checkpoint, read at each write. */
  runtimes: () => Iterable<SloRuntime>;
  /** How late counts are accepted (the cut stays this far behind now, plus the margin). */
  latenessMs: number;
  /** Between two writes (default 10 min): the longest replay after a kill -9 grows with it. */
  everyMs?: number;
  /** Extra distance of the cut behind now - lateness, for commits in flight (default 2 min). */
  marginMs?: number;
  /**
   * Time the checkpoint at stop may take (default 5 s, within the server's 10 s shutdown): SLOs
   * not written by then keep their previous checkpoint, which is just as correct, only older.
   */
  stopBudgetMs?: number;
  /**
   * Lets timers and I/O run between chunks (default: `setImmediate`). SQLite statements run
   * synchronously and resolve at once, so without it a whole write (seconds at 10,000 SLOs)
   * would hold the event loop.
   */
  yieldBetweenChunks?: () => Promise<void>;
  /** End (ms) of the oldest minute in a batch being committed and not yet in the rings; null if none. */
  oldestPendingMs?: () => number | null;
  onError?: (error: unknown, context: string) => void;
  onWritten?: (report: CheckpointWriteReport) => void;
}

export interface CheckpointWriteReport {
  cutMs: number;
  written: number;
  /** SLOs without a checkpoint (time-slice budgeting, or a cut older than their minute ring). */
  skipped: number;
  /** SLOs left with their previous checkpoint because the stop's time budget ran out. */
  deferred: number;
  bytes: number;
}

export interface SloCheckpointer {
  /** Starts the periodic writes; `soon` writes the first one after 90 s (some SLOs came from rows). */
  start(soon: boolean): void;
  /** Stops the periodic writes and writes a last checkpoint (clean stop). */
  stop(): Promise<void>;
  /**
   * Writes a checkpoint of every SLO now (one at a time: a call during a write waits for it);
   * with a deadline (clock ms), no further chunk is started after it.
   */
  writeNow(deadlineMs?: number): Promise<CheckpointWriteReport>;
  /** The cut a write now would use (ms). */
  cutAt(nowMs: number): number;
}

const sloPerChunk = 250;
/** The first write after a start that restored SLOs from rows: after the first evaluation, not during the start. */
const soonMs = 90_000;

export function createSloCheckpointer(options: SloCheckpointerOptions): SloCheckpointer {
  const everyMs = options.everyMs ?? 10 * minuteMs;
  const marginMs = options.marginMs ?? 2 * minuteMs;
  let timer: TimerHandle | null = null;
  let running = false;
  let writing: Promise<CheckpointWriteReport> | null = null;

  function cutAt(nowMs: number): number {
    let cutMs = Math.floor((nowMs - options.latenessMs - marginMs) / minuteMs) * minuteMs;
    const pending = options.oldestPendingMs?.() ?? null;
    // A batch being committed may still add to its minutes: cut before the oldest of them.
    if (pending !== null) cutMs = Math.min(cutMs, Math.ceil(pending / minuteMs) * minuteMs - minuteMs);
    return cutMs;
  }

  async function write(deadlineMs = Infinity): Promise<CheckpointWriteReport> {
    const nowMs = options.clock.nowMs();
    const cutMs = cutAt(nowMs);
    const report: CheckpointWriteReport = { cutMs, written: 0, skipped: 0, deferred: 0, bytes: 0 };
    let chunk: SloCheckpoint[] = [];
    const pause = options.yieldBetweenChunks ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    const flush = async () => {
      if (chunk.length > 0) await options.store.sloCheckpoints.upsert(chunk);
      chunk = [];
      await pause();
    };
    const runtimes = [...options.runtimes()];
    for (const [index, runtime] of runtimes.entries()) {
      if (chunk.length === 0 && options.clock.nowMs() > deadlineMs) {
        report.deferred = runtimes.length - index;
        break;
      }
      const snapshot = runtime.counts.snapshot(cutMs);
      if (snapshot === null) {
        report.skipped++;
        continue;
      }
      const data = encodeCountSnapshot(snapshot);
      chunk.push({ slo: runtime.spec.name, cutMs, writtenAtMs: nowMs, data });
      report.written++;
      report.bytes += data.byteLength;
      if (chunk.length >= sloPerChunk) await flush();
    }
    await flush();
    options.onWritten?.(report);
    return report;
  }

  function writeNow(deadlineMs?: number): Promise<CheckpointWriteReport> {
    const next = (writing ?? Promise.resolve(null)).catch(() => null).then(() => write(deadlineMs));
    const current = next.finally(() => {
      if (writing === current) writing = null;
    });
    writing = current;
    return current;
  }

  function arm(delayMs: number): void {
    if (!running) return;
    timer = options.timers.after(delayMs, () => {
      timer = null;
      writeNow()
        .catch((error: unknown) => options.onError?.(error, 'writing SLO checkpoints'))
        .finally(() => arm(everyMs));
    });
  }

  return {
    cutAt,
    writeNow,
    start(soon) {
      running = true;
      arm(soon ? soonMs : everyMs);
    },
    async stop() {
      const wasRunning = running;
      running = false;
      timer?.cancel();
      timer = null;
      if (wasRunning) await writeNow(options.clock.nowMs() + (options.stopBudgetMs ?? 5000));
      else if (writing !== null) await writing.catch(() => undefined);
    },
  };
}
