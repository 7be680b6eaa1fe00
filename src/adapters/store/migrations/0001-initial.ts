/**
 * The first schema: service catalog, API tokens and the audit log.
 *
 * Dialect differences, and why:
 * - Key and tag columns use the "C" collation in PostgreSQL so `order by name` and keyset
 *   pagination (`name > $after`) follow byte order, exactly like SQLite's default BINARY
 *   collation, whatever locale the database was created with.
 * - The audit id is `integer primary key autoincrement` in SQLite (AUTOINCREMENT so ids of
 *   deleted rows are never reused) and a bigint identity in PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

async function createServices(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('services')
    .addColumn('name', keyText(dialect), (column) => column.primaryKey())
    .addColumn('display_name', 'text', (column) => column.notNull())
    .addColumn('team', 'text')
    .addColumn('criticality', 'text', (column) => column.notNull())
    .addColumn('tags_json', 'text', (column) => column.notNull())
    .addColumn('dependencies_json', 'text', (column) => column.notNull())
    .addColumn('links_json', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('service_tags')
    .addColumn('service_name', keyText(dialect), (column) =>
      column.notNull().references('services.name').onDelete('cascade'),
    )
    .addColumn('tag', keyText(dialect), (column) => column.notNull())
    .addPrimaryKeyConstraint('service_tags_pk', ['service_name', 'tag'])
    .execute();
  await db.schema.createIndex('service_tags_tag_idx').on('service_tags').column('tag').execute();
}

async function createApiTokens(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('name', keyText(dialect), (column) => column.primaryKey())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
}

async function createAuditLog(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .$call((table) =>
      dialect === 'postgres'
        ? table.addColumn('id', 'bigint', (column) => column.generatedByDefaultAsIdentity().primaryKey())
        : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement()),
    )
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('object_type', 'text', (column) => column.notNull())
    .addColumn('object_id', 'text', (column) => column.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_object_idx')
    .on('audit_log')
    .columns(['object_type', 'object_id'])
    .execute();
}

export const initialMigration: StoreMigration = {
  async up(db, dialect) {
    await createServices(db, dialect);
    await createApiTokens(db, dialect);
    await createAuditLog(db, dialect);
  },
  async down(db) {
    await db.schema.dropTable('audit_log').execute();
    await db.schema.dropTable('api_tokens').execute();
    await db.schema.dropTable('service_tags').execute();
    await db.schema.dropTable('services').execute();
  },
};
