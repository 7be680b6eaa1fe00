import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import { createSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../adapters/store/store.js';
import { baseSlo } from '../../core/slo/slo-builders.contract.js';
import { createEventBus } from '../event-bus.js';
import { createSloEvaluator } from './slo-evaluator.js';

const minute = 60_000;
const start = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('SLO evaluator', () => {
  let directory: string;
  let store: Store;
  let timers: ManualTimers;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-evaluator-'));
    store = await createSqliteStore({ path: path.join(directory, 'db.sqlite') });
    await store.migrate();
    timers = createManualTimers(start);
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('ignores an evaluation behind the last one instead of flipping its alerts back', async () => {
    const bus = createEventBus({ clock: timers.clock });
    const published: string[] = [];
    bus.subscribe((event) => published.push(event.type));
    const evaluator = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    await evaluator.upsert(baseSlo({ name: 'a' }));
    evaluator.apply([{ slo: 'a', endMs: start + 2 * minute, good: 900, total: 1000 }]);
    await evaluator.evaluateAll(start + 2 * minute);
    expect(evaluator.runtimes.get('a')?.status?.alerts.page.state).toBe('firing');
    // A timer for the boundary before, arriving late: the minute at +2 is outside its windows.
    await evaluator.evaluateAll(start + minute);
    const status = evaluator.runtimes.get('a')?.status;
    expect([status?.atMs, status?.alerts.page.state]).toEqual([start + 2 * minute, 'firing']);
    expect(published.filter((type) => type.startsWith('slo.alert'))).toEqual(['slo.alert.firing', 'slo.alert.firing']);
  });

  it('publishes slo.evaluated when what it carries changed, not every minute', async () => {
    const bus = createEventBus({ clock: timers.clock });
    const evaluated: Array<{ slo: unknown; sliRatio: unknown }> = [];
    bus.subscribe((event) => {
      if (event.type === 'slo.evaluated') evaluated.push({ slo: event.data['slo'], sliRatio: event.data['sliRatio'] });
    });
    const evaluator = createSloEvaluator({ store, bus, clock: timers.clock, timers });
    await evaluator.upsert(baseSlo({ name: 'a' }));
    await evaluator.upsert(baseSlo({ name: 'b' }));
    evaluator.apply([{ slo: 'a', endMs: start + minute, good: 1000, total: 1000 }]);
    for (let step = 1; step <= 5; step++) await evaluator.evaluateAll(start + step * minute);
    expect(evaluated).toEqual([{ slo: 'a', sliRatio: 1 }, { slo: 'b', sliRatio: null }]);
    evaluator.apply([{ slo: 'b', endMs: start + 6 * minute, good: 990, total: 1000 }]);
    await evaluator.evaluateAll(start + 6 * minute);
    expect(evaluated.slice(2)).toEqual([{ slo: 'b', sliRatio: 0.99 }]);
  });

  it('evaluates at start, so a restarted server has a status for every SLO before the next minute', async () => {
    // 10:03:30: the last boundary whose 10 s delay has passed is 10:03.
    const clock = createManualTimers(start + 3 * minute + 30_000);
    const evaluator = createSloEvaluator({ store, bus: createEventBus({ clock: clock.clock }), clock: clock.clock, timers: clock });
    await evaluator.upsert(baseSlo({ name: 'a' }));
    evaluator.apply([{ slo: 'a', endMs: start + 3 * minute, good: 990, total: 1000 }]);
    evaluator.start();
    await evaluator.stop();
    const status = evaluator.runtimes.get('a')?.status;
    expect([status?.atMs, status?.sli.ratio]).toEqual([start + 3 * minute, 0.99]);
  });
});
