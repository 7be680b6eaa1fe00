/**
 * A fresh database on a real PostgreSQL server for one benchmark run, created and dropped
 * (WITH (FORCE)) by the tests' helper, so the server is chosen the same way as for the tests:
 * `SRE_MONITOR_TEST_PG_URL`, else postgres://postgres@127.0.0.1:5432/postgres. Never PGlite:
 * the server under test runs as its own process and needs a URL.
 */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';

const urlVariable = 'SRE_MONITOR_TEST_PG_URL';
const defaultServerUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = { ok: true; database: TestDatabase } | { ok: false; reason: string };

/** Why no server answered (the helper itself only says "none"). */
async function probeFailure(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return 'it answered on a second try; run again';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  if (process.env[urlVariable]?.trim() === 'none') return { ok: false, reason: `${urlVariable}=none` };
  try {
    const database = await createTestDatabase();
    if (database !== undefined) return { ok: true, database };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { ok: false, reason: `no PostgreSQL server answered at ${defaultServerUrl} (${await probeFailure(defaultServerUrl)}); set ${urlVariable} to an admin URL` };
}
