// Contract cases for the notification outbox: enqueue stores each idempotency key once, `due`
// hands out only the oldest pending item of each (integration, group key) and only once it is
// due (in-order delivery per group), retries and dead-lettering keep their bookkeeping, a dead
// item can be retried by hand, and listing, counting and retention work on both backends.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../core/alerting/notification.js';
import type { OutboxItem } from './alerting-repositories.js';
import { baseNotification, webhook } from './alerting-builders.contract.js';
import { epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

const keys = (items: readonly OutboxItem[]) => items.map((item) => item.notification.idempotencyKey);
const note = (idempotencyKey: string, groupKey: string, overrides: Partial<Notification> = {}) => baseNotification({ idempotencyKey, groupKey, ...overrides });

export function registerOutboxCases(current: () => Store): void {
  describe('outbox enqueue', () => {
    it('stores pending items in enqueue order, the notification exactly as given', async () => {
      const notifications = [note('k1', 'g1'), note('k2', 'g2', { status: 'resolved', acknowledged: true, truncatedAlerts: 3 })];
      await current().outbox.enqueue(notifications, epochMs + 5);
      const items = await current().outbox.list({ limit: 10 });
      expect(items.map((item) => item.notification)).toEqual([...notifications].reverse());
      expect(items[0]!.id).toBeGreaterThan(items[1]!.id);
      expect(await current().outbox.get(items[1]!.id)).toEqual({
        id: items[1]!.id,
        notification: notifications[0],
        status: 'pending',
        attempts: 0,
        nextAttemptAtMs: epochMs + 5,
        lastError: null,
        lastReason: null,
        createdAtMs: epochMs + 5,
        queuedAtMs: epochMs + 5,
        finishedAtMs: null,
      });
      expect(await current().outbox.get(999_999)).toBeUndefined();
    });

    it('skips a notification whose idempotency key is stored already, in the same call or a later one', async () => {
      await current().outbox.enqueue([note('k1', 'g1'), note('k1', 'g1', { status: 'resolved' })], epochMs);
      const [first] = await current().outbox.due(epochMs, 10);
      await current().outbox.markSent(first!.id, epochMs + 1);
      await current().outbox.enqueue([note('k1', 'g1', { status: 'resolved' }), note('k2', 'g1')], epochMs + 2);
      const items = await current().outbox.list({ limit: 10 });
      expect(keys(items)).toEqual(['k2', 'k1']);
      expect(items[1]).toMatchObject({ status: 'sent', notification: { status: 'firing' } });
    });

    it('answers how many items it stored and those that head their group, as due would return them', async () => {
      const outbox = current().outbox;
      const enqueued = await outbox.enqueue([note('a1', 'g1'), note('b1', 'g2'), note('a2', 'g1'), note('a1', 'g1', { status: 'resolved' })], epochMs);
      const first = enqueued.heads;
      // a2 waits behind a1; the second a1 is a duplicate key and not stored.
      expect(enqueued.stored).toBe(3);
      expect(keys(first)).toEqual(['a1', 'b1']);
      expect(first.map((item) => item.id)).toEqual((await outbox.due(epochMs, 10)).map((item) => item.id));
      expect(first[0]).toEqual(await outbox.get(first[0]!.id));
      // Stored again: nothing new. A new group heads at once; a1's group still waits for a1.
      expect(await outbox.enqueue([note('b1', 'g2')], epochMs + 1)).toEqual({ stored: 0, heads: [] });
      const second = await outbox.enqueue([note('a3', 'g1'), note('c1', 'g3')], epochMs + 2);
      expect(second.stored).toBe(2);
      expect(keys(second.heads)).toEqual(['c1']);
      // Once a1 is sent, a2 is the head, but only `due` hands it out: it was not stored now.
      await outbox.markSent(first[0]!.id, epochMs + 3);
      expect(keys((await outbox.enqueue([note('d1', 'g4')], epochMs + 4)).heads)).toEqual(['d1']);
      expect(keys(await outbox.due(epochMs + 4, 10))).toEqual(['b1', 'a2', 'c1', 'd1']);
    });

    it('marks several pending items sent in one call, leaving finished ones as they were', async () => {
      await current().outbox.enqueue([note('k1', 'g1'), note('k2', 'g2'), note('k3', 'g3')], epochMs);
      const [k1, k2, k3] = await current().outbox.due(epochMs, 10);
      await current().outbox.markDead(k3!.id, { attempts: 1, lastError: 'HTTP 400', lastReason: 'client', atMs: epochMs + 1 });
      await current().outbox.markSentMany([k1!.id, k2!.id, k3!.id], epochMs + 5);
      await current().outbox.markSentMany([], epochMs + 6);
      const byKey = new Map((await current().outbox.list({ limit: 10 })).map((item) => [item.notification.idempotencyKey, item]));
      expect(byKey.get('k1')).toMatchObject({ status: 'sent', attempts: 1, finishedAtMs: epochMs + 5 });
      expect(byKey.get('k2')).toMatchObject({ status: 'sent', attempts: 1, finishedAtMs: epochMs + 5 });
      expect(byKey.get('k3')).toMatchObject({ status: 'dead', attempts: 1, finishedAtMs: epochMs + 1 });
    });

    it('writes nothing when its transaction rolls back', async () => {
      const attempt = current().transaction(async (repositories) => {
        await repositories.outbox.enqueue([note('k1', 'g1')], epochMs);
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await current().outbox.countByStatus()).toEqual({ pending: 0, sent: 0, dead: 0 });
    });
  });

  registerDueCases(current);
  registerOutcomeCases(current);
  registerListCases(current);
}

function registerDueCases(current: () => Store): void {
  describe('outbox due', () => {
    beforeEach(async () => {
      // g1: a1, a2, a3; g2: b1; g1 on another integration of the same receiver: c1.
      await current().outbox.enqueue([note('a1', 'g1'), note('b1', 'g2'), note('a2', 'g1')], epochMs);
      await current().outbox.enqueue([note('c1', 'g1', { integration: { ...webhook, index: 1 } }), note('a3', 'g1')], epochMs + 1_000);
    });

    it('returns the oldest pending item of each group, longest overdue first, only once due', async () => {
      expect(keys(await current().outbox.due(epochMs - 1, 10))).toEqual([]);
      expect(keys(await current().outbox.due(epochMs, 10))).toEqual(['a1', 'b1']);
      expect(keys(await current().outbox.due(epochMs + 1_000, 10))).toEqual(['a1', 'b1', 'c1']);
      expect(keys(await current().outbox.due(epochMs + 1_000, 2))).toEqual(['a1', 'b1']);
      expect(await current().outbox.due(epochMs + 1_000, 0)).toEqual([]);
    });

    it('holds the later items of a group while the oldest waits for its retry, and releases them in order', async () => {
      const [a1] = await current().outbox.due(epochMs, 1);
      await current().outbox.markRetry(a1!.id, { attempts: 1, nextAttemptAtMs: epochMs + 60_000, lastError: '503 Service Unavailable', lastReason: 'server' });
      expect(keys(await current().outbox.due(epochMs + 30_000, 10))).toEqual(['b1', 'c1']);
      expect(await current().outbox.nextDueAtMs()).toBe(epochMs);
      expect(keys(await current().outbox.due(epochMs + 60_000, 10))).toEqual(['b1', 'c1', 'a1']);
      const sentOrder: string[] = [];
      for (let round = 0; round < 5; round += 1) {
        for (const item of await current().outbox.due(epochMs + 60_000, 10)) {
          sentOrder.push(item.notification.idempotencyKey);
          await current().outbox.markSent(item.id, epochMs + 60_000);
        }
      }
      expect(sentOrder).toEqual(['b1', 'c1', 'a1', 'a2', 'a3']);
      expect(await current().outbox.nextDueAtMs()).toBeNull();
    });

    it('answers when the next group head falls due, ignoring items held behind it', async () => {
      for (const item of await current().outbox.due(epochMs + 1_000, 10)) {
        await current().outbox.markRetry(item.id, { attempts: 1, nextAttemptAtMs: epochMs + 50_000 + item.id, lastError: 'x', lastReason: 'timeout' });
      }
      const heads = await current().outbox.list({ status: 'pending', limit: 10 });
      const a1 = heads.find((item) => item.notification.idempotencyKey === 'a1')!;
      expect(await current().outbox.nextDueAtMs()).toBe(epochMs + 50_000 + a1.id);
    });

    it('leaves out receivers it is told to, for due and for the next due time', async () => {
      await current().outbox.enqueue([note('d1', 'g9', { integration: { receiver: 'ops', key: 'slack_configs', index: 0 } })], epochMs + 2_000);
      expect(keys(await current().outbox.due(epochMs + 2_000, 10, ['team-db']))).toEqual(['d1']);
      expect(keys(await current().outbox.due(epochMs + 2_000, 10, ['ops']))).toEqual(['a1', 'b1', 'c1']);
      expect(keys(await current().outbox.due(epochMs + 2_000, 10, []))).toEqual(['a1', 'b1', 'c1', 'd1']);
      expect(await current().outbox.nextDueAtMs(['team-db'])).toBe(epochMs + 2_000);
      expect(await current().outbox.nextDueAtMs(['team-db', 'ops'])).toBeNull();
    });

    it('lets a dead item stop blocking its group; retried by hand it heads the group again', async () => {
      const [a1] = await current().outbox.due(epochMs, 1);
      await current().outbox.markDead(a1!.id, { attempts: 1, lastError: '400 Bad Request: invalid payload', lastReason: 'client', atMs: epochMs + 10 });
      expect(keys(await current().outbox.due(epochMs + 1_000, 10))).toEqual(['b1', 'a2', 'c1']);
      expect(await current().outbox.retry(a1!.id, epochMs + 2_000)).toBe(true);
      expect(keys(await current().outbox.due(epochMs + 2_000, 10))).toEqual(['b1', 'c1', 'a1']);
    });
  });
}

function registerOutcomeCases(current: () => Store): void {
  describe('outbox outcomes', () => {
    let id: number;
    beforeEach(async () => {
      await current().outbox.enqueue([note('k1', 'g1')], epochMs);
      id = (await current().outbox.due(epochMs, 1))[0]!.id;
    });

    it('records a retry, then the send that succeeded (counting it as an attempt)', async () => {
      await current().outbox.markRetry(id, { attempts: 2, nextAttemptAtMs: epochMs + 4_000, lastError: 'timeout after 10s', lastReason: 'timeout' });
      expect(await current().outbox.get(id)).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAtMs: epochMs + 4_000, lastError: 'timeout after 10s', lastReason: 'timeout', finishedAtMs: null });
      await current().outbox.markSent(id, epochMs + 4_100);
      expect(await current().outbox.get(id)).toMatchObject({ status: 'sent', attempts: 3, finishedAtMs: epochMs + 4_100, lastReason: 'timeout' });
    });

    it('dead-letters with the reason, retries by hand with a fresh round, and refuses to retry what is not dead', async () => {
      expect(await current().outbox.retry(id, epochMs)).toBe(false);
      await current().outbox.markDead(id, { attempts: 7, lastError: 'max age 1h reached: 503', lastReason: 'server', atMs: epochMs + 3_600_000 });
      const dead = await current().outbox.get(id);
      expect(dead).toMatchObject({ status: 'dead', attempts: 7, lastError: 'max age 1h reached: 503', lastReason: 'server', finishedAtMs: epochMs + 3_600_000 });
      // Finished items are not changed by late outcomes of an attempt.
      await current().outbox.markSent(id, epochMs + 3_700_000);
      await current().outbox.markRetry(id, { attempts: 8, nextAttemptAtMs: 0, lastError: 'x', lastReason: 'network' });
      expect(await current().outbox.get(id)).toEqual(dead);

      expect(await current().outbox.retry(id, epochMs + 4_000_000)).toBe(true);
      expect(await current().outbox.get(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAtMs: epochMs + 4_000_000, queuedAtMs: epochMs + 4_000_000, createdAtMs: epochMs, finishedAtMs: null, lastReason: 'server' });
      expect(await current().outbox.retry(id, epochMs + 4_000_000)).toBe(false);
      expect(await current().outbox.retry(424_242, epochMs)).toBe(false);
    });
  });
}

