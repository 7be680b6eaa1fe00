/**
 * Group commit of the outbox delivery's attempt outcomes (sent, retry, dead). Each outcome is a
 * small update, but a commit is an fsync (SQLite runs synchronous=FULL): one commit per outcome
 * held delivery to ~100 notifications a second. Outcomes of sends that finish in the same I/O
 * round, and those that finish while a commit is running, share one transaction. When a batch
 * fails, every write in it is reported failed and, inside a transaction, none of it committed:
 * those items stay pending and are sent again (receivers drop the duplicate by its idempotency
 * key).
 */
import type { OutboxRepository } from '../../adapters/store/alerting-repositories.js';

export type OutcomeWrite = (outbox: OutboxRepository) => Promise<void>;

/**
 * Runs `work` in one transaction with the outbox repositories bound to it;
 * `(work) => store.transaction((r) => work(r.outbox))`.
 */
export type OutboxTransaction = <T>(work: (outbox: OutboxRepository) => Promise<T>) => Promise<T>;

/**
 * Returns `write(change)`, which resolves once the change has committed. Writes are queued; the
 * queue is flushed when the current I/O round ends, and writes queued while a flush runs go in
 * the next, each flush one transaction when there are several.
 */
export function createOutcomeWriter(outbox: OutboxRepository, transaction: OutboxTransaction | undefined): (write: OutcomeWrite) => Promise<void> {
  const queued: Array<{ write: OutcomeWrite; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing = false;

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (queued.length > 0) {
        const batch = queued.splice(0);
        const run = async (writer: OutboxRepository) => {
          for (const entry of batch) await entry.write(writer);
        };
        try {
          await (transaction === undefined || batch.length === 1 ? run(outbox) : transaction(run));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  // The first write of a round waits for the round to end (setImmediate, see requestPump), so
  // the outcomes of every send that finished in it share one commit.
  return (write) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ write, resolve, reject });
      if (queued.length === 1) setImmediate(() => void flush());
    });
}
