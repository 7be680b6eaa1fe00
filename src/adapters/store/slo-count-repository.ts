/**
 * SLI counts: the hot path of event ingestion (the target is 200,000 events/s), so `add` sums a
 * batch in memory and writes each touched bucket once, as chunked multi-row upserts that add to
 * the stored row (`good = good + excluded.good`) in one transaction.
 *
 * Rows are written in one global order, minutes before hours and (slo, end) within each. Two
 * concurrent batches on PostgreSQL then take their row locks in the same order and can wait for
 * each other but never deadlock; SQLite serialises writers anyway and gains key-ordered inserts.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CompiledQuery, DialectAdapter } from 'kysely';
import { ValidationError, type FieldProblem } from '../../core/errors.js';
import { rowsPerStatement, writeInChunks } from './batched-writes.js';
import { atomically, checkLimit, type StoreExecutor } from './executor.js';
import type { SloCount, SloCountRepository } from './store.js';

const hourMs = 3_600_000;
const parametersPerRow = 4;

type CountTable = 'slo_counts_1m' | 'slo_counts_1h';

const tables: Readonly<Record<'1m' | '1h', CountTable>> = { '1m': 'slo_counts_1m', '1h': 'slo_counts_1h' };

/**
 * A NaN or Infinity added into a bucket would spoil every later sum of it, and the dialects
 * disagree on bad numbers anyway (SQLite turns NaN into NULL and fails, keeps a fractional end
 * as a float; PostgreSQL stores NaN and rejects the end). Rejecting them first keeps stored
 * buckets intact and the batch all-or-nothing.
 */
function checkCounts(counts: readonly SloCount[]): void {
  const problems: FieldProblem[] = [];
  counts.forEach((count, index) => {
    if (!Number.isSafeInteger(count.endMs)) {
      problems.push({ field: `counts[${index}].endMs`, message: `must be an integer number of ms, got ${count.endMs}` });
    }
    if (!Number.isFinite(count.good)) problems.push({ field: `counts[${index}].good`, message: `must be a finite number, got ${count.good}` });
    if (!Number.isFinite(count.total)) problems.push({ field: `counts[${index}].total`, message: `must be a finite number, got ${count.total}` });
  });
  if (problems.length > 0) throw new ValidationError(problems.slice(0, 10));
}

/** Sums counts per (slo, endMs) bucket, ending each count's bucket where `endOf` says. */
function sumPerBucket(counts: readonly SloCount[], endOf: (endMs: number) => number): SloCount[] {
  const sums = new Map<string, SloCount>();
  for (const count of counts) {
    const endMs = endOf(count.endMs);
    const key = `${endMs} ${count.slo}`;
    const sum = sums.get(key);
    if (sum === undefined) sums.set(key, { slo: count.slo, endMs, good: count.good, total: count.total });
    else {
      sum.good += count.good;
      sum.total += count.total;
    }
  }
  return [...sums.values()].sort(compareBuckets);
}

/** (slo, end) order, the key order of both tables: ~25% faster on SQLite than (end, slo). */
function compareBuckets(a: SloCount, b: SloCount): number {
  if (a.slo < b.slo) return -1;
  if (a.slo > b.slo) return 1;
  return a.endMs - b.endMs;
}

const minuteEnd = (endMs: number) => endMs;
/** The hour bucket holding the minute ending at `endMs`: a bucket covers (end - 1 h, end]. */
const hourEnd = (endMs: number) => Math.ceil(endMs / hourMs) * hourMs;

function upsert(executor: StoreExecutor, table: CountTable, sums: readonly SloCount[]) {
  return executor
    .insertInto(table)
    .values(sums.map((sum) => ({ slo: sum.slo, end_ms: sum.endMs, good: sum.good, total: sum.total })))
    .onConflict((onConflict) =>
      onConflict.columns(['slo', 'end_ms']).doUpdateSet((eb) => ({
        good: eb(eb.ref(`${table}.good`), '+', eb.ref('excluded.good')),
        total: eb(eb.ref(`${table}.total`), '+', eb.ref('excluded.total')),
      })),
    );
}

/** The bound values of `upsert(sums)`, in the order its SQL names them. */
function parametersOf(sums: readonly SloCount[]): unknown[] {
  const parameters: unknown[] = [];
  for (const sum of sums) parameters.push(sum.slo, sum.endMs, sum.good, sum.total);
  return parameters;
}

