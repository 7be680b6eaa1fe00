/**
 * Which PostgreSQL the tests use, decided once per test process:
 *
 * 1. `SRE_MONITOR_TEST_PG_URL=<url>`: that server (an admin connection, e.g. to `postgres`). It
 *    must answer; a named server that does not is an error, never a silent fallback.
 * 2. `SRE_MONITOR_TEST_PG_URL=none`: force embedded PGlite even if a server is running (to
 *    check the fallback path on a machine that has a server).
 * 3. Otherwise `postgres://postgres@127.0.0.1:5432/postgres` if it answers within ~1 s.
 * 4. Otherwise embedded PGlite (real PostgreSQL compiled to WASM), so `npm test` passes on a
 *    fresh machine.
 *
 * With `CI=true` steps 2 and 4 are refused: CI must prove the store against a real server, so
 * a missing one fails the run with an error saying how to provide it.
 *
 * On a real server every test process works in its own database, `sre_monitor_test_<random>`,
 * created through the admin connection and dropped (WITH (FORCE)) afterwards, so parallel test
 * files and parallel CI jobs never see each other's rows. The name embeds its creation time, so
 * databases left by killed runs (Ctrl-C, a closed pipe) are dropped by a later run once they
 * are a few hours old, without ever touching a database a live run may still be using.
 */
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPgliteStore } from '../../src/adapters/store/pglite-store.js';
import { createPostgresStore } from '../../src/adapters/store/postgres-store.js';
import type { Store } from '../../src/adapters/store/store.js';

const urlVariable = 'SRE_MONITOR_TEST_PG_URL';
const defaultServerUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const probeTimeoutMs = 1000;
const databasePrefix = 'sre_monitor_test_';
const abandonedAfterMs = 6 * 60 * 60 * 1000;

/** A store for one test, on a freshly emptied schema. */
export interface TestStoreHandle {
  store: Store;
  /** Closes `store` (if the test has not) and releases what newStore set up. */
  cleanup(): Promise<void>;
  /** A second store over the same data (the caller closes it): "does it survive a restart". */
  reopen(): Promise<Store>;
}

export interface TestPostgres {
  readonly kind: 'server' | 'pglite';
  /** The server's admin URL (server only); stores use a per-run database derived from it. */
  readonly adminUrl: string | undefined;
  /** Empties the run's database and opens an unmigrated store on it. */
  newStore(): Promise<TestStoreHandle>;
  /** Drops the run's database or stops PGlite. Call once, in afterAll. */
  close(): Promise<void>;
}

export interface TestDatabase {
  /** The admin URL with the database name replaced by the new database's. */
  url: string;
  /** Drops the database, disconnecting any client still on it. Safe to call twice. */
  drop(): Promise<void>;
}

function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: probeTimeoutMs * 5 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Undefined when the server answers `select 1`, else why it did not. */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: probeTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function resolveServer(): Promise<string | undefined> {
  const configured = process.env[urlVariable]?.trim();
  if (configured === 'none') {
    if (isCi()) throw new Error(`${urlVariable}=none is refused with CI=true: CI runs the store tests against a real PostgreSQL server`);
    return undefined;
  }
  if (configured !== undefined && configured !== '') {
    const failure = await probe(configured);
    if (failure !== undefined) throw new Error(`${urlVariable} names a PostgreSQL server that does not answer: ${failure}`);
    return configured;
  }
  const failure = await probe(defaultServerUrl);
  if (failure === undefined) return defaultServerUrl;
  if (isCi()) {
    throw new Error(
      `CI=true but no PostgreSQL server answered at ${defaultServerUrl} (${failure}). ` +
        `Start one or set ${urlVariable} to an admin URL; CI never falls back to PGlite.`,
    );
  }
  return undefined;
}

let serverResolution: Promise<string | undefined> | undefined;

/** The admin URL of the server tests should use, or undefined for PGlite (throws in CI). */
export function findTestPostgresServer(): Promise<string | undefined> {
  serverResolution ??= resolveServer();
  return serverResolution;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A fresh, empty database on the test server, or undefined when the tests run on PGlite (never
 * undefined with CI=true: that throws instead). Also used by end-to-end tests that start the
 * real server process against PostgreSQL.
 */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  const adminUrl = await findTestPostgresServer();
  if (adminUrl === undefined) return undefined;
  const nowMs = Date.now();
  const name = `${databasePrefix}${nowMs.toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, async (client) => {
    await dropAbandonedDatabases(client, nowMs);
    await client.query(`create database ${quoteIdentifier(name)}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.href,
    drop() {
      dropping ??= withClient(adminUrl, async (client) => {
        await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
      });
      return dropping;
    },
  };
}

/** Drops test databases whose embedded creation time is older than `abandonedAfterMs`. */
async function dropAbandonedDatabases(client: pg.Client, nowMs: number): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    'select datname from pg_database where starts_with(datname, $1)',
    [databasePrefix],
  );
  for (const { datname } of rows) {
    const createdMs = parseInt(datname.slice(databasePrefix.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(createdMs) && nowMs - createdMs > abandonedAfterMs) {
      // Best effort: another run sweeping at the same moment may win the race.
      await client.query(`drop database if exists ${quoteIdentifier(datname)} with (force)`).catch(() => undefined);
    }
  }
}

const resetSchemaSql = 'drop schema if exists public cascade; create schema public;';

function handleFor(store: Store, reopen: () => Promise<Store>): TestStoreHandle {
  return { store, reopen, cleanup: () => store.close() };
}

function openServer(adminUrl: string): TestPostgres {
  let database: Promise<TestDatabase | undefined> | undefined;
  const open = (url: string) => createPostgresStore({ url, poolMax: 4, idleTimeoutMs: 1000 });
  return {
    kind: 'server',
    adminUrl,
    async newStore() {
      database ??= createTestDatabase();
      const created = await database;
      if (created === undefined) throw new Error('the test PostgreSQL server stopped answering');
      await withClient(created.url, (client) => client.query(resetSchemaSql));
      return handleFor(await open(created.url), () => open(created.url));
    },
    async close() {
      await (await database)?.drop();
    },
  };
}

function openPglite(): TestPostgres {
  // One PGlite per test process: starting one costs seconds, emptying its schema milliseconds.
  let instance: Promise<PGlite> | undefined;
  return {
    kind: 'pglite',
    adminUrl: undefined,
    async newStore() {
      instance ??= import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create());
      const pglite = await instance;
      await pglite.exec(resetSchemaSql);
      return handleFor(await createPgliteStore({ instance: pglite }), () => createPgliteStore({ instance: pglite }));
    },
    async close() {
      const pglite = await instance;
      if (pglite !== undefined && !pglite.closed) await pglite.close();
    },
  };
}

/** Decides server or PGlite (cheap: at most one ~1 s probe); databases are created lazily. */
export async function openTestPostgres(): Promise<TestPostgres> {
  const adminUrl = await findTestPostgresServer();
  return adminUrl === undefined ? openPglite() : openServer(adminUrl);
}
