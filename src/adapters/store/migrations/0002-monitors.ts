/**
 * Monitors, their runtime state, check results and uptime roll-ups.
 *
 * Dialect differences, and why (on top of those in 0001-initial):
 * - Millisecond timestamps are `bigint` (int8) in PostgreSQL, since they pass 2^31; SQLite's
 *   `integer` already holds 8 bytes. node-postgres hands int8 back as a string, so readers
 *   convert with Number().
 * - Latency is `double precision` in PostgreSQL (its `real` is 4 bytes and would round) and
 *   `real` in SQLite (8 bytes there), so a latency like 12.3456 comes back exactly.
 * - Booleans are integers 0/1 in both, so one set of queries serves both dialects.
 *
 * Only `monitor_tags` has a foreign key to `monitors`. Results, roll-ups and state are written
 * in batches that mix monitors; a batch racing a monitor's deletion must not fail (and lose the
 * other monitors' rows) on a foreign key, so `MonitorRepository.delete` removes them explicitly.
 * `monitors.service` has no foreign key either: the service check (`countByService`) belongs to
 * the caller, and config reconcile may write monitors and services in either order.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

async function createMonitors(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('name', keyText(dialect), (column) => column.primaryKey())
    .addColumn('service', keyText(dialect), (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('description', 'text')
    .addColumn('tags_json', 'text', (column) => column.notNull())
    .addColumn('spec_json', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('paused', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('monitors_service_idx').on('monitors').column('service').execute();

  await db.schema
    .createTable('monitor_tags')
    .addColumn('monitor_name', keyText(dialect), (column) =>
      column.notNull().references('monitors.name').onDelete('cascade'),
    )
    .addColumn('tag', keyText(dialect), (column) => column.notNull())
    .addPrimaryKeyConstraint('monitor_tags_pk', ['monitor_name', 'tag'])
    .execute();
  await db.schema.createIndex('monitor_tags_tag_idx').on('monitor_tags').column('tag').execute();
}

async function createMonitorStates(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('monitor_states')
    .addColumn('monitor', keyText(dialect), (column) => column.primaryKey())
    .addColumn('status_json', 'text', (column) => column.notNull())
    .addColumn('breaker_json', 'text')
    .addColumn('last_result_at_ms', millis(dialect))
    .addColumn('last_heartbeat_at_ms', millis(dialect))
    .execute();
}

async function createMonitorResults(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('monitor_results')
    .$call((table) =>
      dialect === 'postgres'
        ? table.addColumn('id', 'bigint', (column) => column.generatedByDefaultAsIdentity().primaryKey())
        : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement()),
    )
    .addColumn('monitor', keyText(dialect), (column) => column.notNull())
    .addColumn('at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('latency_ms', dialect === 'postgres' ? sql`double precision` : sql`real`)
    .addColumn('message', 'text', (column) => column.notNull())
    .addColumn('timings_json', 'text')
    .addColumn('details_json', 'text')
    .addColumn('maintenance', 'integer', (column) => column.notNull())
    .execute();
  // `id` in both indexes gives `list` and `between` their full sort order (and the keyset
  // cursor its seek) from the index alone in PostgreSQL; SQLite appends the rowid anyway.
  await db.schema
    .createIndex('monitor_results_monitor_at_idx')
    .on('monitor_results')
    .columns(['monitor', 'at_ms', 'id'])
    .execute();
  await db.schema.createIndex('monitor_results_at_idx').on('monitor_results').columns(['at_ms', 'id']).execute();
}

async function createMonitorRollups(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('monitor_rollups')
    .addColumn('monitor', keyText(dialect), (column) => column.notNull())
    .addColumn('size', 'text', (column) => column.notNull())
    .addColumn('end_ms', millis(dialect), (column) => column.notNull())
    .addColumn('up', 'integer', (column) => column.notNull())
    .addColumn('down', 'integer', (column) => column.notNull())
    .addColumn('degraded', 'integer', (column) => column.notNull())
    .addColumn('maintenance', 'integer', (column) => column.notNull())
    .addColumn('latency_json', 'text', (column) => column.notNull())
    .addColumn('latency_under_json', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('monitor_rollups_pk', ['monitor', 'size', 'end_ms'])
    .execute();
  await db.schema.createIndex('monitor_rollups_size_end_idx').on('monitor_rollups').columns(['size', 'end_ms']).execute();

  // One row at most (id is always 1): where roll-up writing got to, for the restart rebuild.
  await db.schema
    .createTable('monitor_rollup_progress')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('minute_end_ms', millis(dialect), (column) => column.notNull())
    .execute();
}

export const monitorsMigration: StoreMigration = {
  async up(db, dialect) {
    await createMonitors(db, dialect);
    await createMonitorStates(db, dialect);
    await createMonitorResults(db, dialect);
    await createMonitorRollups(db, dialect);
  },
  async down(db) {
    await db.schema.dropTable('monitor_rollup_progress').execute();
    await db.schema.dropTable('monitor_rollups').execute();
    await db.schema.dropTable('monitor_results').execute();
    await db.schema.dropTable('monitor_states').execute();
    await db.schema.dropTable('monitor_tags').execute();
    await db.schema.dropTable('monitors').execute();
  },
};
