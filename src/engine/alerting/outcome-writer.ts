/**
 * Group commit of the outbox delivery's attempt outcomes (sent, retry, dead). Each outcome is a
 * small update, but a commit is an fsync (SQLite runs synchronous=FULL): one commit per outcome
 * held delivery to ~100 notifications a second. Outcomes of sends that finish in the same I/O
 * round, and those that finish while a commit is running, share one transaction, and the items
 * sent at the same instant are marked in one statement (a statement per item was ~3 % of the
 * server's CPU in a fan-out of 5,000 notifications). When a batch
 * fails, every write in it is reported failed and, inside a transaction, none of it committed:
 * those items stay pending and are sent again (receivers drop the duplicate by its idempotency
 * key).
 */
import type { OutboxRepository } from '../../adapters/store/alerting-repositories.js';

/** One attempt's outcome as the delivery records it. */
export type Outcome =
  | { kind: 'sent'; id: number; atMs: number }
  | { kind: 'retry'; id: number; update: Parameters<OutboxRepository['markRetry']>[1] }
  | { kind: 'dead'; id: number; update: Parameters<OutboxRepository['markDead']>[1] };

/**
 * Runs `work` in one transaction with the outbox repositories bound to it;
 * `(work) => store.transaction((r) => work(r.outbox), { durability: 'relaxed' })`.
 */
export type OutboxTransaction = <T>(work: (outbox: OutboxRepository) => Promise<T>) => Promise<T>;

/**
 * Writes a batch: every sent item of the batch in one statement (most outcomes), stamped with the
 * latest send time in it (the sends of one batch finished within a few ms of each other; a
 * statement per distinct millisecond was a round trip each on PostgreSQL, and outcomes fell
 * seconds behind the sends in a fan-out), the others one by one.
 */
async function writeOutcomes(writer: OutboxRepository, outcomes: readonly Outcome[]): Promise<void> {
  const sent: number[] = [];
  let sentAtMs = -Infinity;
  for (const outcome of outcomes) {
    if (outcome.kind === 'sent') {
      sent.push(outcome.id);
      sentAtMs = Math.max(sentAtMs, outcome.atMs);
    } else if (outcome.kind === 'retry') {
      await writer.markRetry(outcome.id, outcome.update);
    } else {
      await writer.markDead(outcome.id, outcome.update);
    }
  }
  if (sent.length > 0) await writer.markSentMany(sent, sentAtMs);
}

/**
 * Returns `write(outcome)`, which resolves once the outcome has committed. Writes are queued;
 * the queue is flushed when the current I/O round ends, and writes queued while a flush runs go
 * in the next, each flush one transaction when there are several.
 */
export function createOutcomeWriter(outbox: OutboxRepository, transaction: OutboxTransaction | undefined): (outcome: Outcome) => Promise<void> {
  const queued: Array<{ outcome: Outcome; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing = false;

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (queued.length > 0) {
        const batch = queued.splice(0);
        const outcomes = batch.map((entry) => entry.outcome);
        const run = (writer: OutboxRepository) => writeOutcomes(writer, outcomes);
        try {
          await (transaction === undefined ? run(outbox) : transaction(run));
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
  return (outcome) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ outcome, resolve, reject });
      if (queued.length === 1) setImmediate(() => void flush());
    });
}
