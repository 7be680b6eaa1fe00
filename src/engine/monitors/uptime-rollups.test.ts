import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import { createSqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../adapters/store/store.js';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import { createResultRecorder } from './result-recorder.js';
import { createUptimeQuery } from './uptime-query.js';
import { createUptimeRollups, hourMs, minuteMs, type UptimeRollups } from './uptime-rollups.js';

const start = Date.UTC(2026, 0, 1, 10, 0, 0);
const dayMs = 24 * hourMs;

function result(monitor: string, atMs: number, status: MonitorResult['status'] = 'up', latencyMs: number | null = 20): MonitorResult {
  return { monitor, atMs, status, latencyMs, message: status, timings: null, details: null, maintenance: false };
}

describe('uptime roll-ups, recorder and queries on a real SQLite store', () => {
  let directory: string;
  let store: Store;
  let timers: ManualTimers;
  const open: UptimeRollups[] = [];

  const rollupsOn = (s: Store) => {
    const rollups = createUptimeRollups({ store: s, clock: timers.clock, timers, thresholdsOf: () => [50] });
    open.push(rollups);
    return rollups;
  };
  const queryOn = (s: Store, rollups: UptimeRollups) => createUptimeQuery({ store: s, rollups, clock: timers.clock, minuteRetentionMs: 14 * dayMs });
  const reopen = async () => {
    const again = await createSqliteStore({ path: path.join(directory, 'sre-monitor.db') });
    await again.migrate();
    return again;
  };

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-rollups-'));
    store = await reopen();
    timers = createManualTimers(start);
  });
  afterEach(async () => {
    for (const rollups of open.splice(0)) await rollups.stop();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('writes each minute once it has closed and each hour after its last minute, with exact latency counts', async () => {
    const rollups = rollupsOn(store);
    await rollups.start();
    const results = [result('a', start + 1_000), result('a', start + 30_000, 'down', null), result('a', start + 61_000, 'up', 80), result('b', start + 59_999, 'degraded', 40)];
    await store.monitorResults.append(results);
    rollups.add(results);
    await timers.advanceMs(minuteMs + 4_000);
    expect(await store.monitorRollups.list('1m', undefined, start - 1, start + hourMs)).toEqual([]);
    await timers.advanceMs(1_000);
    const minutes = await store.monitorRollups.list('1m', undefined, start - 1, start + hourMs);
    expect(minutes.map((r) => [r.monitor, r.bucket.endMs - start, r.bucket.counts])).toEqual([
      ['a', minuteMs, { up: 1, down: 1, degraded: 0, maintenance: 0 }],
      ['b', minuteMs, { up: 0, down: 0, degraded: 1, maintenance: 0 }],
    ]);
    expect(minutes[0]?.bucket.latencyUnder).toEqual({ '50': 1 });
    await timers.advanceMs(hourMs);
    const hours = await store.monitorRollups.list('1h', ['a'], start, start + hourMs);
    expect(hours.map((r) => r.bucket.counts)).toEqual([{ up: 2, down: 1, degraded: 0, maintenance: 0 }]);
    expect(hours[0]?.bucket.latencyUnder).toEqual({ '50': 1 });
  });

  it('rebuilds open minutes and the open hour after a crash, counting every stored result exactly once', async () => {
    const first = rollupsOn(store);
    await first.start();
    const early = [result('a', start + 10_000), result('a', start + 70_000)];
    await store.monitorResults.append(early);
    first.add(early);
    await timers.advanceMs(2 * minuteMs + 5_000);
    // Results of the next minute are stored, then the process dies before that minute closes.
    const late = [result('a', start + 125_000, 'down', null), result('a', start + 130_000)];
    await store.monitorResults.append(late);
    first.add(late);
    timers.clock.advanceMs(10_000);
    await first.stop();
    await store.close();

    store = await reopen();
    const second = rollupsOn(store);
    await second.start();
    const query = queryOn(store, second);
    const before = await query.summary(['a'], start, start + 3 * minuteMs);
    expect(before.counts).toEqual({ up: 3, down: 1, degraded: 0, maintenance: 0 });
    await timers.advanceMs(hourMs);
    const hour = await store.monitorRollups.list('1h', ['a'], start, start + hourMs);
    expect(hour.map((r) => r.bucket.counts)).toEqual([{ up: 3, down: 1, degraded: 0, maintenance: 0 }]);
    expect((await query.summary(['a'], start - dayMs, timers.clock.nowMs())).counts.up).toBe(3);
  });

  it('merges a result that arrives after its minute was written into the stored rows', async () => {
    const rollups = rollupsOn(store);
    await rollups.start();
    rollups.add([result('a', start + 1_000)]);
    await timers.advanceMs(minuteMs + 5_000);
    rollups.add([result('a', start + 2_000, 'down', null)]);
    await timers.advanceMs(minuteMs);
    const [minute] = await store.monitorRollups.list('1m', ['a'], start, start + minuteMs);
    expect(minute?.bucket.counts).toEqual({ up: 1, down: 1, degraded: 0, maintenance: 0 });
  });

  it('counts a result that arrives while its minute is being written exactly once', async () => {
    let gated = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The same store, with a write that waits for the test before it starts.
    const slow = Object.assign(Object.create(store) as Store, {
      transaction: async <T>(work: Parameters<Store['transaction']>[0]): Promise<T> => {
        if (gated) await gate;
        return (await store.transaction(work)) as T;
      },
    });
    const rollups = rollupsOn(slow);
    await rollups.start();
    rollups.add([result('a', start + 1_000)]);
    gated = true;
    await timers.advanceMs(minuteMs + 5_000);
    // The minute's write has begun and waits: a slow check of that minute reports now.
    rollups.add([result('a', start + 2_000, 'down', null)]);
    gated = false;
    release();
    await timers.advanceMs(minuteMs);
    const minutes = await store.monitorRollups.list('1m', ['a'], start - 1, start + minuteMs);
    expect(minutes.map((r) => r.bucket.counts)).toEqual([{ up: 1, down: 1, degraded: 0, maintenance: 0 }]);
    await timers.advanceMs(hourMs);
    const hours = await store.monitorRollups.list('1h', ['a'], start, start + hourMs);
    expect(hours.map((r) => r.bucket.counts)).toEqual([{ up: 1, down: 1, degraded: 0, maintenance: 0 }]);
  });

  it('answers windows from hours, ragged minutes and open minutes, and gives SLI counts per minute', async () => {
    const rollups = rollupsOn(store);
    await rollups.start();
    const recorder = createResultRecorder({ store, timers, onCommitted: (r) => rollups.add(r) });
    // Two hours and ten minutes of one check a minute; every fifth is down, every third slow.
    for (let minute = 0; minute < 130; minute += 1) {
      const down = minute % 5 === 4;
      void recorder.record(result('a', timers.clock.nowMs() + 1_000, down ? 'down' : 'up', down ? null : minute % 3 === 0 ? 120 : 30), {
        monitor: 'a',
        status: { status: 'up', consecutiveFailures: 0, consecutiveSuccesses: 1, retriesUsed: 0, since: start, lastMessage: '', lastOutcome: 'up' },
        breaker: null,
        lastResultAtMs: null,
        lastHeartbeatAtMs: null,
      });
      await timers.advanceMs(minuteMs);
    }
    await recorder.flush();
    const query = queryOn(store, rollups);
    const now = timers.clock.nowMs();
    const all = await query.summary(['a'], start, now);
    expect(all.counts).toEqual({ up: 104, down: 26, degraded: 0, maintenance: 0 });
    expect(all.uptimeRatio).toBeCloseTo(0.8, 10);
    // The sketch promises 2% relative accuracy.
    expect(Math.abs((all.latencyP50Ms ?? 0) - 30) / 30).toBeLessThan(0.02);
    // A window starting mid-hour: the minutes before the first whole hour come from 1m rows.
    const ragged = await query.summary(['a'], start + 30 * minuteMs, start + 90 * minuteMs);
    expect(ragged.counts.up + ragged.counts.down).toBe(60);
    const points = await query.sliCounts('a', { kind: 'latency', thresholdMs: 50 }, '1m', start, start + 10 * minuteMs);
    expect(points.map((p) => [p.good, p.total])).toEqual([[0, 1], [1, 1], [1, 1], [0, 1], [0, 1], [1, 1], [0, 1], [1, 1], [1, 1], [0, 1]]);
    const hourly = await query.sliCounts('a', { kind: 'availability' }, '1h', start, start + 2 * hourMs);
    expect(hourly.map((p) => [p.good, p.total])).toEqual([[48, 60], [48, 60]]);
    await recorder.close();
  });

  it('keeps a batch that failed to commit and writes it with the next one', async () => {
    let failures = 1;
    const flaky: Store = {
      ...store,
      transaction: (work) => (failures-- > 0 ? Promise.reject(new Error('database is locked')) : store.transaction(work)),
    };
    const errors: string[] = [];
    const recorder = createResultRecorder({ store: flaky, timers, onError: (error) => errors.push(String(error)) });
    const state = { monitor: 'a', status: { status: 'up' as const, consecutiveFailures: 0, consecutiveSuccesses: 1, retriesUsed: 0, since: start, lastMessage: '', lastOutcome: 'up' as const }, breaker: null, lastResultAtMs: null, lastHeartbeatAtMs: null };
    const firstWrite = recorder.record(result('a', start + 1), state).catch((error: unknown) => error);
    await timers.advanceMs(100);
    expect(String(await firstWrite)).toBe('Error: database is locked');
    const secondWrite = recorder.record(result('a', start + 2), state);
    await timers.advanceMs(100);
    await expect(secondWrite).resolves.toBeUndefined();
    expect(errors).toEqual(['Error: database is locked']);
    const stored = await store.monitorResults.between(start - 1, start + 10);
    expect(stored.map((r) => r.atMs - start)).toEqual([1, 2]);
    await recorder.close();
  });
});
