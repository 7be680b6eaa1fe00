import { describe, expect, it } from 'vitest';
import type { OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import { createOutcomeWriter } from './outcome-writer.js';

describe('createOutcomeWriter', () => {
  it('writes the outcomes of one round in one transaction, every sent mark of it in one statement', async () => {
    const calls: string[] = [];
    let transactions = 0;
    const outbox = {
      markSent: (id: number, atMs: number) => Promise.resolve(void calls.push(`sent ${id} @${atMs}`)),
      markSentMany: (ids: readonly number[], atMs: number) => Promise.resolve(void calls.push(`sent ${ids.join(',')} @${atMs}`)),
      markRetry: (id: number) => Promise.resolve(void calls.push(`retry ${id}`)),
      markDead: (id: number) => Promise.resolve(void calls.push(`dead ${id}`)),
    } as unknown as OutboxRepository;
    const write = createOutcomeWriter(outbox, async (work) => {
      transactions += 1;
      return work(outbox);
    });
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
    const write = createOutcomeWriter(outbox, (work) => work(outbox));
    const first = [write({ kind: 'sent', id: 1, atMs: 1 }), write({ kind: 'sent', id: 2, atMs: 1 })].map((done) => done.then(() => 'ok', (error: unknown) => (error as Error).message));
    expect(await Promise.all(first)).toEqual(['disk full', 'disk full']);
    fail = false;
    await expect(write({ kind: 'sent', id: 3, atMs: 2 })).resolves.toBeUndefined();
  });
});
