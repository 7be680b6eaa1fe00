/**
 * Restart checkpoints of the SLO engine's in-memory counts: one row per SLO with its rings cut
 * at `cut_ms` as compact bytes (src/core/slo/slo-checkpoint-codec.ts). At start the engine reads
 * these and replays only the minute rows after each cut, instead of every SLO's 30 days of rows.
 *
 * A checkpoint is derived data: deleting rows (or the table's content) is always safe, the SLOs
 * concerned are then restored from their count rows as before. No foreign key to `slos`, as with
 * the count tables (0003-slos.ts); `SloRepository.delete` removes an SLO's checkpoint.
 */
import { sql } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

export const sloCheckpointsMigration: StoreMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('slo_checkpoints')
      .addColumn('slo', keyText(dialect), (column) => column.primaryKey())
      .addColumn('cut_ms', millis(dialect), (column) => column.notNull())
      .addColumn('written_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('data', dialect === 'postgres' ? sql`bytea` : sql`blob`, (column) => column.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('slo_checkpoints').execute();
  },
};
