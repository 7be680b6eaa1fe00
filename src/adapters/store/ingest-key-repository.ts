/**
 * Remembered `Idempotency-Key`s of ingest requests: a retried request finds its key and gets the
 * first answer back instead of counting its events twice. Retention deletes oldest first in
 * bounded batches, so a sweep never holds the write lock for long.
 */
import type { Selectable } from 'kysely';
import { ConflictError } from '../../core/errors.js';
import type { IngestKeysTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import { fromJsonText, toJsonText } from './json-text.js';
import { isUniqueViolation } from './sql-errors.js';
import type { IngestKey, IngestKeyRepository } from './store.js';

function fromRow(row: Selectable<IngestKeysTable>): IngestKey {
  return {
    key: row.key,
    requestHash: row.request_hash,
    response: fromJsonText(row.response_json),
    // int8 arrives as a string from node-postgres.
    createdAtMs: Number(row.created_at_ms),
  };
}

function conflict(key: string): ConflictError {
  return new ConflictError(`ingest key '${key}' already exists`, [{ field: 'key', message: 'already exists' }]);
}

export function createIngestKeyRepository(executor: StoreExecutor): IngestKeyRepository {
  return {
    async get(key) {
      const row = await executor.selectFrom('ingest_keys').selectAll().where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(entry) {
      try {
        // ON CONFLICT DO NOTHING keeps a surrounding PostgreSQL transaction (the ingest batch
        // the key belongs to) usable after the conflict (see service-repository.ts).
        const result = await executor
          .insertInto('ingest_keys')
          .values({
            key: entry.key,
            request_hash: entry.requestHash,
            response_json: toJsonText(entry.response),
            created_at_ms: entry.createdAtMs,
          })
          .onConflict((onConflict) => onConflict.column('key').doNothing())
          .executeTakeFirst();
        if (result.numInsertedOrUpdatedRows === 0n) throw conflict(entry.key);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(entry.key);
        throw error;
      }
    },

    async deleteOlderThan(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      const oldest = executor
        .selectFrom('ingest_keys')
        .select('key')
        .where('created_at_ms', '<', beforeMs)
        .orderBy('created_at_ms')
        .limit(limit);
      const result = await executor.deleteFrom('ingest_keys').where('key', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
