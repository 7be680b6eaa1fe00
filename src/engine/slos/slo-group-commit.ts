/**
 * Group commit of SLO counts: batches that arrive while a write is running wait for it and then
 * go to the store together, in one transaction (their ingest keys, and their counts summed per
 * bucket by `sloCounts.add`). Each caller is answered only after the transaction holding its
 * batch committed, so "acknowledged only after durable" holds; with many clients pushing to
 * many SLOs, a busy minute's rows are upserted once per group instead of once per batch.
 *
 * If a group fails (an `Idempotency-Key` taken by a concurrent retry, a store error), its
 * batches are written again one by one, so one bad batch fails only its own caller.
 */
import type { IngestKey, SloCount, Store } from '../../adapters/store/store.js';

export interface CountWrite {
  counts: readonly SloCount[];
  /** The request's idempotency key, stored in the same transaction as its counts. */
  key: IngestKey | null;
}

export interface SloGroupCommit {
  /** Resolves once the batch is committed and applied; rejects with the store's error. */
  write(batch: CountWrite): Promise<void>;
  /** End (ms) of the oldest minute among batches queued or being committed; null when none. */
  oldestPendingMs(): number | null;
}

export interface SloGroupCommitOptions {
  store: Store;
  /** Adds committed counts to memory (the evaluator). */
  apply(counts: readonly SloCount[]): void;
  /** Most batches in one transaction (default 64). */
  maxBatches?: number;
}

interface Queued extends CountWrite {
  oldestMs: number;
  resolve(): void;
  reject(error: unknown): void;
}

export function createSloGroupCommit(options: SloGroupCommitOptions): SloGroupCommit {
  const maxBatches = options.maxBatches ?? 64;
  const queue: Queued[] = [];
  const inFlight = new Set<Queued>();
  let running = false;

  async function commit(group: readonly Queued[]): Promise<void> {
    const counts = group.length === 1 ? group[0]!.counts : group.flatMap((entry) => entry.counts);
    await options.store.transaction(async (repos) => {
      for (const entry of group) if (entry.key !== null) await repos.ingestKeys.insert(entry.key);
      if (counts.length > 0) await repos.sloCounts.add(counts);
    });
    options.apply(counts);
  }

  async function settle(group: readonly Queued[]): Promise<void> {
    try {
      await commit(group);
      for (const entry of group) entry.resolve();
      return;
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
    }
    for (const entry of group) {
      try {
        await commit([entry]);
        entry.resolve();
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const group = queue.splice(0, maxBatches);
        for (const entry of group) inFlight.add(entry);
        try {
          await settle(group);
        } finally {
          for (const entry of group) inFlight.delete(entry);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    write(batch) {
      let oldestMs = Infinity;
      for (const count of batch.counts) oldestMs = Math.min(oldestMs, count.endMs);
      return new Promise<void>((resolve, reject) => {
        queue.push({ ...batch, oldestMs, resolve, reject });
        if (!running) void drain();
      });
    },
    oldestPendingMs() {
      let oldest = Infinity;
      for (const entry of queue) oldest = Math.min(oldest, entry.oldestMs);
      for (const entry of inFlight) oldest = Math.min(oldest, entry.oldestMs);
      return Number.isFinite(oldest) ? oldest : null;
    },
  };
}
