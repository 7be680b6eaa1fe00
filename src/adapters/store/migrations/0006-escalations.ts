/**
 * Escalation states (src/engine/escalation): one row per subject, keyed by (subject_kind,
 * subject_id), so a restart resumes every running escalation. The state and the caller's
 * context are JSON text chosen by the engine; nothing queries inside them.
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

export const escalationsMigration: StoreMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await db.schema
      .createTable('escalations')
      .addColumn('subject_kind', keyText(dialect), (column) => column.notNull())
      .addColumn('subject_id', keyText(dialect), (column) => column.notNull())
      .addColumn('state_json', 'text', (column) => column.notNull())
      // NULL stands for an undefined context; JSON `null` is the text 'null'.
      .addColumn('context_json', 'text')
      .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
      .addPrimaryKeyConstraint('escalations_pk', ['subject_kind', 'subject_id'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('escalations').execute();
  },
};
