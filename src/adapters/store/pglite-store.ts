/**
 * PostgreSQL compiled to WASM (@electric-sql/pglite), in-process. Test-only: it lets the Postgres
 * half of the store contract run on a machine without a PostgreSQL server, so `npm test` passes
 * on a fresh checkout. CI always uses a real server (see test/support/postgres.ts). PGlite is a
 * dev dependency, so it is loaded with a dynamic import and nothing in the server imports this
 * file.
 *
 * Kysely has no PGlite dialect, hence the small driver below: Kysely's own PostgreSQL adapter,
 * introspector and query compiler, over a "connection" that forwards to `pglite.query`. PGlite
 * has exactly one session, so the driver hands that connection to one holder at a time (a lock
 * acquired per query or per transaction): interleaving two transactions' statements on one
 * session would merge them into one.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { relaxedDurability } from './postgres-store.js';
import { createQueryTimingLogger } from './query-timing.js';
import type { QueryTimingListener, Store } from './store.js';

export interface PgliteStoreOptions {
  /** Keep the database in this directory; in memory when absent. */
  dataDir?: string;
  /**
   * Use this already-open instance instead of starting one (starting costs ~1-3 s). The store
   * then leaves it open on close(): whoever created it closes it.
   */
  instance?: PGlite;
  onQuery?: QueryTimingListener;
}

/** First come, first served exclusive access to the single session. */
class SessionLock {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  async acquire(): Promise<void> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

const rowCountingCommands = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PgliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    const counted = result.command !== undefined && rowCountingCommands.has(result.command);
    return {
      rows: result.rows,
      numAffectedRows: counted ? BigInt(result.affectedRows ?? 0) : undefined,
    };
  }

  // Results are already fully in memory in PGlite; streaming just slices them.
  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let start = 0; start < rows.length; start += chunkSize) {
      yield { rows: rows.slice(start, start + chunkSize) };
    }
  }
}

class PgliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #ownsInstance: boolean;
  readonly #connection: PgliteConnection;
  readonly #lock = new SessionLock();

  constructor(pglite: PGlite, ownsInstance: boolean) {
    this.#pglite = pglite;
    this.#ownsInstance = ownsInstance;
    this.#connection = new PgliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    this.#lock.release();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (this.#ownsInstance && !this.#pglite.closed) await this.#pglite.close();
  }
}

function createPgliteDialect(pglite: PGlite, ownsInstance: boolean): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(pglite, ownsInstance),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

/** Starts (or borrows) a PGlite instance and wraps it as a Postgres-kind store. Does not migrate. */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<Store> {
  let pglite = options.instance;
  if (pglite === undefined) {
    const { PGlite } = await import('@electric-sql/pglite');
    pglite = await PGlite.create(options.dataDir);
  }
  const db = new Kysely<Database>({
    dialect: createPgliteDialect(pglite, options.instance === undefined),
    log: createQueryTimingLogger(options.onQuery),
  });
  const location = options.dataDir === undefined ? 'pglite (in memory)' : `pglite (${options.dataDir})`;
  return createKyselyStore({ db, kind: 'postgres', location, relaxedDurability });
}
