/**
 * PostgreSQL through node-postgres' Pool, for deployments that run several replicas or want the
 * database managed elsewhere. Commits are durable by PostgreSQL's own default
 * (`synchronous_commit = on`); the store adds no buffering on top.
 */
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { createQueryTimingLogger } from './query-timing.js';
import type { QueryTimingListener, Store } from './store.js';
import { redactUrl } from '../secret-redaction.js';

/** `durability: 'relaxed'`: this transaction's commit does not wait for the WAL flush. */
export const relaxedDurability = { inside: CompiledQuery.raw('set local synchronous_commit = off') };

export interface PostgresStoreOptions {
  /** libpq-style URL, e.g. `postgres://user:password@host:5432/db`. */
  url: string;
  /** Most connections the pool opens. */
  poolMax: number;
  /** An idle connection is closed after this long (milliseconds). */
  idleTimeoutMs: number;
  /**
   * Give up opening a connection after this long (milliseconds), so `ping()` and readiness checks
   * fail instead of hanging when the server is unreachable. Default 10 000.
   */
  connectTimeoutMs?: number;
  onQuery?: QueryTimingListener;
}

const defaultConnectTimeoutMs = 10_000;

/** The URL with any password replaced by `***`, safe for logs, status pages and errors. */
export function redactPostgresUrl(url: string): string {
  if (URL.canParse(url)) return redactUrl(url);
  // Not a URL (a libpq key=value string): redact the one key that carries a secret.
  return url.replace(/(password\s*=\s*)(?:'[^']*'|\S+)/gi, '$1***');
}

/** Creates the pool lazily (no connection is opened until the first query). Does not migrate. */
export function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that event would
  // crash the process. The pool already drops the broken client and the next query reconnects
  // (or fails with its own error), so there is nothing more to do here.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: createQueryTimingLogger(options.onQuery),
  });
  return Promise.resolve(createKyselyStore({ db, kind: 'postgres', location: redactPostgresUrl(options.url), relaxedDurability }));
}
