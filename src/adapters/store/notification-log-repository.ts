/**
 * The notification log (Alertmanager's nflog): per (integration, group key) what was last sent,
 * so the dedup decision after a restart knows what receivers were already told. One row per
 * key, replaced by every flush that sent something.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { NotificationLogEntry, NotificationLogRepository } from './alerting-repositories.js';
import type { NotificationLogTable } from './database-schema.js';
import { lastPerKey, writeInChunks } from './batched-writes.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import { parseStringArray } from './json-text.js';

const parametersPerRow = 7;

function toRow(entry: NotificationLogEntry): Insertable<NotificationLogTable> {
  return {
    receiver: entry.integration.receiver,
    integration_key: entry.integration.key,
    integration_index: entry.integration.index,
    group_key: entry.groupKey,
    firing_json: JSON.stringify(entry.firingFingerprints),
    resolved_json: JSON.stringify(entry.resolvedFingerprints),
    sent_at_ms: entry.sentAtMs,
  };
}

function fromRow(row: Selectable<NotificationLogTable>): NotificationLogEntry {
  return {
    integration: { receiver: row.receiver, key: row.integration_key, index: Number(row.integration_index) },
    groupKey: row.group_key,
    firingFingerprints: parseStringArray(row.firing_json),
    resolvedFingerprints: parseStringArray(row.resolved_json),
    // int8 arrives as a string from node-postgres.
    sentAtMs: Number(row.sent_at_ms),
  };
}

export function createNotificationLogRepository(executor: StoreExecutor): NotificationLogRepository {
  return {
    async get(integration, groupKey) {
      const row = await executor
        .selectFrom('notification_log')
        .selectAll()
        .where('receiver', '=', integration.receiver)
        .where('integration_key', '=', integration.key)
        .where('integration_index', '=', integration.index)
        .where('group_key', '=', groupKey)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async all() {
      const rows = await executor
        .selectFrom('notification_log')
        .selectAll()
        .orderBy('receiver')
        .orderBy('integration_key')
        .orderBy('integration_index')
        .orderBy('group_key')
        .execute();
      return rows.map(fromRow);
    },

    async upsert(entry) {
      const row = toRow(entry);
      await executor
        .insertInto('notification_log')
        .values(row)
        .onConflict((onConflict) =>
          onConflict
            .columns(['receiver', 'integration_key', 'integration_index', 'group_key'])
            .doUpdateSet({ firing_json: row.firing_json, resolved_json: row.resolved_json, sent_at_ms: row.sent_at_ms }),
        )
        .execute();
    },

    async upsertMany(entries) {
      // One statement may not update a row twice (PostgreSQL refuses): keep each key's last entry.
      const rows = lastPerKey(entries, (entry) => JSON.stringify([entry.integration.receiver, entry.integration.key, entry.integration.index, entry.groupKey])).map(toRow);
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunk) => {
        await writer
          .insertInto('notification_log')
          .values(chunk)
          .onConflict((onConflict) =>
            onConflict.columns(['receiver', 'integration_key', 'integration_index', 'group_key']).doUpdateSet((eb) => ({
              firing_json: eb.ref('excluded.firing_json'),
              resolved_json: eb.ref('excluded.resolved_json'),
              sent_at_ms: eb.ref('excluded.sent_at_ms'),
            })),
          )
          .execute();
      });
    },

    async deleteOlderThan(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      // The key has four columns; a row-value IN (supported by SQLite >= 3.15 and PostgreSQL)
      // bounds the batch without a surrogate id.
      const oldest = executor
        .selectFrom('notification_log')
        .select(['receiver', 'integration_key', 'integration_index', 'group_key'])
        .where('sent_at_ms', '<', beforeMs)
        .orderBy('sent_at_ms')
        .limit(limit);
      const result = await executor
        .deleteFrom('notification_log')
        .where(sql<boolean>`(receiver, integration_key, integration_index, group_key) in (${oldest})`)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
