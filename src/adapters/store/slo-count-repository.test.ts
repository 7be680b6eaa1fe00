// How SLO counts reach SQLite: ingestion's 200,000 events/s target needs each touched bucket
// written once, in multi-row statements, in one transaction per batch; the statements are
// counted here (the contract suite sees only the stored rows).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { epochMs } from './store-builders.contract.js';
import type { SloCount, Store } from './store.js';

const minuteMs = 60_000;

/** `slos` x `minutes` counts of one event each, interleaved as an ingest batch would arrive. */
function spread(slos: number, minutes: number): SloCount[] {
  const counts: SloCount[] = [];
  for (let minute = 1; minute <= minutes; minute += 1) {
    for (let slo = 0; slo < slos; slo += 1) counts.push({ slo: `slo-${slo}`, endMs: epochMs + minute * minuteMs, good: 1, total: 1 });
  }
  return counts;
}

describe('SLO count writes on SQLite', () => {
  let directory: string;
  let store: Store;
  const operations: string[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-slo-counts-'));
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

  // `other` is the transaction's begin and commit: even one minute row and its hour row commit
  // together.
  it.each([
    ['one count', spread(1, 1), 2],
    // 10,000 minute rows in 10 statements of 1,000, then 200 hour rows (100 minutes span 2 hours).
    ['100 SLOs x 100 minutes', spread(100, 100), 11],
    ['10,000 counts of one bucket', Array<SloCount>(10_000).fill(spread(1, 1)[0]!), 2],
  ])('adds %s in one transaction of %i insert statements, the same again on top', async (_case, counts, inserts) => {
    for (const round of [1, 2]) {
      operations.length = 0;
      await store.sloCounts.add(counts);
      expect(operations).toEqual(['other', ...Array<string>(inserts).fill('insert'), 'other']);
      const total = (await store.sloCounts.hours(undefined, 0, epochMs + 10 * 3_600_000)).reduce((sum, row) => sum + row.total, 0);
      expect(total).toBe(counts.length * round);
    }
  });
});
