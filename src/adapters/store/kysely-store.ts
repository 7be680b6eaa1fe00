/**
 * The one Store implementation, over a Kysely<Database>: SQLite, PostgreSQL and PGlite differ
 * only in the dialect handed to Kysely (see sqlite-store.ts, postgres-store.ts, pglite-store.ts).
 * Keeping a single implementation is what lets one contract suite (store.contract.ts) vouch for
 * every backend: dialect differences live in the migrations and the factories, never here.
 *
 * Repositories are built over an executor, so `transaction(work)` simply builds a second set
 * bound to the Kysely Transaction. Inside `work`, use only the repositories it is given: SQLite
 * and PGlite have a single connection, and a query through the store's own repositories would
 * wait for the transaction that is waiting for it.
 */
import { Migrator, sql, type CompiledQuery, type Kysely } from 'kysely';
import { createActionItemRepository } from './action-item-repository.js';
import { createAlertRepository } from './alert-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createRuleForStateRepository } from './rule-for-state-repository.js';
import { createEscalationStateRepository } from './escalation-state-repository.js';
import { createIncidentRepository } from './incident-repository.js';
import { createIncidentTimelineRepository } from './incident-timeline-repository.js';
import { createOncallOverrideRepository } from './oncall-override-repository.js';
import { createIngestKeyRepository } from './ingest-key-repository.js';
import type { Database } from './database-schema.js';
import type { StoreExecutor } from './executor.js';
import { StaticMigrationProvider, migrations as allMigrations, type StoreMigration } from './migrations/index.js';
import { createMonitorRepository } from './monitor-repository.js';
import { createMonitorResultRepository } from './monitor-result-repository.js';
import { createMonitorRollupRepository } from './monitor-rollup-repository.js';
import { createMonitorStateRepository } from './monitor-state-repository.js';
import { createNotificationLogRepository } from './notification-log-repository.js';
import { createOutboxRepository } from './outbox-repository.js';
import { createPostmortemRepository } from './postmortem-repository.js';
import { createServiceRepository } from './service-repository.js';
import { createSilenceRepository } from './silence-repository.js';
import { createSloCheckpointRepository } from './slo-checkpoint-repository.js';
import { createSloCountRepository } from './slo-count-repository.js';
import { createSloHistoryRepository } from './slo-history-repository.js';
import { createSloRepository } from './slo-repository.js';
import { createSloStateRepository } from './slo-state-repository.js';
import { createRunbookRunRepository } from './runbook-run-repository.js';
import type { MigrationStatus, Store, StoreRepositories, TransactionOptions } from './store.js';
import { createTokenRepository } from './token-repository.js';

export interface KyselyStoreOptions {
  db: Kysely<Database>;
  kind: Store['kind'];
  /** Where the data lives, already stripped of secrets. */
  location: string;
  /** Defaults to the production list; tests of migration failures pass their own. */
  migrations?: Readonly<Record<string, StoreMigration>>;
  /**
   * How the dialect commits without waiting for the disk (`durability: 'relaxed'`): statements
   * on the transaction's connection before it begins and after it ends (SQLite's `synchronous`
   * cannot change inside a transaction), or inside it (PostgreSQL's `SET LOCAL`). Without it a
   * relaxed transaction is an ordinary one.
   */
  relaxedDurability?: { before?: CompiledQuery; inside?: CompiledQuery; after?: CompiledQuery };
}

export function createRepositories(executor: StoreExecutor): StoreRepositories {
  return {
    services: createServiceRepository(executor),
    tokens: createTokenRepository(executor),
    audit: createAuditRepository(executor),
    monitors: createMonitorRepository(executor),
    monitorResults: createMonitorResultRepository(executor),
    monitorStates: createMonitorStateRepository(executor),
    monitorRollups: createMonitorRollupRepository(executor),
    slos: createSloRepository(executor),
    sloCounts: createSloCountRepository(executor),
    ingestKeys: createIngestKeyRepository(executor),
    sloStates: createSloStateRepository(executor),
    sloHistory: createSloHistoryRepository(executor),
    alerts: createAlertRepository(executor),
    silences: createSilenceRepository(executor),
    notificationLog: createNotificationLogRepository(executor),
    outbox: createOutboxRepository(executor),
    sloCheckpoints: createSloCheckpointRepository(executor),
    escalations: createEscalationStateRepository(executor),
    ruleForStates: createRuleForStateRepository(executor),
    incidents: createIncidentRepository(executor),
    incidentTimeline: createIncidentTimelineRepository(executor),
    runbookRuns: createRunbookRunRepository(executor),
    oncallOverrides: createOncallOverrideRepository(executor),
    postmortems: createPostmortemRepository(executor),
    actionItems: createActionItemRepository(executor),
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createKyselyStore(options: KyselyStoreOptions): Store {
  const { db, kind, location } = options;
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(kind, options.migrations ?? allMigrations),
  });
  let closing: Promise<void> | undefined;

  return {
    kind,
    location,
    ...createRepositories(db),

    async migrate() {
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results.find((result) => result.status === 'Error')?.migrationName;
        const what = failed === undefined ? 'store migration failed' : `store migration ${failed} failed`;
        throw new Error(`${what} (${location}): ${describeError(error)}`, { cause: error });
      }
      return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
    },

    async migrationStatus(): Promise<MigrationStatus> {
      const known = await migrator.getMigrations();
      return {
        applied: known.filter((migration) => migration.executedAt !== undefined).map((migration) => migration.name),
        pending: known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name),
      };
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    transaction<T>(work: (repositories: StoreRepositories) => Promise<T>, transactionOptions?: TransactionOptions): Promise<T> {
      const relaxed = transactionOptions?.durability === 'relaxed' ? options.relaxedDurability : undefined;
      if (relaxed === undefined) return db.transaction().execute((transaction) => work(createRepositories(transaction)));
      const { before, inside, after } = relaxed;
      const run = (executor: Kysely<Database>) =>
        executor.transaction().execute(async (transaction) => {
          if (inside !== undefined) await transaction.executeQuery(inside);
          return work(createRepositories(transaction));
        });
      if (before === undefined && after === undefined) return run(db);
      // One connection for the setting, the transaction and the reset.
      return db.connection().execute(async (connection) => {
        if (before !== undefined) await connection.executeQuery(before);
        try {
          return await run(connection);
        } finally {
          if (after !== undefined) await connection.executeQuery(after);
        }
      });
    },

    close() {
      // Idempotent: shutdown paths and test cleanups may both close the same store.
      closing ??= db.destroy();
      return closing;
    },
  };
}