/**
 * Building and compiling a 1,000-row upsert through Kysely takes about as long as SQLite takes
 * to run it (~2 ms each). Its SQL depends only on the dialect, the table and the row count, so
 * the full-size statement is compiled once per store and table and then run with each chunk's
 * values (measured: 10,000 counts in ~30-40 ms instead of ~45-50 ms). A shorter last chunk (any
 * size) is compiled as usual, which keeps the cache at two entries per store.
 */
const fullChunkRows = rowsPerStatement(parametersPerRow);
const fullChunkUpserts = new WeakMap<DialectAdapter, Map<CountTable, CompiledQuery>>();

function fullChunkUpsertsOf(adapter: DialectAdapter): Map<CountTable, CompiledQuery> {
  let byTable = fullChunkUpserts.get(adapter);
  if (byTable === undefined) {
    byTable = new Map<CountTable, CompiledQuery>();
    fullChunkUpserts.set(adapter, byTable);
  }
  return byTable;
}

async function addChunk(executor: StoreExecutor, table: CountTable, sums: readonly SloCount[]): Promise<void> {
  if (sums.length !== fullChunkRows) {
    await upsert(executor, table, sums).execute();
    return;
  }
  // Keyed by the dialect adapter: one per store, shared by the store and its transactions.
  const byTable = fullChunkUpsertsOf(executor.getExecutor().adapter);
  const parameters = parametersOf(sums);
  const cached = byTable.get(table);
  if (cached !== undefined) {
    await executor.executeQuery({ ...cached, parameters });
    return;
  }
  const compiled = upsert(executor, table, sums).compile();
  // Reused only if its parameters are exactly the values in parametersOf order, as assumed above.
  if (isDeepStrictEqual(compiled.parameters, parameters)) byTable.set(table, { ...compiled, parameters: [] });
  await executor.executeQuery(compiled);
}

async function addTo(executor: StoreExecutor, table: CountTable, sums: readonly SloCount[]): Promise<void> {
  await writeInChunks(executor, sums, parametersPerRow, (writer, chunk) => addChunk(writer, table, chunk));
}

export function createSloCountRepository(executor: StoreExecutor): SloCountRepository {
  async function select(table: CountTable, slo: string | undefined, fromMs: number, toMs: number): Promise<SloCount[]> {
    let query = executor
      .selectFrom(table)
      .select(['slo', 'end_ms', 'good', 'total'])
      .where('end_ms', '>', fromMs)
      .where('end_ms', '<=', toMs)
      .orderBy('slo')
      .orderBy('end_ms');
    if (slo !== undefined) query = query.where('slo', '=', slo);
    const rows = await query.execute();
    // int8 arrives as a string from node-postgres; float8 already as a number.
    return rows.map((row) => ({ slo: row.slo, endMs: Number(row.end_ms), good: row.good, total: row.total }));
  }

  return {
    async add(counts) {
      if (counts.length === 0) return;
      checkCounts(counts);
      const minutes = sumPerBucket(counts, minuteEnd);
      const hours = sumPerBucket(minutes, hourEnd);
      await atomically(executor, async (writer) => {
        await addTo(writer, 'slo_counts_1m', minutes);
        await addTo(writer, 'slo_counts_1h', hours);
      });
    },

    minutes(slo, fromMs, toMs) {
      return select('slo_counts_1m', slo, fromMs, toMs);
    },

    hours(slo, fromMs, toMs) {
      return select('slo_counts_1h', slo, fromMs, toMs);
    },

    async minutesSince(fromMs, toMs) {
      let query = executor.selectFrom('slo_counts_1m').select(['slo', 'end_ms', 'good', 'total']).where('end_ms', '>', fromMs);
      if (toMs !== undefined) query = query.where('end_ms', '<=', toMs);
      const rows = await query.orderBy('end_ms').orderBy('slo').execute();
      return rows.map((row) => ({ slo: row.slo, endMs: Number(row.end_ms), good: row.good, total: row.total }));
    },

    async deleteOlderThan(size, beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      const table = tables[size];
      // No portable DELETE ... LIMIT and a composite key: delete by key tuple from a bounded
      // subquery, as monitor-rollup-repository.ts does.
      const oldest = executor
        .selectFrom(table)
        .select(['slo', 'end_ms'])
        .where('end_ms', '<', beforeMs)
        .orderBy('end_ms')
        .limit(limit)
        .$asTuple('slo', 'end_ms');
      const result = await executor
        .deleteFrom(table)
        .where((eb) => eb(eb.refTuple('slo', 'end_ms'), 'in', oldest))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
