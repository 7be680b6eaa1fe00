/**
 * The embedded default: one SQLite file through better-sqlite3.
 *
 * Pragmas, and why:
 * - `busy_timeout = 5000` first: the CLI (`token create`) may open the same file while the
 *   server runs; a writer then waits up to 5 s for the other's lock instead of failing at once.
 *   better-sqlite3 is synchronous, so that wait blocks this process's event loop; the CLI's
 *   writes are a few rows, so in practice the wait is milliseconds.
 * - `journal_mode = WAL`: readers never block the writer and vice versa, which is what makes the
 *   server + CLI sharing a file workable.
 * - `synchronous = FULL`: the WAL is fsynced at every commit, so a write is acknowledged only
 *   once it survives power loss as well as `kill -9`. (NORMAL, the usual WAL pairing, can lose
 *   the last commits on power loss; our contract is "acknowledged means durable".)
 * - `foreign_keys = ON`: SQLite ignores foreign keys unless told; `service_tags` relies on
 *   ON DELETE CASCADE.
 *
 * Transactions start with BEGIN IMMEDIATE instead of Kysely's deferred BEGIN: a deferred
 * transaction that reads and then writes while another process committed in between fails with
 * SQLITE_BUSY without waiting; taking the write lock up front lets busy_timeout do its job.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { createQueryTimingLogger } from './query-timing.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { QueryTimingListener, Store } from './store.js';

export interface SqliteStoreOptions {
  /** The database file; relative paths resolve against the working directory. */
  path: string;
  onQuery?: QueryTimingListener;
}

class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }
}

function openDatabase(location: string): BetterSqlite3.Database {
  mkdirSync(path.dirname(location), { recursive: true });
  const database = new BetterSqlite3(location);
  try {
    database.pragma('busy_timeout = 5000');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * `durability: 'relaxed'`: WAL with synchronous = NORMAL for that transaction only. The commit
 * is in the WAL file (the OS has it, so `kill -9` loses nothing) but not fsynced; the next FULL
 * commit or checkpoint syncs it. The setting cannot change inside a transaction.
 */
export const sqliteRelaxedDurability = { before: CompiledQuery.raw('pragma synchronous = NORMAL'), after: CompiledQuery.raw('pragma synchronous = FULL') };

/** Opens (creating if needed) the SQLite file and its parent directory. Does not migrate. */
export function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const location = path.resolve(options.path);
  const database = openDatabase(location);
  const db = new Kysely<Database>({
    dialect: new ImmediateTransactionSqliteDialect({ database: withStatementCache(database) }),
    log: createQueryTimingLogger(options.onQuery),
  });
  return Promise.resolve(
    createKyselyStore({
      db,
      kind: 'sqlite',
      location,
      relaxedDurability: sqliteRelaxedDurability,
    }),
  );
}
