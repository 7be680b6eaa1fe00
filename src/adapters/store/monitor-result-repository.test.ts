// How results reach SQLite: the ~1,000 results/s target needs multi-row statements, so the
// statements themselves are counted here (the contract suite sees only the stored rows).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { baseResult, baseRollup, baseRuntimeState, epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

describe('monitor data writes on SQLite', () => {
  let directory: string;
  let store: Store;
  const operations: string[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-results-'));
    store = await createSqliteStore({
      path: path.join(directory, 'sre-monitor.db'),
      onQuery: (operation) => operations.push(operation),
    });
    await store.migrate();
    operations.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  const inserts = () => operations.filter((operation) => operation === 'insert').length;

  it.each([
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [2_500, 3],
    // 40,000 bound values: more than SQLite's 32,766 in one statement.
    [5_000, 5],
  ])('appends %i results in %i insert statements', async (count, statements) => {
    await store.monitorResults.append(Array.from({ length: count }, (_, index) => baseResult({ atMs: epochMs + index })));
    expect(inserts()).toBe(statements);
    expect(await store.monitorResults.between(0, epochMs + count)).toHaveLength(count);
  });

  it('upserts states and roll-ups in chunked multi-row statements', async () => {
    await store.monitorStates.upsert(Array.from({ length: 1_500 }, (_, index) => baseRuntimeState({ monitor: `m-${index}` })));
    expect(inserts()).toBe(2);
    await store.monitorRollups.upsert('1m', Array.from({ length: 2_500 }, (_, index) => baseRollup(`m-${index}`)));
    expect(inserts()).toBe(5);
  });
});
