/**
 * The alerting pipeline's durable state: alerts by fingerprint, silences, the notification log
 * (Alertmanager's nflog: what each integration was last told about each group) and the
 * notification outbox (each notification stored before it is sent).
 *
 * Dialect differences are those of 0002-monitors (collation "C" on keys, bigint milliseconds in
 * PostgreSQL, 0/1 integers for booleans, identity vs AUTOINCREMENT ids).
 *
 * The outbox's indexes serve its three hot queries:
 * - `due`: pending items due now, each the oldest pending item of its (integration, group key).
 *   `outbox_pending_due_idx` finds the due ones; the partial `outbox_pending_group_idx` answers
 *   "is there an older pending item of this group" from pending rows only, so the blocking check
 *   stays cheap however many sent rows the table keeps.
 * - `list` (the dead-letter page, newest first): `outbox_status_id_idx` and `outbox_receiver_id_idx`.
 * - retention (`deleteFinishedBefore`): `outbox_status_finished_idx`.
 * `idempotency_key` is UNIQUE: a second enqueue of the same notification is skipped, not stored twice.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

async function createAlerts(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('fingerprint', keyText(dialect), (column) => column.primaryKey())
    .addColumn('labels_json', 'text', (column) => column.notNull())
    .addColumn('annotations_json', 'text', (column) => column.notNull())
    .addColumn('starts_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('ends_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('ends_at_from_timeout', 'integer', (column) => column.notNull())
    .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('generator_url', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at_ms', millis(dialect))
    .execute();
  await db.schema.createIndex('alerts_ends_at_idx').on('alerts').column('ends_at_ms').execute();
}

async function createSilences(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('silences')
    .addColumn('id', keyText(dialect), (column) => column.primaryKey())
    .addColumn('matchers_json', 'text', (column) => column.notNull())
    .addColumn('starts_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('ends_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('comment', 'text', (column) => column.notNull())
    .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
    .execute();
  await db.schema.createIndex('silences_ends_at_idx').on('silences').column('ends_at_ms').execute();
}

async function createNotificationLog(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('notification_log')
    .addColumn('receiver', keyText(dialect), (column) => column.notNull())
    .addColumn('integration_key', keyText(dialect), (column) => column.notNull())
    .addColumn('integration_index', 'integer', (column) => column.notNull())
    .addColumn('group_key', keyText(dialect), (column) => column.notNull())
    .addColumn('firing_json', 'text', (column) => column.notNull())
    .addColumn('resolved_json', 'text', (column) => column.notNull())
    .addColumn('sent_at_ms', millis(dialect), (column) => column.notNull())
    .addPrimaryKeyConstraint('notification_log_pk', ['receiver', 'integration_key', 'integration_index', 'group_key'])
    .execute();
  await db.schema.createIndex('notification_log_sent_at_idx').on('notification_log').column('sent_at_ms').execute();
}

async function createOutbox(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('outbox')
    .$call((table) =>
      dialect === 'postgres'
        ? table.addColumn('id', 'bigint', (column) => column.generatedByDefaultAsIdentity().primaryKey())
        : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement()),
    )
    .addColumn('idempotency_key', keyText(dialect), (column) => column.notNull().unique())
    .addColumn('receiver', keyText(dialect), (column) => column.notNull())
    .addColumn('integration_key', keyText(dialect), (column) => column.notNull())
    .addColumn('integration_index', 'integer', (column) => column.notNull())
    .addColumn('group_key', keyText(dialect), (column) => column.notNull())
    .addColumn('notification_json', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('next_attempt_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_reason', 'text')
    .addColumn('created_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('queued_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('finished_at_ms', millis(dialect))
    .execute();
  await db.schema.createIndex('outbox_pending_due_idx').on('outbox').columns(['status', 'next_attempt_at_ms', 'id']).execute();
  await db.schema
    .createIndex('outbox_pending_group_idx')
    .on('outbox')
    .columns(['receiver', 'integration_key', 'integration_index', 'group_key', 'id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema.createIndex('outbox_status_id_idx').on('outbox').columns(['status', 'id']).execute();
  await db.schema.createIndex('outbox_receiver_id_idx').on('outbox').columns(['receiver', 'id']).execute();
  await db.schema.createIndex('outbox_status_finished_idx').on('outbox').columns(['status', 'finished_at_ms']).execute();
}

export const alertingMigration: StoreMigration = {
  async up(db, dialect) {
    await createAlerts(db, dialect);
    await createSilences(db, dialect);
    await createNotificationLog(db, dialect);
    await createOutbox(db, dialect);
  },
  async down(db) {
    await db.schema.dropTable('outbox').execute();
    await db.schema.dropTable('notification_log').execute();
    await db.schema.dropTable('silences').execute();
    await db.schema.dropTable('alerts').execute();
  },
};
