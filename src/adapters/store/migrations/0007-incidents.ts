/**
 * Incidents (src/core/incidents): the incidents, the services they affect, their append-only
 * timelines and the per-day counter behind ids like `INC-2026-1123-001`.
 *
 * Dialect differences are those of 0004-alerting (collation "C" on keys, bigint milliseconds in
 * PostgreSQL, identity vs AUTOINCREMENT ids).
 *
 * List and report queries filter by scalar columns only: the JSON text columns (services,
 * alerts, SLOs, roles, labels) are read back whole and never searched. The service filter goes
 * through `incident_services`, which mirrors `services_json` and is rewritten with the row, so
 * it uses an index instead of a LIKE scan over JSON.
 * - `incidents_started_idx` (started_at_ms desc, id desc) serves the list's newest-first
 *   keyset pages and the time-range and overlap queries.
 * - `incidents_status_idx` serves `open()` (start-up restore) and the status filter,
 *   `incidents_severity_idx` the severity filter; both end in (started_at_ms, id) so a filter
 *   on one value pages in index order without a sort.
 * - `overlapping` (reports over a window) reads open incidents through `incidents_status_idx`
 *   and resolved ones through `incidents_resolved_idx` (resolved after the window's start), so
 *   a report on last week does not walk years of older incidents.
 * - `incident_timeline_incident_idx` (incident_id, at_ms, id) is the timeline's read order.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

async function createIncidents(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', keyText(dialect), (column) => column.primaryKey())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull())
    .addColumn('severity', keyText(dialect), (column) => column.notNull())
    .addColumn('status', keyText(dialect), (column) => column.notNull())
    .addColumn('services_json', 'text', (column) => column.notNull())
    .addColumn('alerts_json', 'text', (column) => column.notNull())
    .addColumn('slos_json', 'text', (column) => column.notNull())
    .addColumn('roles_json', 'text', (column) => column.notNull())
    .addColumn('customer_impact', 'text', (column) => column.notNull())
    .addColumn('labels_json', 'text', (column) => column.notNull())
    .addColumn('correlation_key', keyText(dialect))
    .addColumn('started_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('detected_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('acknowledged_at_ms', millis(dialect))
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at_ms', millis(dialect))
    .addColumn('resolved_by', 'text')
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('updated_at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('reopen_count', 'integer', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('incidents_started_idx').on('incidents').columns(['started_at_ms desc', 'id desc']).execute();
  await db.schema.createIndex('incidents_status_idx').on('incidents').columns(['status', 'started_at_ms', 'id']).execute();
  await db.schema.createIndex('incidents_resolved_idx').on('incidents').column('resolved_at_ms').execute();
  await db.schema.createIndex('incidents_severity_idx').on('incidents').columns(['severity', 'started_at_ms', 'id']).execute();

  await db.schema
    .createTable('incident_services')
    .addColumn('incident_id', keyText(dialect), (column) => column.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('service', keyText(dialect), (column) => column.notNull())
    .addPrimaryKeyConstraint('incident_services_pk', ['incident_id', 'service'])
    .execute();
  await db.schema.createIndex('incident_services_service_idx').on('incident_services').columns(['service', 'incident_id']).execute();
}

async function createTimeline(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('incident_timeline')
    .$call((table) =>
      dialect === 'postgres'
        ? table.addColumn('id', 'bigint', (column) => column.generatedByDefaultAsIdentity().primaryKey())
        : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement()),
    )
    .addColumn('incident_id', keyText(dialect), (column) => column.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at_ms', millis(dialect), (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('message', 'text', (column) => column.notNull())
    .addColumn('data_json', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('incident_timeline_incident_idx').on('incident_timeline').columns(['incident_id', 'at_ms', 'id']).execute();
}

async function createDayCounters(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('incident_day_counters')
    .addColumn('day_key', keyText(dialect), (column) => column.primaryKey())
    .addColumn('last_number', 'integer', (column) => column.notNull())
    .execute();
}

export const incidentsMigration: StoreMigration = {
  async up(db, dialect) {
    await createIncidents(db, dialect);
    await createTimeline(db, dialect);
    await createDayCounters(db, dialect);
  },
  async down(db) {
    await db.schema.dropTable('incident_day_counters').execute();
    await db.schema.dropTable('incident_timeline').execute();
    await db.schema.dropTable('incident_services').execute();
    await db.schema.dropTable('incidents').execute();
  },
};
