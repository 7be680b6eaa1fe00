/**
 * The notification outbox: every notification is stored here (committed) before any attempt to
 * send it, and stays until retention removes it after it was sent or dead-lettered. The
 * delivery loop (src/engine/alerting/outbox-delivery.ts) reads `due` items and records each
 * attempt's outcome.
 *
 * In-order delivery per group: `due` returns only the oldest pending item of each (integration,
 * group key), so a later notification of a group waits while an earlier one is being retried.
 * The "no older pending item of the group" test runs on the partial index of pending rows (see
 * migrations/0004-alerting.ts); `'pending'` is written as a literal so SQLite's planner can
 * prove the query matches that index's WHERE clause. `due` walks pending items in
 * (next_attempt_at_ms, id) order, the order of `outbox_pending_due_idx`, and stops after `limit`
 * heads: ordering by id alone made SQLite test every due item of the table and sort them (14 ms
 * per call with 5,000 pending, against well under 1 ms now).
 */
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Notification } from '../../core/alerting/notification.js';
import type { OutboxItem, OutboxListQuery, OutboxRepository, OutboxStatus } from './alerting-repositories.js';
import { chunk, writeInChunks } from './batched-writes.js';
import type { Database, OutboxTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';

const parametersPerRow = 14;
const pending = sql.lit<OutboxStatus>('pending');

function toRow(notification: Notification, nowMs: number) {
  return {
    idempotency_key: notification.idempotencyKey,
    receiver: notification.integration.receiver,
    integration_key: notification.integration.key,
    integration_index: notification.integration.index,
    group_key: notification.groupKey,
    notification_json: JSON.stringify(notification),
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at_ms: nowMs,
    last_error: null,
    last_reason: null,
    created_at_ms: nowMs,
    queued_at_ms: nowMs,
    finished_at_ms: null,
  };
}

function fromRow(row: Selectable<OutboxTable>): OutboxItem {
  return {
    // int8 arrives as a string from node-postgres; ids and times stay far below 2^53.
    id: Number(row.id),
    notification: JSON.parse(row.notification_json) as Notification,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAtMs: Number(row.next_attempt_at_ms),
    lastError: row.last_error,
    lastReason: row.last_reason,
    createdAtMs: Number(row.created_at_ms),
    queuedAtMs: Number(row.queued_at_ms),
    finishedAtMs: row.finished_at_ms === null ? null : Number(row.finished_at_ms),
  };
}

/** First occurrence of each idempotency key wins, as it would across two enqueue calls. */
function firstPerKey(notifications: readonly Notification[]): Notification[] {
  const seen = new Set<string>();
  return notifications.filter((notification) => {
    if (seen.has(notification.idempotencyKey)) return false;
    seen.add(notification.idempotencyKey);
    return true;
  });
}

type ItemScope = ExpressionBuilder<Database & { item: OutboxTable }, 'item'>;

/** Pending items that head their group: no older pending item shares their integration and group key. */
function headsOfGroups(eb: ItemScope) {
  return eb.and([
    eb('item.status', '=', pending),
    eb.not(
      eb.exists(
        eb
          .selectFrom('outbox as older')
          .select(sql.lit(1).as('one'))
          .where('older.status', '=', pending)
          .whereRef('older.receiver', '=', 'item.receiver')
          .whereRef('older.integration_key', '=', 'item.integration_key')
          .whereRef('older.integration_index', '=', 'item.integration_index')
          .whereRef('older.group_key', '=', 'item.group_key')
          .whereRef('older.id', '<', 'item.id'),
      ),
    ),
  ]);
}

function outsideReceivers(eb: ItemScope, excludeReceivers: readonly string[] | undefined) {
  return excludeReceivers === undefined || excludeReceivers.length === 0 ? eb.lit(true) : eb('item.receiver', 'not in', [...excludeReceivers]);
}

export function createOutboxRepository(executor: StoreExecutor): OutboxRepository {
  const markSentMany = async (ids: readonly number[], atMs: number): Promise<void> => {
    for (const some of chunk(ids, 1000)) {
      await executor
        .updateTable('outbox')
        .set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), finished_at_ms: atMs }))
        .where('id', 'in', some)
        .where('status', '=', 'pending')
        .execute();
    }
  };
  return {
    async enqueue(notifications, nowMs) {
      const fresh = firstPerKey(notifications);
      const inserted: Array<{ id: number | string; idempotency_key: string }> = [];
      await writeInChunks(executor, fresh.map((notification) => toRow(notification, nowMs)), parametersPerRow, async (writer, rows) => {
        const stored = await writer
          .insertInto('outbox')
          .values(rows)
          .onConflict((onConflict) => onConflict.column('idempotency_key').doNothing())
          .returning(['id', 'idempotency_key'])
          .execute();
        inserted.push(...stored);
      });
      if (inserted.length === 0) return { stored: 0, heads: [] };
      const heads = new Set<number>();
      for (const ids of chunk(inserted.map((row) => Number(row.id)), 1000)) {
        const rows = await executor
          .selectFrom('outbox as item')
          .select('item.id')
          .where((eb) => eb.and([eb('item.id', 'in', ids), headsOfGroups(eb)]))
          .execute();
        for (const row of rows) heads.add(Number(row.id));
      }
      const byKey = new Map(fresh.map((notification) => [notification.idempotencyKey, notification]));
      const items: OutboxItem[] = [];
      for (const row of inserted) {
        const id = Number(row.id);
        const notification = byKey.get(row.idempotency_key);
        if (!heads.has(id) || notification === undefined) continue;
        items.push({ id, notification, status: 'pending', attempts: 0, nextAttemptAtMs: nowMs, lastError: null, lastReason: null, createdAtMs: nowMs, queuedAtMs: nowMs, finishedAtMs: null });
      }
      return { stored: inserted.length, heads: items.sort((left, right) => left.id - right.id) };
    },

    async due(nowMs, limit, excludeReceivers) {
      const rows = await executor
        .selectFrom('outbox as item')
        .selectAll('item')
        .where((eb) => eb.and([headsOfGroups(eb), eb('item.next_attempt_at_ms', '<=', nowMs), outsideReceivers(eb, excludeReceivers)]))
        .orderBy('item.next_attempt_at_ms')
        .orderBy('item.id')
        .limit(checkLimit(limit))
        .execute();
      return rows.map(fromRow);
    },

    async nextDueAtMs(excludeReceivers) {
      // The same walk as `due` stopping at the first head, rather than min() over every head.
      const row = await executor
        .selectFrom('outbox as item')
        .select('item.next_attempt_at_ms')
        .where((eb) => eb.and([headsOfGroups(eb), outsideReceivers(eb, excludeReceivers)]))
        .orderBy('item.next_attempt_at_ms')
        .orderBy('item.id')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : Number(row.next_attempt_at_ms);
    },

    async markSent(id, atMs) {
      await markSentMany([id], atMs);
    },

    markSentMany,

    async markRetry(id, update) {
      await executor
        .updateTable('outbox')
        .set({ attempts: update.attempts, next_attempt_at_ms: update.nextAttemptAtMs, last_error: update.lastError, last_reason: update.lastReason })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async markDead(id, update) {
      await executor
        .updateTable('outbox')
        .set({ status: 'dead', attempts: update.attempts, last_error: update.lastError, last_reason: update.lastReason, finished_at_ms: update.atMs })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async retry(id, nowMs) {
      const result = await executor
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at_ms: nowMs, queued_at_ms: nowMs, finished_at_ms: null })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async get(id) {
      const row = await executor.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async list(query: OutboxListQuery) {
      let select = executor.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(checkLimit(query.limit));
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      if (query.receiver !== undefined) select = select.where('receiver', '=', query.receiver);
      if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
      return (await select.execute()).map(fromRow);
    },

    async countByStatus() {
      const rows = await executor
        .selectFrom('outbox')
        .select((eb) => ['status', eb.fn.countAll().as('count')])
        .groupBy('status')
        .execute();
      const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0 };
      // PostgreSQL's count(*) is int8, which node-postgres returns as a string.
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    async deleteFinishedBefore(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      const oldest = executor
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['sent', 'dead'])
        .where('finished_at_ms', '<', beforeMs)
        .orderBy('finished_at_ms')
        .orderBy('id')
        .limit(limit);
      const result = await executor.deleteFrom('outbox').where('id', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
