/**
 * On-call overrides created through the API (`POST /api/v1/schedules/:name/overrides`); the
 * ones written in the config file are not stored. One row per override, looked up by schedule.
 *
 * Dialect differences are those of 0002-monitors (collation "C" on keys, bigint milliseconds in
 * PostgreSQL).
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

export const oncallOverridesMigration: StoreMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await db.schema
      .createTable('oncall_overrides')
      .addColumn('id', keyText(dialect), (column) => column.primaryKey())
      .addColumn('schedule', keyText(dialect), (column) => column.notNull())
      .addColumn('person', 'text', (column) => column.notNull())
      .addColumn('start_ms', millis(dialect), (column) => column.notNull())
      .addColumn('end_ms', millis(dialect), (column) => column.notNull())
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('created_at_ms', millis(dialect), (column) => column.notNull())
      .execute();
    await db.schema.createIndex('oncall_overrides_schedule_start').on('oncall_overrides').columns(['schedule', 'start_ms']).execute();
  },
  async down(db) {
    await db.schema.dropTable('oncall_overrides').execute();
  },
};
