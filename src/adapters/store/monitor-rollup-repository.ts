/**
 * Uptime roll-ups: one row per (monitor, size, end) bucket, rewritten whole whenever the bucket
 * changes, plus the one-row progress marker the restart rebuild starts from. Counts are columns;
 * the latency sketch and exact threshold counts are JSON text, read and merged only in core.
 */
import type { Selectable } from 'kysely';
import type { LatencySketch } from '../../core/monitors/uptime.js';
import { chunk, lastPerKey, rowsPerStatement, writeInChunks } from './batched-writes.js';
import type { MonitorRollupsTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import type { MonitorRollup, MonitorRollupRepository, RollupSize } from './store.js';

const parametersPerRow = 9;
const progressId = 1;

function toRow(size: RollupSize, rollup: MonitorRollup) {
  const { bucket } = rollup;
  return {
    monitor: rollup.monitor,
    size,
    end_ms: bucket.endMs,
    up: bucket.counts.up,
    down: bucket.counts.down,
    degraded: bucket.counts.degraded,
    maintenance: bucket.counts.maintenance,
    latency_json: JSON.stringify(bucket.latency),
    latency_under_json: JSON.stringify(bucket.latencyUnder),
  };
}

function fromRow(row: Selectable<MonitorRollupsTable>): MonitorRollup {
  return {
    monitor: row.monitor,
    bucket: {
      // int8 arrives as a string from node-postgres.
      endMs: Number(row.end_ms),
      counts: { up: row.up, down: row.down, degraded: row.degraded, maintenance: row.maintenance },
      latency: JSON.parse(row.latency_json) as LatencySketch,
      latencyUnder: JSON.parse(row.latency_under_json) as Record<string, number>,
    },
  };
}

/**
 * Byte order of the UTF-8 encodings, which is how both databases order monitor names (SQLite's
 * BINARY collation, PostgreSQL's "C"); JavaScript's `<` compares UTF-16 units and differs from
 * it for characters beyond the Basic Multilingual Plane.
 */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function createMonitorRollupRepository(executor: StoreExecutor): MonitorRollupRepository {
  function selectRange(size: RollupSize, fromMs: number, toMs: number) {
    return executor
      .selectFrom('monitor_rollups')
      .selectAll()
      .where('size', '=', size)
      .where('end_ms', '>', fromMs)
      .where('end_ms', '<=', toMs)
      .orderBy('monitor')
      .orderBy('end_ms');
  }

  return {
    async upsert(size, rollups) {
      const rows = lastPerKey(rollups, (rollup) => `${rollup.bucket.endMs} ${rollup.monitor}`).map((rollup) =>
        toRow(size, rollup),
      );
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunkRows) => {
        await writer
          .insertInto('monitor_rollups')
          .values(chunkRows)
          .onConflict((onConflict) =>
            onConflict.columns(['monitor', 'size', 'end_ms']).doUpdateSet((eb) => ({
              up: eb.ref('excluded.up'),
              down: eb.ref('excluded.down'),
              degraded: eb.ref('excluded.degraded'),
              maintenance: eb.ref('excluded.maintenance'),
              latency_json: eb.ref('excluded.latency_json'),
              latency_under_json: eb.ref('excluded.latency_under_json'),
            })),
          )
          .execute();
      });
    },

    async list(size, monitors, fromMs, toMs) {
      if (monitors === undefined) return (await selectRange(size, fromMs, toMs).execute()).map(fromRow);
      // Names are sorted the database's way and queried in consecutive slices (10,000 monitors
      // would be 10,000 parameters), so the pages concatenate in (monitor, end) order.
      const names = [...new Set(monitors)].sort(compareUtf8);
      const rollups: MonitorRollup[] = [];
      for (const slice of chunk(names, rowsPerStatement(1))) {
        const rows = await selectRange(size, fromMs, toMs).where('monitor', 'in', slice).execute();
        rollups.push(...rows.map(fromRow));
      }
      return rollups;
    },

    async deleteOlderThan(size, beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      // No portable DELETE ... LIMIT, and the key is composite: delete by key tuple from a
      // bounded subquery (row values work in SQLite ≥ 3.15 and PostgreSQL).
      const oldest = executor
        .selectFrom('monitor_rollups')
        .select(['monitor', 'size', 'end_ms'])
        .where('size', '=', size)
        .where('end_ms', '<', beforeMs)
        .orderBy('end_ms')
        .limit(limit)
        .$asTuple('monitor', 'size', 'end_ms');
      const result = await executor
        .deleteFrom('monitor_rollups')
        .where((eb) => eb(eb.refTuple('monitor', 'size', 'end_ms'), 'in', oldest))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async progress() {
      const row = await executor
        .selectFrom('monitor_rollup_progress')
        .select('minute_end_ms')
        .where('id', '=', progressId)
        .executeTakeFirst();
      return row === undefined ? null : Number(row.minute_end_ms);
    },

    async setProgress(minuteEndMs) {
      await executor
        .insertInto('monitor_rollup_progress')
        .values({ id: progressId, minute_end_ms: minuteEndMs })
        .onConflict((onConflict) =>
          onConflict.column('id').doUpdateSet((eb) => ({ minute_end_ms: eb.ref('excluded.minute_end_ms') })),
        )
        .execute();
    },
  };
}
