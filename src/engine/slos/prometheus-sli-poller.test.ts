import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import type { PrometheusSliSource, PrometheusStepCounts } from '../../adapters/sources/prometheus-sli-source.js';
import { createSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../adapters/store/store.js';
import { baseSlo } from '../../core/slo/slo-builders.contract.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { createPrometheusSliPoller, type PrometheusSliPoller, type SliSourceHealth } from './prometheus-sli-poller.js';

const minute = 60_000;
const start = Date.UTC(2026, 0, 1, 10, 0, 0);

function promSlo(name: string, url = 'http://127.0.0.1:9090'): SloSpec {
  return baseSlo({ name, sli: { kind: 'prometheus', url, query: { kind: 'good_total', good: 'vector(9)', total: 'vector(10)' } } });
}

/** Answers from a script per SLO URL; records every step asked. */
function scriptedSource(answer: (url: string, stepEndMs: number) => PrometheusStepCounts) {
  const asked: Array<{ url: string; stepEndMs: number }> = [];
  const source: PrometheusSliSource = {
    countsForStep(spec, stepEndMs) {
      asked.push({ url: spec.url, stepEndMs });
      return Promise.resolve(answer(spec.url, stepEndMs));
    },
  };
  return { source, asked };
}

describe('PromQL SLI poller on a real SQLite store', () => {
  let directory: string;
  let store: Store;
  let timers: ManualTimers;
  const pollers: PrometheusSliPoller[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-poller-'));
    store = await createSqliteStore({ path: path.join(directory, 'db.sqlite') });
    await store.migrate();
    timers = createManualTimers(start);
  });
  afterEach(async () => {
    for (const poller of pollers.splice(0)) await poller.stop();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  function pollerFor(specs: SloSpec[], source: PrometheusSliSource, extra: { health?: Array<[string, SliSourceHealth]>; failures?: string[] } = {}) {
    const poller = createPrometheusSliPoller({
      source,
      store,
      clock: timers.clock,
      timers,
      specs: () => specs,
      persist: (counts) => store.sloCounts.add(counts),
      delayMs: 30_000,
      catchUpMs: 10 * minute,
      maxStepsPerCycle: 4,
      onFailure: (slo) => extra.failures?.push(slo),
      onHealthChange: (slo, health) => extra.health?.push([slo, health]),
    });
    pollers.push(poller);
    return poller;
  }
  const stored = async (slo: string) => (await store.sloCounts.minutes(slo, start - 60 * minute, start + 60 * minute)).map((row) => [(row.endMs - start) / minute, row.good, row.total]);

  it('reads each minute once, a delay after it closed, and stores its counts', async () => {
    const { source, asked } = scriptedSource((_url, end) => ({ ok: true, good: 9, total: end === start + 2 * minute ? 0 : 10 }));
    const poller = pollerFor([promSlo('a')], source);
    poller.start();
    // 10:00:30 reads the minute ending 10:00 and, the first time, the catch-up before it (4 a cycle).
    await timers.advanceMs(30_000);
    expect(asked.map((a) => (a.stepEndMs - start) / minute)).toEqual([-9, -8, -7, -6]);
    await timers.advanceMs(3 * minute);
    // Each cycle goes on from where the last stopped: the backlog drains, then one minute a cycle.
    expect(asked.map((a) => (a.stepEndMs - start) / minute)).toEqual([-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3]);
    // A minute with no events stores nothing, but is done.
    expect((await stored('a')).map(([m]) => m)).toEqual([-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 3]);
    expect(poller.health('a')).toMatchObject({ doneThroughMs: start + 3 * minute, lastError: null });
  });

  it('keeps a failing SLO from holding up the others, and asks its missed minutes again', async () => {
    let down = true;
    const { source, asked } = scriptedSource((url) => (url.includes(':1') && down ? { ok: false, message: 'connect ECONNREFUSED 127.0.0.1:1' } : { ok: true, good: 9, total: 10 }));
    const health: Array<[string, SliSourceHealth]> = [];
    const failures: string[] = [];
    timers.clock.setMs(start + 31_000);
    const poller = pollerFor([promSlo('broken', 'http://127.0.0.1:1'), promSlo('fine')], source, { health, failures });
    await poller.pollNow();
    await poller.pollNow();
    await poller.pollNow();
    // The healthy SLO drained its 10-minute catch-up; the broken one was asked once a cycle.
    expect((await stored('fine')).length).toBe(10);
    expect(asked.filter((a) => a.url.includes(':1')).length).toBe(3);
    expect(failures).toEqual(['broken', 'broken', 'broken']);
    // One health change for a new error, not one per failed minute.
    expect(health.map(([slo, h]) => [slo, h.lastError])).toEqual([['broken', 'connect ECONNREFUSED 127.0.0.1:1']]);
    expect(poller.health('broken')).toMatchObject({ doneThroughMs: null, lastSuccessAtMs: null, lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    down = false;
    await poller.pollNow();
    await poller.pollNow();
    await poller.pollNow();
    expect((await stored('broken')).map(([m]) => m)).toEqual([-9, -8, -7, -6, -5, -4, -3, -2, -1, 0]);
    // Recovery is one more change, at the first cycle that read something again.
    expect(health.map(([, h]) => h.lastError)).toEqual(['connect ECONNREFUSED 127.0.0.1:1', null]);
    expect(health.at(-1)?.[1].doneThroughMs).toBe(start - 6 * minute);
    expect(poller.health('broken')).toMatchObject({ doneThroughMs: start, lastError: null });
  });

  it('resumes after a restart after the newest stored minute, counting nothing twice', async () => {
    const { source } = scriptedSource(() => ({ ok: true, good: 9, total: 10 }));
    timers.clock.setMs(start + 31_000);
    const first = pollerFor([promSlo('a')], source);
    await first.pollNow();
    await first.pollNow();
    await first.stop();
    expect((await stored('a')).map(([m]) => m)).toEqual([-9, -8, -7, -6, -5, -4, -3, -2]);
    // Back five minutes later: the new poller finds minute -2 stored and goes on from -1.
    timers.clock.setMs(start + 5 * minute + 31_000);
    const second = scriptedSource(() => ({ ok: true, good: 9, total: 10 }));
    const again = pollerFor([promSlo('a')], second.source);
    await again.pollNow();
    expect(second.asked.map((a) => (a.stepEndMs - start) / minute)).toEqual([-1, 0, 1, 2]);
    await again.pollNow();
    await again.pollNow();
    const minutes = await stored('a');
    expect(minutes.map(([m]) => m)).toEqual([-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(minutes.every(([, good, total]) => good === 9 && total === 10)).toBe(true);
  });

  it('gives up minutes older than the catch-up range, and starts over when the query changes', async () => {
    const { source, asked } = scriptedSource(() => ({ ok: true, good: 1, total: 1 }));
    const specs = [promSlo('a')];
    timers.clock.setMs(start + 31_000);
    const poller = pollerFor(specs, source);
    await poller.pollNow();
    // An hour later only the last 10 minutes can still be counted.
    timers.clock.setMs(start + 60 * minute + 31_000);
    asked.length = 0;
    await poller.pollNow();
    expect(asked.map((a) => (a.stepEndMs - start) / minute)).toEqual([51, 52, 53, 54]);
    // A changed URL is another source: progress comes from the store again (minute 54 stored).
    specs[0] = promSlo('a', 'http://127.0.0.1:9091');
    asked.length = 0;
    await poller.pollNow();
    expect(asked.map((a) => [a.url, (a.stepEndMs - start) / minute])).toEqual([
      ['http://127.0.0.1:9091', 55],
      ['http://127.0.0.1:9091', 56],
      ['http://127.0.0.1:9091', 57],
      ['http://127.0.0.1:9091', 58],
    ]);
  });

  it('ignores SLOs of other sources and stops cleanly mid-cycle', async () => {
    let release: () => void = () => undefined;
    const hanging: PrometheusSliSource = {
      countsForStep: (_spec, _end, _step, signal) =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, good: 1, total: 1 });
          signal?.addEventListener('abort', () => resolve({ ok: false, message: 'aborted' }), { once: true });
        }),
    };
    timers.clock.setMs(start + 31_000);
    const poller = pollerFor([baseSlo({ name: 'events-only' }), promSlo('a')], hanging);
    poller.start();
    const cycle = poller.pollNow();
    await poller.stop();
    await cycle;
    release();
    expect(await stored('a')).toEqual([]);
    expect(poller.health('events-only')).toBeUndefined();
  });
});
