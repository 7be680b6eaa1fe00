// Runs the store contract against every backend: a SQLite file, and PostgreSQL as chosen by
// test/support/postgres.ts (a real server when one answers, else PGlite; CI insists on a server).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openTestPostgres } from '../../../test/support/postgres.js';
import { createSqliteStore } from './sqlite-store.js';
import { runStoreContract } from './store.contract.js';

runStoreContract('sqlite file', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-store-'));
  const file = path.join(directory, 'data', 'sre-monitor.db');
  const store = await createSqliteStore({ path: file });
  return {
    store,
    reopen: () => createSqliteStore({ path: file }),
    cleanup: async () => {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

const postgres = await openTestPostgres();
afterAll(() => postgres.close());
runStoreContract(`postgres (${postgres.kind})`, () => postgres.newStore());