function registerListCases(current: () => Store): void {
  describe('outbox list, count and retention', () => {
    const ops = { receiver: 'ops', key: 'slack_configs', index: 0 };
    beforeEach(async () => {
      const notifications = Array.from({ length: 9 }, (_, index) => note(`k${index}`, `g${index}`, index % 3 === 0 ? { integration: ops } : {}));
      await current().outbox.enqueue(notifications, epochMs);
      const items = await current().outbox.list({ limit: 100 });
      for (const item of items) {
        const index = Number(item.notification.idempotencyKey.slice(1));
        if (index % 2 === 0) await current().outbox.markSent(item.id, epochMs + 1_000 * index);
        else if (index % 3 === 1) await current().outbox.markDead(item.id, { attempts: 1, lastError: '404', lastReason: 'client', atMs: epochMs + 1_000 * index });
      }
      // k0 k2 k4 k6 k8 sent; k1 k7 dead; k3 k5 pending.
    });

    it.each([
      ['no filter', {}, ['k8', 'k7', 'k6', 'k5', 'k4', 'k3', 'k2', 'k1', 'k0']],
      ['status dead', { status: 'dead' as const }, ['k7', 'k1']],
      ['status pending', { status: 'pending' as const }, ['k5', 'k3']],
      ['receiver', { receiver: 'ops' }, ['k6', 'k3', 'k0']],
      ['receiver and status', { receiver: 'ops', status: 'sent' as const }, ['k6', 'k0']],
      ['a limit', { limit: 2 }, ['k8', 'k7']],
      ['a limit of zero', { limit: 0 }, []],
    ])('lists newest first by %s', async (_case, query, expected) => {
      expect(keys(await current().outbox.list({ limit: 100, ...query }))).toEqual(expected);
    });

    it('reassembles the list exactly from pages of 4', async () => {
      const seen: string[] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await current().outbox.list({ limit: 4, beforeId });
        seen.push(...keys(page));
        if (page.length < 4) break;
        beforeId = page.at(-1)?.id;
      }
      expect(seen).toEqual(keys(await current().outbox.list({ limit: 100 })));
      expect(seen).toHaveLength(9);
    });

    it('counts items by status, zero included', async () => {
      expect(await current().outbox.countByStatus()).toEqual({ pending: 2, sent: 5, dead: 2 });
      await current().outbox.deleteFinishedBefore(epochMs + 100_000, 100);
      expect(await current().outbox.countByStatus()).toEqual({ pending: 2, sent: 0, dead: 0 });
    });

    it('deletes finished items oldest first within its limit and never a pending one', async () => {
      expect(await current().outbox.deleteFinishedBefore(epochMs + 4_500, 0)).toBe(0);
      expect(await current().outbox.deleteFinishedBefore(epochMs + 4_500, 2)).toBe(2);
      expect(keys(await current().outbox.list({ limit: 100 }))).toEqual(['k8', 'k7', 'k6', 'k5', 'k4', 'k3', 'k2']);
      expect(await current().outbox.deleteFinishedBefore(epochMs + 4_500, 100)).toBe(2);
      expect(keys(await current().outbox.list({ limit: 100 }))).toEqual(['k8', 'k7', 'k6', 'k5', 'k3']);
      expect(await current().outbox.deleteFinishedBefore(epochMs + 1_000_000, 100)).toBe(3);
      expect(keys(await current().outbox.list({ limit: 100 }))).toEqual(['k5', 'k3']);
    });
  });
}
