/**
 * Restart checkpoints of the SLO engine (one row of bytes per SLO, see 0005-slo-checkpoints.ts).
 * Written as chunked multi-row upserts: 10,000 SLOs of ~13 kB each are ~130 MB per pass, so a
 * chunk holds at most 200 rows (a few MB per statement) rather than the usual 1,000.
 */
import { checkLimit, type StoreExecutor } from './executor.js';
import { chunk } from './batched-writes.js';
import type { SloCheckpointRepository } from './store.js';

const rowsPerStatement = 200;

/** better-sqlite3 binds Buffers, not plain Uint8Arrays; a Buffer view copies nothing. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function createSloCheckpointRepository(executor: StoreExecutor): SloCheckpointRepository {
  return {
    async upsert(checkpoints) {
      const byKey = new Map(checkpoints.map((checkpoint) => [checkpoint.slo, checkpoint]));
      for (const rows of chunk([...byKey.values()], rowsPerStatement)) {
        await executor
          .insertInto('slo_checkpoints')
          .values(rows.map((row) => ({ slo: row.slo, cut_ms: row.cutMs, written_at_ms: row.writtenAtMs, data: asBuffer(row.data) })))
          .onConflict((onConflict) =>
            onConflict.column('slo').doUpdateSet((eb) => ({ cut_ms: eb.ref('excluded.cut_ms'), written_at_ms: eb.ref('excluded.written_at_ms'), data: eb.ref('excluded.data') })),
          )
          .execute();
      }
    },

    async list(afterSlo, limit) {
      let query = executor.selectFrom('slo_checkpoints').selectAll().orderBy('slo').limit(checkLimit(limit));
      if (afterSlo !== undefined) query = query.where('slo', '>', afterSlo);
      const rows = await query.execute();
      return rows.map((row) => ({ slo: row.slo, cutMs: Number(row.cut_ms), writtenAtMs: Number(row.written_at_ms), data: row.data }));
    },

    async deleteAll() {
      const result = await executor.deleteFrom('slo_checkpoints').executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
