/**
 * Group commit of the outbox delivery's attempt outcomes (sent, retry, dead). Each outcome is a
 * small update, but a commit is an fsync (SQLite runs synchronous=FULL): one commit per outcome
 * held delivery to ~100 notifications a second. Outcomes of sends that finish in the same I/O
 * round (in a burst: within a few ms), and those that finish while a commit is running, share
 * one transaction, and the items sent at the same instant are marked in one statement (a
 * statement per item was ~3 % of the server's CPU in a fan-out of 5,000 notifications). When a
 * batch fails, every write in it is reported failed and, inside a transaction, none of it committed:
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

export interface OutcomeBatching {
  /** Whether more outcomes are about to come (a backlog of sends): then a batch waits for company. */
  moreComing(): boolean;
  /** A batch is written at once when it holds this many outcomes; default 256. */
  maxBatch?: number;
  /** How long a batch waits for company while more outcomes are coming, ms; default 20. */
  maxDelayMs?: number;
}

/**
 * Returns `write(outcome)`, which resolves once the outcome has committed. Writes are queued;
 * the queue is written when the current I/O round ends, in one transaction when there are
 * several. While more outcomes are coming (a burst of sends), the queue waits up to
 * `maxDelayMs` or until it holds `maxBatch` outcomes: at concurrency 16 each round of answers
 * held ~15 outcomes, and their ~340 commits and mark statements per 5,000 notifications were ~8 %
 * of the server's event loop in a fan-out. Nothing waits on an outcome but the item's own
 * group (its next notification is due once the head's outcome committed), and an outcome not
 * yet written after a crash means one more send with the same idempotency key. Writes queued
 * while a batch is written go in the next one.
 */
export function createOutcomeWriter(outbox: OutboxRepository, transaction: OutboxTransaction | undefined, batching: OutcomeBatching): (outcome: Outcome) => Promise<void> {
  const maxBatch = batching.maxBatch ?? 256;
  const maxDelayMs = batching.maxDelayMs ?? 20;
  const queued: Array<{ outcome: Outcome; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing = false;
  let roundEndScheduled = false;
  let delay: ReturnType<typeof setTimeout> | null = null;

  async function writeBatch(): Promise<void> {
    if (delay !== null) clearTimeout(delay);
    delay = null;
    flushing = true;
    const batch = queued.splice(0);
    const outcomes = batch.map((entry) => entry.outcome);
    const run = (writer: OutboxRepository) => writeOutcomes(writer, outcomes);
    try {
      await (transaction === undefined ? run(outbox) : transaction(run));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      flushing = false;
      afterRound();
    }
  }

  /** At the end of an I/O round (or after a batch was written): write now, or wait for company. */
  function decide(): void {
    roundEndScheduled = false;
    if (flushing || queued.length === 0) return;
    if (queued.length >= maxBatch || !batching.moreComing()) {
      void writeBatch();
      return;
    }
    delay ??= setTimeout(() => {
      delay = null;
      if (!flushing && queued.length > 0) void writeBatch();
    }, maxDelayMs);
  }

  function afterRound(): void {
    if (roundEndScheduled || queued.length === 0) return;
    roundEndScheduled = true;
    setImmediate(decide);
  }

  return (outcome) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ outcome, resolve, reject });
      // The first write of a round waits for the round to end (setImmediate, see requestPump),
      // so the outcomes of every send that finished in it share one commit; a full batch, or the
      // last outcome of a burst, does not wait for the rest of the delay.
      if (queued.length === 1 || queued.length >= maxBatch || !batching.moreComing()) afterRound();
    });
}
