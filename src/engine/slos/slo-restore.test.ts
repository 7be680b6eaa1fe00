// The start from restart checkpoints, on both stores: counts restored from checkpoints plus the
// minute rows after their cut evaluate exactly as counts restored from rows, and an engine that
// is dropped without a clean stop (kill -9) comes back with every acknowledged count.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestPostgres } from '../../../test/support/postgres.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { createSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { SloCount, Store } from '../../adapters/store/store.js';
import { baseSlo } from '../../core/slo/slo-builders.contract.js';
import { evaluateSlo } from '../../core/slo/evaluate-slo.js';
import { sloDocumentFromSpec } from '../../core/slo/slo-spec.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { createEventBus } from '../event-bus.js';
import { createSloCheckpointer } from './slo-checkpoints.js';
import { createSloEngine } from './slo-engine.js';
import { createSloEvaluator, type SloEvaluator } from './slo-evaluator.js';
import type { RestoreReport } from './slo-restore.js';

const minute = 60_000;
const day = 1440 * minute;
const t0 = Date.UTC(2026, 0, 10, 12, 0, 0);

const specs: SloSpec[] = [
  baseSlo({ name: 'a' }),
  baseSlo({ name: 'b', window: { kind: 'rolling', durationMs: 7 * day } }),
  baseSlo({ name: 'c', objectiveRatio: 0.99 }),
  baseSlo({ name: 'd', budgeting: { kind: 'timeslices', sliceMs: 5 * minute, sliceTargetRatio: 0.95 } }),
];

function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Random counts for every SLO in each minute ending in (fromMs, toMs]; about 1 in 20 minutes has bad events. */
function randomCounts(random: () => number, fromMs: number, toMs: number): SloCount[] {
  const counts: SloCount[] = [];
  for (let endMs = fromMs + minute; endMs <= toMs; endMs += minute) {
    for (const spec of specs) {
      if (random() < 0.1) continue;
      const total = 1 + Math.floor(random() * 300);
      counts.push({ slo: spec.name, endMs, good: random() < 0.05 ? Math.floor(total * random()) : total, total });
    }
  }
  return counts;
}

async function insertSlos(store: Store, names: readonly SloSpec[]): Promise<void> {
  for (const spec of names) {
    await store.slos.insert({ name: spec.name, service: spec.service, document: sloDocumentFromSpec(spec), source: 'api', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
  }
}

function statusesAt(evaluator: SloEvaluator, atMs: number) {
  return specs.map((spec) => {
    const runtime = evaluator.runtimes.get(spec.name)!;
    runtime.counts.advanceTo(atMs);
    return evaluateSlo(spec, runtime.counts, atMs);
  });
}

const postgres = await openTestPostgres();
afterAll(() => postgres.close());

const backends: Array<{ name: string; open: () => Promise<{ store: Store; cleanup: () => Promise<void> }> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-slo-restore-'));
      const store = await createSqliteStore({ path: path.join(directory, 'db.sqlite') });
      return { store, cleanup: () => store.close().then(() => rm(directory, { recursive: true, force: true })) };
    },
  },
  { name: `postgres (${postgres.kind})`, open: () => postgres.newStore() },
];

