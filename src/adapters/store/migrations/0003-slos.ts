/**
 * SLOs, their good/total counts, alert state, evaluation history, and the idempotency keys of
 * ingest requests.
 *
 * Dialect differences are those of 0002-monitors (collation "C" on keys, bigint milliseconds in
 * PostgreSQL, 8-byte floats in both: `double precision` / `real`), plus a fillfactor on the
 * PostgreSQL count tables (see createSloCounts). The count tables stay rowid tables in SQLite
 * although every access goes by their (slo, end_ms) key: measured on 10,000-row batches,
 * WITHOUT ROWID saved 17% of file size but made adding to existing buckets ~40% slower and new
 * buckets ~15% slower, and `add` is the hot path of event ingestion.
 *
 * Counts live in two tables, `slo_counts_1m` and `slo_counts_1h`, rather than one with a size
 * column: the key of the busiest table stays two columns (no size text repeated in every index
 * entry), and the minute table's retention never walks the hour table's rows or index.
 *
 * No table has a foreign key to `slos`, as with monitors (see 0002-monitors.ts): an ingest batch
 * that races an SLO's deletion must not fail, and lose every other SLO's counts, on a foreign
 * key; `SloRepository.delete` removes an SLO's rows explicitly. `slos.service` has no foreign key
 * either: the service check belongs to the caller.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

/** PostgreSQL's `real` is 4 bytes and would round counts; SQLite's `real` is 8 bytes. */
function float(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`double precision` : sql`real`;
}

async function createSlos(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('slos')
    .addColumn('name', keyText(dialect), (column) => column.primaryKey())
    .addColumn('service', keyText(dialect), (column) => column.notNull())
    .addColumn('document_json', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('slos_service_idx').on('slos').column('service').execute();
}

async function createSloCounts(db: Kysely<unknown>, dialect: SqlDialectName, table: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('slo', keyText(dialect), (column) => column.notNull())
    .addColumn('end_ms', millis(dialect), (column) => column.notNull())
    .addColumn('good', float(dialect), (column) => column.notNull())
    .addColumn('total', float(dialect), (column) => column.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, ['slo', 'end_ms'])
    // Every ingest batch adds to the current minute's and hour's rows again. Free room on the
    // page lets PostgreSQL update them in place (HOT, no new index entries): measured, adding
    // 10,000 counts to existing buckets took ~120 ms instead of ~180-220 ms.
    .$call((builder) => (dialect === 'postgres' ? builder.modifyEnd(sql`with (fillfactor = 70)`) : builder))
    .execute();
  // For retention (oldest first) and for reading every SLO's buckets of a time range.
  await db.schema.createIndex(`${table}_end_idx`).on(table).column('end_ms').execute();
}

async function createIngestKeys(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('ingest_keys')
    .addColumn('key', keyText(dialect), (column) => column.primaryKey())
    .addColumn('request_hash', 'text', (column) => column.notNull())
    .addColumn('response_json', 'text')
    .addColumn('created_at_ms', millis(dialect), (column) => column.notNull())
    .execute();
  await db.schema.createIndex('ingest_keys_created_idx').on('ingest_keys').column('created_at_ms').execute();
}

async function createSloStates(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('slo_states')
    .addColumn('slo', keyText(dialect), (column) => column.primaryKey())
    .addColumn('state_json', 'text', (column) => column.notNull())
    .execute();
}

async function createSloHistory(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('slo_history')
    .addColumn('slo', keyText(dialect), (column) => column.notNull())
    .addColumn('at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('data_json', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('slo_history_pk', ['slo', 'at_ms'])
    .execute();
  await db.schema.createIndex('slo_history_at_idx').on('slo_history').column('at_ms').execute();
}

export const slosMigration: StoreMigration = {
  async up(db, dialect) {
    await createSlos(db, dialect);
    await createSloCounts(db, dialect, 'slo_counts_1m');
    await createSloCounts(db, dialect, 'slo_counts_1h');
    await createIngestKeys(db, dialect);
    await createSloStates(db, dialect);
    await createSloHistory(db, dialect);
  },
  async down(db) {
    await db.schema.dropTable('slo_history').execute();
    await db.schema.dropTable('slo_states').execute();
    await db.schema.dropTable('ingest_keys').execute();
    await db.schema.dropTable('slo_counts_1h').execute();
    await db.schema.dropTable('slo_counts_1m').execute();
    await db.schema.dropTable('slos').execute();
  },
};
