/**
 * Postmortems (one editable Markdown document per incident, with a version for optimistic
 * concurrency) and their action items. No foreign key to incidents: the incident tables arrive
 * in another migration and postmortems must not depend on their order; the service checks the
 * incident exists before writing.
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

export const postmortemsMigration: StoreMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await db.schema
      .createTable('postmortems')
      .addColumn('incident_id', keyText(dialect), (column) => column.primaryKey())
      .addColumn('markdown', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('author', 'text', (column) => column.notNull())
      .addColumn('created_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('action_items')
      .addColumn('id', keyText(dialect), (column) => column.primaryKey())
      .addColumn('incident_id', keyText(dialect), (column) => column.notNull())
      .addColumn('title', 'text', (column) => column.notNull())
      .addColumn('owner', keyText(dialect), (column) => column.notNull())
      .addColumn('due_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('priority', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('created_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('completed_at_ms', millis(dialect))
      .addColumn('overdue_alerted_at_ms', millis(dialect))
      .execute();
    // Listing an incident's items, and the overdue checker's scan of open items by due time.
    await db.schema.createIndex('action_items_incident').on('action_items').columns(['incident_id', 'created_at_ms', 'id']).execute();
    await db.schema.createIndex('action_items_due').on('action_items').columns(['status', 'due_at_ms']).execute();
  },
  async down(db) {
    await db.schema.dropTable('action_items').execute();
    await db.schema.dropTable('postmortems').execute();
  },
};
