import { describe, expect, it } from 'vitest';
import type { OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import { createOutcomeWriter } from './outcome-writer.js';

describe('createOutcomeWriter', () => {
  const quiet = { moreComing: () => false };

  /** An outbox that records each sent-mark statement and the transaction it ran in. */
  function recordingOutbox() {
    const statements: number[][] = [];
    let transactions = 0;
    const outbox = {
      markSentMany: (ids: readonly number[]) => Promise.resolve(void statements.push([...ids])),
    } as unknown as OutboxRepository;
    const transaction = async <T>(work: (writer: OutboxRepository) => Promise<T>): Promise<T> => {
      transactions += 1;
      return work(outbox);
    };
    return { outbox, transaction, statements, transactions: () => transactions };
  }

  it('lets a batch wait for company while more outcomes are coming, up to the delay', async () => {
    const { outbox, transaction, statements, transactions } = recordingOutbox();
    const write = createOutcomeWriter(outbox, transaction, { moreComing: () => true, maxDelayMs: 200 });
    const startedAt = performance.now();
    const first = write({ kind: 'sent', id: 1, atMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = write({ kind: 'sent', id: 2, atMs: 2 });
    await Promise.all([first, second]);
    // Two rounds of answers, one commit: the first waited for the second.
    expect(statements).toEqual([[1, 2]]);
    expect(transactions()).toBe(1);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
  });

  it('writes a full batch at once, and the last outcome of a burst without waiting out the delay', async () => {
    const { outbox, transaction, statements } = recordingOutbox();
    let coming = true;
    const write = createOutcomeWriter(outbox, transaction, { moreComing: () => coming, maxBatch: 3, maxDelayMs: 60_000 });
    await Promise.all([1, 2, 3].map((id) => write({ kind: 'sent', id, atMs: id })));
    expect(statements).toEqual([[1, 2, 3]]);
    const fourth = write({ kind: 'sent', id: 4, atMs: 4 });
    coming = false;
    await Promise.all([fourth, write({ kind: 'sent', id: 5, atMs: 5 })]);
    expect(statements).toEqual([[1, 2, 3], [4, 5]]);
  });
  it('writes the outcomes of one round in one transaction, every sent mark of it in one statement', async () => {
    const calls: string[] = [];
    let transactions = 0;
    const outbox = {
      markSent: (id: number, atMs: number) => Promise.resolve(void calls.push(`sent ${id} @${atMs}`)),
      markSentMany: (ids: readonly number[], atMs: number) => Promise.resolve(void calls.push(`sent ${ids.join(',')} @${atMs}`)),
      markRetry: (id: number) => Promise.resolve(void calls.push(`retry ${id}`)),
      markDead: (id: number) => Promise.resolve(void calls.push(`dead ${id}`)),
    } as unknown as OutboxRepository;
    const write = createOutcomeWriter(
      outbox,
      async (work) => {
        transactions += 1;
        return work(outbox);
      },
      quiet,
    );
    await Promise.all([
      write({ kind: 'sent', id: 1, atMs: 1_000 }),
      write({ kind: 'retry', id: 2, update: { attempts: 1, nextAttemptAtMs: 5_000, lastError: 'HTTP 503', lastReason: 'server' } }),
      write({ kind: 'sent', id: 3, atMs: 1_004 }),
      write({ kind: 'dead', id: 4, update: { attempts: 1, lastError: 'HTTP 400', lastReason: 'client', atMs: 1_002 } }),
      write({ kind: 'sent', id: 5, atMs: 1_002 }),
    ]);
    // Sends of one round finish within ms of each other: one statement, the latest time.
    expect(calls).toEqual(['retry 2', 'dead 4', 'sent 1,3,5 @1004']);
    expect(transactions).toBe(1);
  });

  it('reports a failed batch to each of its writers and goes on with the next one', async () => {
    let fail = true;
    const outbox = {
      markSentMany: () => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()),
    } as unknown as OutboxRepository;
    const write = createOutcomeWriter(outbox, (work) => work(outbox), quiet);
    const first = [write({ kind: 'sent', id: 1, atMs: 1 }), write({ kind: 'sent', id: 2, atMs: 1 })].map((done) => done.then(() => 'ok', (error: unknown) => (error as Error).message));
    expect(await Promise.all(first)).toEqual(['disk full', 'disk full']);
    fail = false;
    await expect(write({ kind: 'sent', id: 3, atMs: 2 })).resolves.toBeUndefined();
  });
});
