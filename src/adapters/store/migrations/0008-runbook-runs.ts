/**
 * Runbook runs (src/engine/runbooks): one row per run, so a restart resumes runs waiting for a
 * person and fails runs cut off mid-action. The run itself (plan snapshot and step states) is
 * JSON text chosen by the engine; the columns beside it are what queries filter on.
 *
 * Numbered 0008: 0007 is the incidents migration of the incident service.
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

export const runbookRunsMigration: StoreMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await db.schema
      .createTable('runbook_runs')
      .addColumn('id', keyText(dialect), (column) => column.primaryKey())
      .addColumn('incident_id', keyText(dialect), (column) => column.notNull())
      .addColumn('runbook', keyText(dialect), (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('run_json', 'text', (column) => column.notNull())
      .addColumn('started_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('finished_at_ms', millis(dialect))
      .execute();
    await db.schema.createIndex('runbook_runs_incident').on('runbook_runs').columns(['incident_id', 'started_at_ms']).execute();
    await db.schema.createIndex('runbook_runs_unfinished').on('runbook_runs').column('finished_at_ms').execute();
  },
  async down(db) {
    await db.schema.dropTable('runbook_runs').execute();
  },
};
