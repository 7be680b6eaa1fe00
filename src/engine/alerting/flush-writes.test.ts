import { describe, expect, it } from 'vitest';
import type { NotificationLogEntry, NotificationLogRepository, OutboxItem, OutboxRepository } from '../../adapters/store/alerting-repositories.js';
import type { StoreRepositories } from '../../adapters/store/store.js';
import type { Notification } from '../../core/alerting/notification.js';
import { noRequestPriority } from '../request-priority.js';
import { createFlushWrites, createGroupCommit, flushCommitSchedule } from './flush-writes.js';

const endOfRound = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createGroupCommit', () => {
  it('commits the writes of one round together, once the round is over', async () => {
    const commits: number[][] = [];
    const commit = createGroupCommit<number>((items) => {
      commits.push([...items]);
      return Promise.resolve();
    });
    // Synchronous commits (better-sqlite3): without the wait for the round's end each write
    // would be committed on its own before the next one is even made.
    const writes = [1, 2, 3].map((n) => commit(n));
    await Promise.resolve();
    expect(commits).toEqual([]);
    await Promise.all(writes);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('commits what arrives during a commit together in the next one, answering each after its commit', async () => {
    const commits: number[][] = [];
    let release: () => void = () => undefined;
    const commit = createGroupCommit<number>(async (items) => {
      commits.push([...items]);
      if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const answered: number[] = [];
    const first = commit(1).then(() => answered.push(1));
    await endOfRound();
    const later = [2, 3, 4].map((n) => commit(n).then(() => answered.push(n)));
    await endOfRound();
    expect(commits).toEqual([[1]]);
    expect(answered).toEqual([]);
    release();
    await Promise.all([first, ...later]);
    expect(commits).toEqual([[1], [2, 3, 4]]);
    expect(answered).toEqual([1, 2, 3, 4]);
  });

  it('starts the commit when the given schedule says, taking everything written until then', async () => {
    const commits: number[][] = [];
    let run: () => void = () => undefined;
    const commit = createGroupCommit<number>(
      (items) => {
        commits.push([...items]);
        return Promise.resolve();
      },
      (start) => (run = start),
    );
    const first = commit(1);
    await endOfRound();
    const second = commit(2);
    await endOfRound();
    expect(commits).toEqual([]);
    run();
    await Promise.all([first, second]);
    expect(commits).toEqual([[1, 2]]);
  });

  it('retries a failed batch write by write, so only the bad write fails', async () => {
    const committed: number[] = [];
    const commit = createGroupCommit<number>((items) => {
      if (items.length > 1 && items.includes(13)) return Promise.reject(new Error('batch with bad write 13'));
      if (items.includes(13)) return Promise.reject(new Error('bad write 13'));
      committed.push(...items);
      return Promise.resolve();
    });
    const results = [12, 13, 14].map((n) => commit(n).then(() => 'ok', (error: unknown) => (error as Error).message));
    expect(await Promise.all(results)).toEqual(['ok', 'bad write 13', 'ok']);
    expect(committed).toEqual([12, 14]);
  });
});

describe('createFlushWrites', () => {
  const ref = { receiver: 'team', key: 'webhook_configs', index: 0 };
  const entry = (groupKey: string): NotificationLogEntry => ({ integration: ref, groupKey, firingFingerprints: ['f'], resolvedFingerprints: [], sentAtMs: 1 });
  const note = (groupKey: string) => ({ idempotencyKey: `k-${groupKey}`, groupKey }) as unknown as Notification;

  it('commits the notifications and log entries written in one round in one transaction', async () => {
    const transactions: string[][] = [];
    let current: string[] = [];
    const outbox = {
      enqueue: (notifications: readonly Notification[]) => {
        current.push(...notifications.map((one) => `enqueue ${one.groupKey}`));
        return Promise.resolve({ stored: notifications.length, heads: notifications.map((notification, index) => ({ id: index + 1, notification }) as OutboxItem) });
      },
    } as unknown as OutboxRepository;
    const offered: string[][] = [];
    const notificationLog = { upsertMany: (entries: readonly NotificationLogEntry[]) => Promise.resolve(void current.push(...entries.map((one) => `log ${one.groupKey}`))) } as unknown as NotificationLogRepository;
    const writes = createFlushWrites({
      transaction: async <T>(work: (repositories: Pick<StoreRepositories, 'outbox' | 'notificationLog'>) => Promise<T>) => {
        current = [];
        const result = await work({ outbox, notificationLog });
        transactions.push(current);
        return result;
      },
      outbox,
      notificationLog,
      clock: { nowMs: () => 1 },
      onEnqueued: (enqueued) => offered.push([String(enqueued.stored), ...enqueued.heads.map((item) => item.notification.groupKey)]),
    });
    // Group g1 flushed in the previous round and now writes its log; g2 and g3 enqueue.
    await Promise.all([writes.notificationLog.upsert(entry('g1')), writes.enqueue([note('g2')]), writes.enqueue([note('g3')])]);
    expect(transactions).toEqual([['enqueue g2', 'enqueue g3', 'log g1']]);
    // The stored heads of the commit, once, after it.
    expect(offered).toEqual([['2', 'g2', 'g3']]);
    await writes.notificationLog.upsert(entry('g2'));
    expect(offered).toHaveLength(1);
  });
});

describe('flushCommitSchedule', () => {
  /** When `run` ran, in ms after scheduling, under the given priority and delivery backlog. */
  async function delayOf(busy: boolean, backlog: number): Promise<number> {
    const priority = { ...noRequestPriority, busy: () => busy, schedule: (slice: () => void, pauseMs?: number) => void (busy ? setTimeout(slice, pauseMs) : setImmediate(slice)) };
    const schedule = flushCommitSchedule({ priority, backlog: () => backlog, pauseMs: 200, backlogToWait: 100 });
    const startedAt = performance.now();
    await new Promise<void>((resolve) => schedule(resolve));
    return performance.now() - startedAt;
  }

  it('commits at the end of the round when nobody waits and the delivery has little queued', async () => {
    expect(await delayOf(false, 99)).toBeLessThan(150);
  });

  it('waits for company while requests are in flight, or while the delivery has a backlog', async () => {
    expect(await delayOf(true, 0)).toBeGreaterThanOrEqual(195);
    expect(await delayOf(false, 100)).toBeGreaterThanOrEqual(195);
  });
});
