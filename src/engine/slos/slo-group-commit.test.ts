// Group commit on a real SQLite store: concurrent batches share transactions, every caller is
// answered after its own batch is durable, and a failing batch fails only its caller.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { SloCount, Store } from '../../adapters/store/store.js';
import { ConflictError } from '../../core/errors.js';
import { createSloGroupCommit } from './slo-group-commit.js';

const minute = 60_000;
const start = Date.UTC(2026, 0, 1, 10, 0, 0);
const key = (name: string) => ({ key: name, requestHash: 'h', response: { accepted: 1 }, createdAtMs: start });

describe('SLO group commit', () => {
  let directory: string;
  let store: Store;
  let applied: SloCount[][];

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-group-commit-'));
    store = await createSqliteStore({ path: path.join(directory, 'db.sqlite') });
    await store.migrate();
    applied = [];
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('commits concurrent batches together and answers each after the commit', async () => {
    const commit = createSloGroupCommit({ store, apply: (counts) => applied.push([...counts]) });
    const writes = Array.from({ length: 20 }, (_, index) => commit.write({ counts: [{ slo: `s${index % 3}`, endMs: start + (index % 2) * minute, good: 1, total: 2 }], key: key(`k${index}`) }));
    expect(commit.oldestPendingMs()).toBe(start);
    await Promise.all(writes);
    expect(commit.oldestPendingMs()).toBeNull();
    // The first batch alone, the 19 that queued behind it in one more transaction.
    expect(applied.map((counts) => counts.length)).toEqual([1, 19]);
    const rows = await store.sloCounts.minutes(undefined, 0, start + minute);
    expect(rows.reduce((sum, row) => sum + row.total, 0)).toBe(40);
    expect(await store.ingestKeys.get('k19')).toMatchObject({ key: 'k19' });
  });

  it('fails only the batch whose Idempotency-Key was taken, and stores the others', async () => {
    const commit = createSloGroupCommit({ store, apply: (counts) => applied.push([...counts]) });
    const first = commit.write({ counts: [{ slo: 'a', endMs: start, good: 1, total: 1 }], key: null });
    const outcomes = await Promise.allSettled([
      first,
      commit.write({ counts: [{ slo: 'a', endMs: start, good: 2, total: 2 }], key: key('same') }),
      commit.write({ counts: [{ slo: 'a', endMs: start, good: 4, total: 4 }], key: key('same') }),
      commit.write({ counts: [{ slo: 'b', endMs: start, good: 8, total: 8 }], key: null }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const rows = await store.sloCounts.minutes(undefined, 0, start);
    expect(rows.map((row) => [row.slo, row.total])).toEqual([['a', 3], ['b', 8]]);
    expect(applied.flat().reduce((sum, count) => sum + count.total, 0)).toBe(11);
  });
});
