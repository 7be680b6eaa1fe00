/**
 * Kept SLO evaluations, one row per (slo, atMs): charts read them back oldest first, and a
 * second point at the same instant (a re-evaluation) replaces the first rather than doubling
 * it. Retention deletes oldest first in bounded batches.
 */
import type { Selectable } from 'kysely';
import { lastPerKey, writeInChunks } from './batched-writes.js';
import type { SloHistoryTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import type { SloHistoryPoint, SloHistoryRepository } from './store.js';

const parametersPerRow = 3;

function fromRow(row: Selectable<SloHistoryTable>): SloHistoryPoint {
  return {
    slo: row.slo,
    // int8 arrives as a string from node-postgres.
    atMs: Number(row.at_ms),
    data: JSON.parse(row.data_json) as Record<string, unknown>,
  };
}

export function createSloHistoryRepository(executor: StoreExecutor): SloHistoryRepository {
  return {
    async append(points) {
      const rows = lastPerKey(points, (point) => `${point.atMs} ${point.slo}`).map((point) => ({
        slo: point.slo,
        at_ms: point.atMs,
        data_json: JSON.stringify(point.data),
      }));
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunk) => {
        await writer
          .insertInto('slo_history')
          .values(chunk)
          .onConflict((onConflict) =>
            onConflict.columns(['slo', 'at_ms']).doUpdateSet((eb) => ({ data_json: eb.ref('excluded.data_json') })),
          )
          .execute();
      });
    },

    async list(slo, fromMs, toMs, limit) {
      const rows = await executor
        .selectFrom('slo_history')
        .selectAll()
        .where('slo', '=', slo)
        .where('at_ms', '>', fromMs)
        .where('at_ms', '<=', toMs)
        .orderBy('at_ms')
        .limit(checkLimit(limit))
        .execute();
      return rows.map(fromRow);
    },

    async latestAtOrBefore(slo, atMs) {
      const row = await executor
        .selectFrom('slo_history')
        .selectAll()
        .where('slo', '=', slo)
        .where('at_ms', '<=', atMs)
        .orderBy('at_ms', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async deleteOlderThan(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      // Composite key: delete by key tuple from a bounded subquery (see monitor roll-ups).
      const oldest = executor
        .selectFrom('slo_history')
        .select(['slo', 'at_ms'])
        .where('at_ms', '<', beforeMs)
        .orderBy('at_ms')
        .limit(limit)
        .$asTuple('slo', 'at_ms');
      const result = await executor
        .deleteFrom('slo_history')
        .where((eb) => eb(eb.refTuple('slo', 'at_ms'), 'in', oldest))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
