import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { migrations } from './migrations/index.js';

function storeWith(extra: Record<string, (typeof migrations)[string]>) {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  return createKyselyStore({ db, kind: 'sqlite', location: ':memory:', migrations: { ...migrations, ...extra } });
}

describe('createKyselyStore', () => {
  it('names the migration that failed and keeps it pending', async () => {
    const store = storeWith({
      '9999-broken': {
        up: () => Promise.reject(new Error('column "x" already exists')),
        down: () => Promise.resolve(),
      },
    });
    try {
      await expect(store.migrate()).rejects.toThrow(/store migration 9999-broken failed \(:memory:\): column "x" already exists/);
      expect(await store.migrationStatus()).toEqual({ applied: Object.keys(migrations), pending: ['9999-broken'] });
    } finally {
      await store.close();
    }
  });

  it('can be closed twice', async () => {
    const store = storeWith({});
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