describe.each(backends)('SLO restart from checkpoints on $name', ({ open }) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await open());
    await store.migrate();
    await insertSlos(store, specs);
  });
  afterEach(async () => {
    await cleanup();
  });

  it('restores the same evaluation from checkpoint + replayed minutes as from the rows', async () => {
    const random = generator(42);
    await store.sloCounts.add(randomCounts(random, t0 - 4 * day, t0));
    const timers = createManualTimers(t0 + 10_000);
    const bus = createEventBus({ clock: timers.clock });
    const first = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    const entries = specs.map((spec) => ({ spec }));
    expect(await first.restoreAll(entries)).toMatchObject({ fromCheckpoint: 0, fromRows: 4 });
    const checkpointer = createSloCheckpointer({ store, clock: timers.clock, timers, runtimes: () => first.runtimes.values(), latenessMs: 60 * minute });
    const written = await checkpointer.writeNow();
    expect(written).toMatchObject({ cutMs: t0 - 62 * minute, written: 3, skipped: 1, deferred: 0 });
    // Past its deadline a write starts no further chunk: those SLOs keep their older checkpoint.
    expect(await checkpointer.writeNow(t0)).toMatchObject({ written: 0, deferred: 4 });

    // After the checkpoint: late counts for minutes after its cut, and 40 more minutes.
    await store.sloCounts.add(randomCounts(random, t0 - 55 * minute, t0 - 20 * minute));
    await store.sloCounts.add(randomCounts(random, t0, t0 + 40 * minute));
    await timers.advanceMs(41 * minute);
    const fromCheckpoints = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    const report = await fromCheckpoints.restoreAll(entries);
    expect(report).toMatchObject({ fromCheckpoint: 3, fromRows: 1, misses: { none: 1 } });
    expect(report.replayedRows).toBeGreaterThan(3 * 90);
    const fromRows = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    for (const spec of specs) await fromRows.upsert(spec);

    for (const atMs of [t0 + 41 * minute, t0 + 100 * minute, t0 + 2 * day]) {
      expect(statusesAt(fromCheckpoints, atMs)).toEqual(statusesAt(fromRows, atMs));
    }
    expect(statusesAt(fromRows, t0 + 2 * day)[0]!.sli.total).toBeGreaterThan(0);
  });

  it('falls back to the rows for a checkpoint sized for another window, too old, or unreadable', async () => {
    await store.sloCounts.add(randomCounts(generator(7), t0 - day, t0));
    const timers = createManualTimers(t0 + 10_000);
    const bus = createEventBus({ clock: timers.clock });
    const first = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    await first.restoreAll(specs.map((spec) => ({ spec })));
    await createSloCheckpointer({ store, clock: timers.clock, timers, runtimes: () => first.runtimes.values(), latenessMs: 60 * minute }).writeNow();
    const [a, b] = await store.sloCheckpoints.list(undefined, 2);
    await store.sloCheckpoints.upsert([{ ...a!, data: Uint8Array.from([1, 1, 200]) }, { ...b!, cutMs: t0 - 4 * day }]);

    const changed = specs.map((spec) => (spec.name === 'c' ? { spec: { ...spec, window: { kind: 'rolling' as const, durationMs: 14 * day } } } : { spec }));
    const second = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    const report = await second.restoreAll(changed);
    expect(report).toMatchObject({ fromCheckpoint: 0, fromRows: 4, misses: { unreadable: 1, too_old: 1, resized: 1, none: 1 } });
    expect(second.runtimes.get('a')!.counts.sum(t0 - day, t0)).toEqual(first.runtimes.get('a')!.counts.sum(t0 - day, t0));
  });

  it('keeps every acknowledged count when the engine dies without a clean stop', async () => {
    await store.slos.delete('d');
    const timers = createManualTimers(t0 + 10_000);
    const reports: RestoreReport[] = [];
    const engineOn = (clockTimers: typeof timers) =>
      createSloEngine({
        store, bus: createEventBus({ clock: clockTimers.clock }), clock: clockTimers.clock, timers: clockTimers, onMonitorMinuteClosed: () => () => undefined,
        checkpointEveryMs: 10 * minute, onRestored: (report) => reports.push(report),
      });
    const engine = engineOn(timers);
    await engine.start();
    const random = generator(3);
    const acknowledged = new Map<string, { good: number; total: number }>();
    for (let step = 0; step < 95; step++) {
      const items = ['a', 'b', 'c'].map((slo) => {
        const total = 1 + Math.floor(random() * 50);
        const late = random() < 0.2 ? { at: new Date(timers.clock.nowMs() - 40 * minute).toISOString() } : {};
        return { slo, good: random() < 0.1 ? 0 : total, total, ...late };
      });
      await engine.service.ingest(items, null);
      for (const item of items) {
        const sum = acknowledged.get(item.slo) ?? { good: 0, total: 0 };
        acknowledged.set(item.slo, { good: sum.good + item.good, total: sum.total + item.total });
      }
      await timers.advanceMs(minute);
    }
    const [checkpoint] = await store.sloCheckpoints.list(undefined, 1);
    // The last periodic checkpoint holds counts, and the minutes after its cut are only in the rows.
    expect(checkpoint!.cutMs).toBeGreaterThan(t0 + 20 * minute);
    expect(checkpoint!.writtenAtMs).toBeGreaterThan(t0 + 85 * minute);
    // "kill -9": no stop, no last checkpoint; a new engine starts later on the same store.
    const later = createManualTimers(timers.clock.nowMs() + 5 * minute);
    const restarted = engineOn(later);
    await restarted.start();
    expect(reports.map((report) => [report.fromCheckpoint, report.fromRows])).toEqual([[0, 3], [3, 0]]);
    await restarted.evaluator.evaluateAll(Math.floor(later.clock.nowMs() / minute) * minute);
    for (const [slo, sum] of acknowledged) {
      const status = restarted.evaluator.runtimes.get(slo)!.status!;
      expect([slo, status.sli.good, status.sli.total]).toEqual([slo, sum.good, sum.total]);
    }
    await restarted.stop();
    const afterStop = await store.sloCheckpoints.list(undefined, 10);
    expect(afterStop.map((row) => row.writtenAtMs)).toEqual([later.clock.nowMs(), later.clock.nowMs(), later.clock.nowMs()]);
  });
});
