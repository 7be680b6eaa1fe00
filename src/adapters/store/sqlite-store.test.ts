import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseService } from './store-builders.contract.js';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { createSqliteStore, sqliteRelaxedDurability } from './sqlite-store.js';
import type { Store } from './store.js';

describe('createSqliteStore', () => {
  let directory: string;
  const opened: Store[] = [];
  const open = async (options: Parameters<typeof createSqliteStore>[0]) => {
    const store = await createSqliteStore(options);
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-sqlite-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(directory, { recursive: true, force: true });
  });

  it('creates missing parent directories and reports the absolute path', async () => {
    const file = path.join(directory, 'nested', 'deeper', 'sre-monitor.db');
    const store = await open({ path: path.relative(process.cwd(), file) });
    await store.migrate();
    expect(store.kind).toBe('sqlite');
    expect(store.location).toBe(file);
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('leaves the file in WAL mode, so the CLI can read while the server writes', async () => {
    const file = path.join(directory, 'sre-monitor.db');
    const server = await open({ path: file });
    await server.migrate();
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('lets a second store on the same file (the CLI) see committed writes at once', async () => {
    const file = path.join(directory, 'sre-monitor.db');
    const server = await open({ path: file });
    await server.migrate();
    const cli = await open({ path: file });
    expect(await cli.migrationStatus()).toMatchObject({ pending: [] });
    await server.services.insert(baseService());
    expect(await cli.services.get('checkout')).toEqual(baseService());
    await cli.services.delete('checkout');
    expect(await server.services.count()).toBe(0);
  });

  it('reports each query to onQuery with its operation and a duration in seconds', async () => {
    const timings: Array<[string, number]> = [];
    const store = await open({
      path: path.join(directory, 'sre-monitor.db'),
      onQuery: (operation, seconds) => timings.push([operation, seconds]),
    });
    await store.migrate();
    timings.length = 0;
    await store.services.insert(baseService({ tags: [] }));
    await store.services.get('checkout');
    await store.services.delete('checkout');
    // Transaction control (begin/commit around the insert) is timed too, labelled `other`.
    const dataOperations = timings.map(([operation]) => operation).filter((operation) => operation !== 'other');
    expect(dataOperations).toEqual(['insert', 'select', 'delete']);
    for (const [, seconds] of timings) {
      expect(seconds).toBeGreaterThanOrEqual(0);
      expect(seconds).toBeLessThan(5);
    }
  });

  it('commits a relaxed transaction with synchronous = NORMAL and puts FULL back after it, also when it fails', async () => {
    const database = new BetterSqlite3(path.join(directory, 'sre-monitor.db'));
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    const synchronous = () => database.pragma('synchronous', { simple: true });
    const store = createKyselyStore({ db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), kind: 'sqlite', location: 'test', relaxedDurability: sqliteRelaxedDurability });
    opened.push(store);
    await store.migrate();
    const inside: unknown[] = [];
    await store.transaction(async (repositories) => {
      inside.push(synchronous());
      await repositories.services.insert(baseService());
    }, { durability: 'relaxed' });
    await expect(store.transaction(async (repositories) => {
      inside.push(synchronous());
      await repositories.services.delete('checkout');
      throw new Error('work failed');
    }, { durability: 'relaxed' })).rejects.toThrow('work failed');
    await store.transaction(async (repositories) => {
      inside.push(synchronous());
      await repositories.services.count();
    });
    // 1 = NORMAL, 2 = FULL.
    expect(inside).toEqual([1, 1, 2]);
    expect(synchronous()).toBe(2);
    expect(await store.services.get('checkout')).toEqual(baseService());
  });
});
