// Contract cases for what monitors produce: check results, runtime state, uptime roll-ups and
// the roll-up progress marker. Bounds are asserted on both sides of each edge.
import { describe, expect, it } from 'vitest';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import { baseResult, baseRollup, baseRuntimeState, epochMs } from './store-builders.contract.js';
import type { MonitorRollup, StoredMonitorResult, Store } from './store.js';

const dayMs = 86_400_000;
const at = (seconds: number) => epochMs + seconds * 1_000;
const withoutIds = (results: readonly StoredMonitorResult[]): MonitorResult[] =>
  results.map(({ id: _id, ...result }) => result);
const secondsOf = (results: readonly MonitorResult[]) => results.map((result) => (result.atMs - epochMs) / 1_000);

export function registerMonitorResultCases(current: () => Store): void {
  describe('monitor results', () => {
    const listAll = (monitor = 'checkout-http') =>
      current().monitorResults.list({ monitor, fromMs: 0, toMs: epochMs + dayMs, limit: 10_000 });

    it.each([
      ['every field set', baseResult()],
      ['nulls and maintenance', baseResult({ status: 'down', latencyMs: null, timings: null, details: null, maintenance: true })],
      ['a degraded result with partial timings', baseResult({ status: 'degraded', latencyMs: 2_500, timings: { totalMs: 2_500 }, details: {} })],
    ])('returns a result exactly as appended, with a numeric id: %s', async (_case, result) => {
      await current().monitorResults.append([result]);
      const [stored, ...rest] = await listAll();
      expect(rest).toEqual([]);
      expect(typeof stored?.id).toBe('number');
      expect(withoutIds([stored!])).toEqual([result]);
      expect(await current().monitorResults.between(0, epochMs + dayMs)).toEqual([result]);
    });

    it.each([12.3456, 0.1 + 0.2, 1e-7, 123_456.789_012_345, 0, 59_999.999_999])(
      'keeps latency %s ms exactly',
      async (latencyMs) => {
        await current().monitorResults.append([baseResult({ latencyMs })]);
        expect((await listAll())[0]?.latencyMs).toBe(latencyMs);
      },
    );

    it('appends 2,500 results of several monitors in one call', async () => {
      const results = Array.from({ length: 2_500 }, (_, index) =>
        baseResult({ monitor: index % 2 === 0 ? 'checkout-http' : 'search-http', atMs: at(index), message: `check ${index}` }),
      );
      await current().monitorResults.append(results);
      expect(await listAll('checkout-http')).toHaveLength(1_250);
      expect(await listAll('search-http')).toHaveLength(1_250);
      expect(await current().monitorResults.between(0, epochMs + dayMs)).toEqual(results);
      await expect(current().monitorResults.append([])).resolves.toBeUndefined();
    });

    it('lists one monitor newest first within (fromMs, toMs], ties by append order reversed', async () => {
      await current().monitorResults.append([
        baseResult({ atMs: at(10), message: 'a' }),
        baseResult({ atMs: at(30), message: 'b' }),
        baseResult({ atMs: at(20), message: 'c' }),
        baseResult({ atMs: at(20), message: 'd' }),
        baseResult({ atMs: at(40), message: 'e' }),
        baseResult({ monitor: 'search-http', atMs: at(20), message: 'other monitor' }),
      ]);
      const messages = async (fromSeconds: number, toSeconds: number) =>
        (await current().monitorResults.list({ monitor: 'checkout-http', fromMs: at(fromSeconds), toMs: at(toSeconds), limit: 100 })).map(
          (result) => result.message,
        );
      expect(await messages(0, 100)).toEqual(['e', 'b', 'd', 'c', 'a']);
      expect(await messages(10, 30)).toEqual(['b', 'd', 'c']);
      expect(await messages(9.999, 29.999)).toEqual(['d', 'c', 'a']);
      expect(await messages(40, 100)).toEqual([]);
      expect(await messages(30, 30)).toEqual([]);
    });

    it('pages newest first with beforeId even when results were appended out of time order', async () => {
      const seconds = [50, 10, 40, 40, 20, 90, 30, 70, 60, 80, 10, 100, 40, 5, 95];
      await current().monitorResults.append(seconds.map((second, index) => baseResult({ atMs: at(second), message: `#${index}` })));
      const everything = await listAll();
      const seen: StoredMonitorResult[] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await current().monitorResults.list({ monitor: 'checkout-http', fromMs: 0, toMs: epochMs + dayMs, beforeId, limit: 4 });
        seen.push(...page);
        if (page.length < 4) break;
        beforeId = page.at(-1)?.id;
      }
      expect(seen).toEqual(everything);
      expect(secondsOf(seen)).toEqual([...seconds].sort((a, b) => b - a));
      const atForty = seen.filter((result) => result.atMs === at(40)).map((result) => result.id);
      expect(atForty).toEqual([...atForty].sort((a, b) => b - a));
    });

    it('keeps the time bounds while paging', async () => {
      await current().monitorResults.append([10, 20, 30, 40, 50].map((second) => baseResult({ atMs: at(second) })));
      const query = { monitor: 'checkout-http', fromMs: at(10), toMs: at(40), limit: 2 };
      const first = await current().monitorResults.list(query);
      expect(secondsOf(first)).toEqual([40, 30]);
      const second = await current().monitorResults.list({ ...query, beforeId: first.at(-1)!.id });
      expect(secondsOf(second)).toEqual([20]);
    });

    it('returns every monitor oldest first within (fromMs, toMs] from between', async () => {
      await current().monitorResults.append([
        baseResult({ monitor: 'b', atMs: at(20), message: '1' }),
        baseResult({ monitor: 'a', atMs: at(10), message: '2' }),
        baseResult({ monitor: 'a', atMs: at(20), message: '3' }),
        baseResult({ monitor: 'c', atMs: at(30), message: '4' }),
        baseResult({ monitor: 'b', atMs: at(5), message: '5' }),
      ]);
      const between = async (fromSeconds: number, toSeconds: number) =>
        (await current().monitorResults.between(at(fromSeconds), at(toSeconds))).map((r) => `${r.monitor}${r.message}`);
      expect(await between(0, 100)).toEqual(['b5', 'a2', 'b1', 'a3', 'c4']);
      expect(await between(5, 20)).toEqual(['a2', 'b1', 'a3']);
      expect(await between(30, 100)).toEqual([]);
    });

    it('deletes at most `limit` results older than the bound, oldest first', async () => {
      await current().monitorResults.append(
        [7, 3, 9, 1, 8, 2, 10, 6, 4, 5].map((second) => baseResult({ monitor: second % 2 === 0 ? 'a' : 'b', atMs: at(second) })),
      );
      const remaining = async () => secondsOf(await current().monitorResults.between(0, epochMs + dayMs));
      expect(await current().monitorResults.deleteOlderThan(at(8), 0)).toBe(0);
      expect(await current().monitorResults.deleteOlderThan(at(8), 3)).toBe(3);
      expect(await remaining()).toEqual([4, 5, 6, 7, 8, 9, 10]);
      expect(await current().monitorResults.deleteOlderThan(at(8), 100)).toBe(4);
      expect(await remaining()).toEqual([8, 9, 10]);
      expect(await current().monitorResults.deleteOlderThan(at(8), 100)).toBe(0);
    });

    it('writes a batch of several statements whole or not at all', async () => {
      const batch = Array.from({ length: 2_500 }, (_, index) => baseResult({ atMs: at(index) }));
      // A NOT NULL violation near the end, as a driver or disk error would strike a late chunk.
      batch[2_400] = baseResult({ message: null as unknown as string });
      await expect(current().monitorResults.append(batch)).rejects.toThrow();
      expect(await listAll()).toEqual([]);
    });

    it('rolls back appended results, several statements included, when the transaction throws', async () => {
      await current().monitorResults.append([baseResult({ message: 'kept' })]);
      const attempt = current().transaction(async (repositories) => {
        await repositories.monitorResults.append(Array.from({ length: 2_500 }, (_, index) => baseResult({ atMs: at(index) })));
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect((await listAll()).map((result) => result.message)).toEqual(['kept']);
    });
  });
}

export function registerMonitorStateCases(current: () => Store): void {
  describe('monitor runtime state', () => {
    it('inserts, then replaces each named state, listing by monitor', async () => {
      const search = baseRuntimeState({ monitor: 'search-http', breaker: null, lastResultAtMs: null });
      await current().monitorStates.upsert([baseRuntimeState(), search]);
      expect(await current().monitorStates.all()).toEqual([baseRuntimeState(), search]);

      const recovered = baseRuntimeState({
        status: { ...baseRuntimeState().status, status: 'up', consecutiveFailures: 0, consecutiveSuccesses: 2, lastOutcome: 'up' },
        breaker: null,
        lastResultAtMs: at(120),
        lastHeartbeatAtMs: at(119.5),
      });
      await current().monitorStates.upsert([recovered]);
      expect(await current().monitorStates.all()).toEqual([recovered, search]);
      await expect(current().monitorStates.upsert([])).resolves.toBeUndefined();
    });

    it('keeps the last of two states for one monitor in a single call', async () => {
      const later = baseRuntimeState({ lastResultAtMs: at(90) });
      await current().monitorStates.upsert([baseRuntimeState(), later]);
      expect(await current().monitorStates.all()).toEqual([later]);
    });
  });
}

export function registerMonitorRollupCases(current: () => Store): void {
  describe('monitor roll-ups', () => {
    const minute = (index: number) => epochMs + index * 60_000;
    const keys = (rollups: readonly MonitorRollup[]) => rollups.map((r) => `${r.monitor}@${(r.bucket.endMs - epochMs) / 60_000}`);

    it('returns buckets exactly as written, and replaces a bucket written again', async () => {
      const first = baseRollup('checkout-http');
      await current().monitorRollups.upsert('1m', [first]);
      expect(await current().monitorRollups.list('1m', undefined, 0, minute(10))).toEqual([first]);

      const second = baseRollup('checkout-http', {
        counts: { up: 9, down: 0, degraded: 0, maintenance: 3 },
        latency: { count: 9, minMs: 1.5, maxMs: 3.25, bins: { '21': 9 } },
        latencyUnder: { '250': 9 },
      });
      await current().monitorRollups.upsert('1m', [second]);
      expect(await current().monitorRollups.list('1m', undefined, 0, minute(10))).toEqual([second]);

      const third = baseRollup('checkout-http', { counts: { up: 0, down: 0, degraded: 0, maintenance: 0 } });
      await current().monitorRollups.upsert('1m', [second, third]);
      expect(await current().monitorRollups.list('1m', undefined, 0, minute(10))).toEqual([third]);
    });

    it('keeps 1-minute and 1-hour buckets apart', async () => {
      await current().monitorRollups.upsert('1m', [baseRollup('a', { endMs: minute(60) })]);
      await current().monitorRollups.upsert('1h', [baseRollup('a', { endMs: minute(60), latencyUnder: {} })]);
      expect((await current().monitorRollups.list('1m', ['a'], 0, minute(60)))[0]?.bucket.latencyUnder).toEqual({ '250': 4, '1000': 5 });
      expect((await current().monitorRollups.list('1h', ['a'], 0, minute(60)))[0]?.bucket.latencyUnder).toEqual({});
    });

    it('lists by monitor then end within (fromMs, toMs], for some or all monitors', async () => {
      const rollups = ['c', 'a', 'b'].flatMap((monitor) => [3, 1, 2].map((index) => baseRollup(monitor, { endMs: minute(index) })));
      await current().monitorRollups.upsert('1m', rollups);
      const list = async (monitors: string[] | undefined, from: number, to: number) =>
        keys(await current().monitorRollups.list('1m', monitors, minute(from), minute(to)));
      expect(await list(undefined, 0, 3)).toEqual(['a@1', 'a@2', 'a@3', 'b@1', 'b@2', 'b@3', 'c@1', 'c@2', 'c@3']);
      expect(await list(['c', 'a', 'nobody', 'a'], 0, 3)).toEqual(['a@1', 'a@2', 'a@3', 'c@1', 'c@2', 'c@3']);
      expect(await list(['b'], 1, 2)).toEqual(['b@2']);
      expect(await list(undefined, 3, 10)).toEqual([]);
      expect(await list([], 0, 3)).toEqual([]);
      expect(await current().monitorRollups.list('1h', undefined, 0, minute(10))).toEqual([]);
    });

    it('lists more named monitors than one query takes, in the database order of names', async () => {
      // 1,001 names: U+FF5E sorts before an emoji in UTF-8 (both databases) but after it in
      // UTF-16 (JavaScript's <), and here the two would straddle two queries of 1,000 names.
      const monitors = [...Array.from({ length: 999 }, (_, index) => `m-${(index * 7919) % 999}`), 'm-\u{FF5E}', 'm-😀'];
      await current().monitorRollups.upsert('1h', monitors.map((monitor) => baseRollup(monitor, { endMs: minute(60) })));
      const everything = await current().monitorRollups.list('1h', undefined, 0, minute(60));
      expect(everything).toHaveLength(1_001);
      expect(await current().monitorRollups.list('1h', [...monitors].reverse(), 0, minute(60))).toEqual(everything);
      expect(everything.slice(-2).map((rollup) => rollup.monitor)).toEqual(['m-\u{FF5E}', 'm-😀']);
    });

    it('deletes at most `limit` buckets of one size ending before the bound', async () => {
      await current().monitorRollups.upsert('1m', ['a', 'b'].flatMap((monitor) => [1, 2, 3, 4].map((index) => baseRollup(monitor, { endMs: minute(index) }))));
      await current().monitorRollups.upsert('1h', [baseRollup('a', { endMs: minute(1) })]);
      expect(await current().monitorRollups.deleteOlderThan('1m', minute(4), 0)).toBe(0);
      expect(await current().monitorRollups.deleteOlderThan('1m', minute(4), 3)).toBe(3);
      const left = await current().monitorRollups.list('1m', undefined, 0, minute(10));
      expect(left).toHaveLength(5);
      expect(keys(left).filter((key) => key.endsWith('@1'))).toEqual([]);
      expect(await current().monitorRollups.deleteOlderThan('1m', minute(4), 100)).toBe(3);
      expect(keys(await current().monitorRollups.list('1m', undefined, 0, minute(10)))).toEqual(['a@4', 'b@4']);
      expect(keys(await current().monitorRollups.list('1h', undefined, 0, minute(10)))).toEqual(['a@1']);
    });

    it('writes 2,500 buckets in one call', async () => {
      const rollups = Array.from({ length: 2_500 }, (_, index) => baseRollup(`m-${index % 10}`, { endMs: minute(index) }));
      await current().monitorRollups.upsert('1m', rollups);
      expect(await current().monitorRollups.list('1m', ['m-3'], 0, minute(3_000))).toHaveLength(250);
    });

    it('reports no progress until set, then the latest value', async () => {
      expect(await current().monitorRollups.progress()).toBeNull();
      await current().monitorRollups.setProgress(minute(5));
      expect(await current().monitorRollups.progress()).toBe(minute(5));
      await current().monitorRollups.setProgress(minute(6));
      expect(await current().monitorRollups.progress()).toBe(minute(6));
    });
  });
}
