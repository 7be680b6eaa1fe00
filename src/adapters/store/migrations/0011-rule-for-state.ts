/**
 * How far each alerting-rule alert got through its `for` (Prometheus keeps this as the
 * ALERTS_FOR_STATE series): one row per (rule, alert fingerprint) while the alert is pending or
 * firing, so a restart resumes the wait instead of starting it again. Numbered 0011 because
 * 0007-0010 are taken by the incident features.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

function keyText(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

function millis(dialect: SqlDialectName) {
  return dialect === 'postgres' ? sql`bigint` : sql`integer`;
}

export const ruleForStateMigration: StoreMigration = {
  async up(db: Kysely<unknown>, dialect) {
    await db.schema
      .createTable('rule_for_states')
      .addColumn('rule_key', keyText(dialect), (column) => column.notNull())
      .addColumn('fingerprint', keyText(dialect), (column) => column.notNull())
      .addColumn('active_at_ms', millis(dialect), (column) => column.notNull())
      .addColumn('last_seen_at_ms', millis(dialect), (column) => column.notNull())
      .addPrimaryKeyConstraint('rule_for_states_pk', ['rule_key', 'fingerprint'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('rule_for_states').execute();
  },
};
