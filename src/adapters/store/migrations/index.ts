/**
 * Store migrations: a static, ordered table compiled into the build. The code runs from dist/,
 * where scanning a folder for migration files would find compiled `.js` next to source maps and
 * break under bundlers, so every migration is listed here by name. Names sort in apply order
 * (Kysely's Migrator compares them as strings): always add `NNNN-what.ts` with the next number.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.js';
import { monitorsMigration } from './0002-monitors.js';
import { slosMigration } from './0003-slos.js';
import { alertingMigration } from './0004-alerting.js';
import { sloCheckpointsMigration } from './0005-slo-checkpoints.js';
import { escalationsMigration } from './0006-escalations.js';
import { incidentsMigration } from './0007-incidents.js';
import { runbookRunsMigration } from './0008-runbook-runs.js';
import { postmortemsMigration } from './0009-postmortems.js';
import { oncallOverridesMigration } from './0010-oncall-overrides.js';
import { ruleForStateMigration } from './0011-rule-for-state.js';
import type { SqlDialectName, StoreMigration } from './store-migration.js';

export type { SqlDialectName, StoreMigration } from './store-migration.js';

export const migrations: Readonly<Record<string, StoreMigration>> = {
  '0001-initial': initialMigration,
  '0002-monitors': monitorsMigration,
  '0003-slos': slosMigration,
  '0004-alerting': alertingMigration,
  '0005-slo-checkpoints': sloCheckpointsMigration,
  '0006-escalations': escalationsMigration,
  '0007-incidents': incidentsMigration,
  '0008-runbook-runs': runbookRunsMigration,
  '0009-postmortems': postmortemsMigration,
  '0010-oncall-overrides': oncallOverridesMigration,
  '0011-rule-for-state': ruleForStateMigration,
};

/** Feeds `migrations` to Kysely's Migrator, telling each one the dialect it runs on. */
export class StaticMigrationProvider implements MigrationProvider {
  readonly #dialect: SqlDialectName;
  readonly #migrations: Readonly<Record<string, StoreMigration>>;

  constructor(dialect: SqlDialectName, storeMigrations: Readonly<Record<string, StoreMigration>> = migrations) {
    this.#dialect = dialect;
    this.#migrations = storeMigrations;
  }

  getMigrations(): Promise<Record<string, Migration>> {
    const bound: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(this.#migrations)) {
      bound[name] = {
        up: (db) => migration.up(db, this.#dialect),
        down: (db) => migration.down(db, this.#dialect),
      };
    }
    return Promise.resolve(bound);
  }
}
