/**
 * Check results: the busiest table (10,000 monitors at a 10 s interval write ~1,000 rows a
 * second), so appends are chunked multi-row inserts and retention deletes in bounded batches
 * that never hold the write lock for long.
 *
 * Order is (at_ms, id) everywhere: results may be appended out of time order, so ids alone do
 * not follow time. Paging newest first therefore seeks past the cursor row's (at_ms, id), and
 * retention deletes oldest first in the same order, so a cursor row can only be gone when
 * everything after it in the list is gone too.
 */
import type { Selectable } from 'kysely';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import type { ProbeTimings } from '../../core/monitors/probe.js';
import { writeInChunks } from './batched-writes.js';
import type { MonitorResultsTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import { toJsonText } from './json-text.js';
import type { MonitorResultQuery, MonitorResultRepository, StoredMonitorResult } from './store.js';

const parametersPerRow = 8;

function toRow(result: MonitorResult) {
  return {
    monitor: result.monitor,
    at_ms: result.atMs,
    status: result.status,
    latency_ms: result.latencyMs,
    message: result.message,
    timings_json: toJsonText(result.timings),
    details_json: toJsonText(result.details),
    maintenance: result.maintenance ? 1 : 0,
  };
}

function fromRow(row: Selectable<MonitorResultsTable>): StoredMonitorResult {
  return {
    // int8 arrives as a string from node-postgres; ids and times stay far below 2^53.
    id: Number(row.id),
    monitor: row.monitor,
    atMs: Number(row.at_ms),
    status: row.status,
    latencyMs: row.latency_ms,
    message: row.message,
    timings: row.timings_json === null ? null : (JSON.parse(row.timings_json) as ProbeTimings),
    details: row.details_json === null ? null : (JSON.parse(row.details_json) as Record<string, unknown>),
    maintenance: row.maintenance === 1,
  };
}

function withoutId(result: StoredMonitorResult): MonitorResult {
  const { id: _id, ...rest } = result;
  return rest;
}

export function createMonitorResultRepository(executor: StoreExecutor): MonitorResultRepository {
  return {
    async append(results) {
      await writeInChunks(executor, results, parametersPerRow, async (writer, chunk) => {
        await writer.insertInto('monitor_results').values(chunk.map(toRow)).execute();
      });
    },

    async list(query: MonitorResultQuery) {
      let select = executor
        .selectFrom('monitor_results')
        .selectAll()
        .where('monitor', '=', query.monitor)
        .where('at_ms', '>', query.fromMs)
        .where('at_ms', '<=', query.toMs)
        .orderBy('at_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(checkLimit(query.limit));
      const { beforeId } = query;
      if (beforeId !== undefined) {
        // Seek past the cursor row in (at_ms, id) order. A cursor row that no longer exists
        // matches nothing, so the page is empty (see the header for why that is right).
        const cursor = executor.selectFrom('monitor_results').where('id', '=', beforeId);
        select = select.where((eb) =>
          eb.or([
            eb('at_ms', '<', cursor.select('at_ms')),
            eb.and([eb('at_ms', '=', cursor.select('at_ms')), eb('id', '<', beforeId)]),
          ]),
        );
      }
      return (await select.execute()).map(fromRow);
    },

    async between(fromMs, toMs) {
      const rows = await executor
        .selectFrom('monitor_results')
        .selectAll()
        .where('at_ms', '>', fromMs)
        .where('at_ms', '<=', toMs)
        .orderBy('at_ms')
        .orderBy('id')
        .execute();
      return rows.map((row) => withoutId(fromRow(row)));
    },

    async deleteOlderThan(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      // Neither dialect has a portable DELETE ... LIMIT; the id subquery is the bounded batch.
      const oldest = executor
        .selectFrom('monitor_results')
        .select('id')
        .where('at_ms', '<', beforeMs)
        .orderBy('at_ms')
        .orderBy('id')
        .limit(limit);
      const result = await executor.deleteFrom('monitor_results').where('id', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
