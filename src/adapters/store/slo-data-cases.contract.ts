// Contract cases for what SLOs accumulate: good/total counts in 1-minute and 1-hour buckets,
// idempotency keys of ingest requests, alert state and evaluation history. Bounds are asserted
// on both sides of each edge.
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { baseIngestKey, epochMs } from './store-builders.contract.js';
import type { SloCount, SloHistoryPoint, Store } from './store.js';

const hourMs = 3_600_000;
/** A time of day on 2026-01-01 (UTC) in ms, from "HH:MM". */
const at = (time: string) => Date.parse(`2026-01-01T${time}:00.000Z`);
const minute = (index: number) => epochMs + index * 60_000;
const count = (slo: string, endMs: number, good: number, total: number): SloCount => ({ slo, endMs, good, total });
const keys = (counts: readonly SloCount[]) => counts.map((c) => `${c.slo}@${(c.endMs - epochMs) / 60_000}`);

export function registerSloCountCases(current: () => Store): void {
  describe('SLO counts', () => {
    const minutes = (slo?: string) => current().sloCounts.minutes(slo, 0, at('23:59'));
    const hours = (slo?: string) => current().sloCounts.hours(slo, 0, at('23:59'));

    it('adds counts of one bucket within a call and across calls, creating rows at zero', async () => {
      await current().sloCounts.add([count('a', at('10:05'), 1, 2), count('a', at('10:05'), 0.5, 1)]);
      expect(await minutes()).toEqual([count('a', at('10:05'), 1.5, 3)]);
      await current().sloCounts.add([count('a', at('10:05'), 2.25, 4), count('a', at('10:05'), 0, 0)]);
      expect(await minutes()).toEqual([count('a', at('10:05'), 3.75, 7)]);
      expect(await hours()).toEqual([count('a', at('11:00'), 3.75, 7)]);
      await current().sloCounts.add([count('b', at('10:06'), 0, 0)]);
      expect(await minutes('b')).toEqual([count('b', at('10:06'), 0, 0)]);
      await expect(current().sloCounts.add([])).resolves.toBeUndefined();
    });

    it('adds each minute to the hour bucket whose (end - 1 h, end] holds it', async () => {
      await current().sloCounts.add([
        count('a', at('10:59'), 1, 1),
        count('a', at('11:00'), 2, 2),
        count('a', at('11:01'), 4, 4),
        count('a', at('10:00'), 8, 8),
      ]);
      await current().sloCounts.add([count('a', at('12:00'), 16, 16)]);
      expect(await minutes()).toEqual([
        count('a', at('10:00'), 8, 8),
        count('a', at('10:59'), 1, 1),
        count('a', at('11:00'), 2, 2),
        count('a', at('11:01'), 4, 4),
        count('a', at('12:00'), 16, 16),
      ]);
      expect(await hours()).toEqual([count('a', at('10:00'), 8, 8), count('a', at('11:00'), 3, 3), count('a', at('12:00'), 20, 20)]);
    });

    it.each([0.1 + 0.2, 1e-7, 123_456.789_012_345, 2 ** 40 + 0.5, 59_999.999_999])(
      'keeps a fractional count of %s exactly',
      async (value) => {
        await current().sloCounts.add([count('a', at('10:05'), value, value * 2)]);
        expect(await minutes()).toEqual([count('a', at('10:05'), value, value * 2)]);
        expect(await hours()).toEqual([count('a', at('11:00'), value, value * 2)]);
      },
    );

    it('lists buckets ending in (fromMs, toMs], by slo then end, for one SLO or all', async () => {
      await current().sloCounts.add(['c', 'a', 'b'].flatMap((slo) => [3, 1, 2].map((index) => count(slo, minute(index), index, index))));
      const list = async (slo: string | undefined, from: number, to: number) =>
        keys(await current().sloCounts.minutes(slo, minute(from), minute(to)));
      expect(await list(undefined, 0, 3)).toEqual(['a@1', 'a@2', 'a@3', 'b@1', 'b@2', 'b@3', 'c@1', 'c@2', 'c@3']);
      expect(await list('b', 1, 2)).toEqual(['b@2']);
      const justBefore = async (from: number, to: number) => keys(await current().sloCounts.minutes('b', minute(from) - 1, minute(to) - 1));
      expect(await justBefore(1, 3)).toEqual(['b@1', 'b@2']);
      expect(await list(undefined, 3, 10)).toEqual([]);
      expect(await list('nobody', 0, 3)).toEqual([]);
      expect(keys(await current().sloCounts.hours(undefined, minute(59), minute(60)))).toEqual(['a@60', 'b@60', 'c@60']);
      expect(await current().sloCounts.hours(undefined, minute(60), minute(120))).toEqual([]);
    });

    it('deletes at most `limit` buckets of one size ending before the bound, oldest first', async () => {
      await current().sloCounts.add(['a', 'b'].flatMap((slo) => [1, 2, 3, 4, 61].map((index) => count(slo, minute(index), 1, 1))));
      expect(await current().sloCounts.deleteOlderThan('1m', minute(4), 0)).toBe(0);
      expect(await current().sloCounts.deleteOlderThan('1m', minute(4), 3)).toBe(3);
      expect(keys(await minutes()).filter((key) => key.endsWith('@1'))).toEqual([]);
      expect(await minutes()).toHaveLength(7);
      expect(await current().sloCounts.deleteOlderThan('1m', minute(4), 100)).toBe(3);
      expect(keys(await minutes())).toEqual(['a@4', 'a@61', 'b@4', 'b@61']);
      // The hours holding the deleted minutes are untouched, and go by their own bound.
      expect(keys(await hours())).toEqual(['a@60', 'a@120', 'b@60', 'b@120']);
      expect(await current().sloCounts.deleteOlderThan('1h', minute(120), 100)).toBe(2);
      expect(keys(await hours())).toEqual(['a@120', 'b@120']);
      expect(await minutes()).toHaveLength(4);
    });

    it('adds 2,500 buckets (several statements) in one call, and again on top', async () => {
      const batch = Array.from({ length: 2_500 }, (_, index) => count(`slo-${index % 25}`, minute(index + 1), 0.5, 1));
      await current().sloCounts.add(batch);
      await current().sloCounts.add(batch);
      const stored = await current().sloCounts.minutes(undefined, 0, minute(10_000));
      expect(stored).toHaveLength(2_500);
      expect(stored.every((bucket) => bucket.good === 1 && bucket.total === 2)).toBe(true);
      const hourly = await current().sloCounts.hours('slo-0', 0, minute(10_000));
      expect(hourly.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(200);
      expect(hourly.map((bucket) => (bucket.endMs - epochMs) / hourMs)).toEqual(Array.from({ length: 42 }, (_, index) => index + 1));
    });

    it.each([
      ['NaN good', count('a', at('10:05'), Number.NaN, 1), 'counts[1].good'],
      ['infinite total', count('a', at('10:05'), 1, Number.POSITIVE_INFINITY), 'counts[1].total'],
      ['a fractional end', count('a', at('10:05') + 0.5, 1, 1), 'counts[1].endMs'],
    ])('rejects %s with a ValidationError naming it, writing nothing', async (_case, bad, field) => {
      const attempt = current().sloCounts.add([count('a', at('10:04'), 1, 1), bad]);
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ problems: [{ field }] });
      expect(await minutes()).toEqual([]);
      expect(await hours()).toEqual([]);
    });

    it('writes a batch of several statements whole or not at all', async () => {
      await current().sloCounts.add([count('a', minute(1), 1, 1)]);
      const batch = Array.from({ length: 2_500 }, (_, index) => count('a', minute(index + 1), 1, 1));
      // A NOT NULL violation in the last chunk, as a driver or disk error would strike one after
      // earlier statements succeeded: rows go in (slo, end) order, and null is neither less nor
      // greater than 'a', so the latest end puts it last.
      batch.push(count(null as unknown as string, minute(2_501), 1, 1));
      await expect(current().sloCounts.add(batch)).rejects.toThrow();
      expect(await minutes()).toEqual([count('a', minute(1), 1, 1)]);
      expect(await hours()).toEqual([count('a', minute(60), 1, 1)]);
    });

    it('rolls back added counts when the transaction throws', async () => {
      await current().sloCounts.add([count('a', minute(1), 1, 1)]);
      const attempt = current().transaction(async (repositories) => {
        await repositories.sloCounts.add(Array.from({ length: 2_500 }, (_, index) => count('a', minute(index + 1), 1, 1)));
        expect(await repositories.sloCounts.minutes('a', 0, minute(1))).toEqual([count('a', minute(1), 2, 2)]);
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await minutes()).toEqual([count('a', minute(1), 1, 1)]);
      expect(await hours()).toEqual([count('a', minute(60), 1, 1)]);
    });
  });
}

export function registerIngestKeyCases(current: () => Store): void {
  describe('ingest keys', () => {
    it('returns an inserted key exactly as given, and undefined for an unknown one', async () => {
      await current().ingestKeys.insert(baseIngestKey());
      await current().ingestKeys.insert(baseIngestKey({ key: 'batch-0002', response: null }));
      expect(await current().ingestKeys.get('batch-0001')).toEqual(baseIngestKey());
      expect(await current().ingestKeys.get('batch-0002')).toEqual(baseIngestKey({ key: 'batch-0002', response: null }));
      expect(await current().ingestKeys.get('batch-0003')).toBeUndefined();
    });

    it('rejects a used key with ConflictError and keeps the first answer', async () => {
      await current().ingestKeys.insert(baseIngestKey());
      const retry = current().ingestKeys.insert(baseIngestKey({ requestHash: 'c'.repeat(64), response: { accepted: 0 } }));
      await expect(retry).rejects.toBeInstanceOf(ConflictError);
      await expect(retry).rejects.toMatchObject({ code: 'conflict', problems: [{ field: 'key', message: 'already exists' }] });
      expect(await current().ingestKeys.get('batch-0001')).toEqual(baseIngestKey());
    });

    it('commits or rolls back with the counts of its request', async () => {
      await current().transaction(async (repositories) => {
        await expect(repositories.ingestKeys.insert(baseIngestKey())).resolves.toBeUndefined();
        await expect(repositories.ingestKeys.insert(baseIngestKey())).rejects.toBeInstanceOf(ConflictError);
        await repositories.sloCounts.add([count('a', minute(1), 1, 1)]);
      });
      const attempt = current().transaction(async (repositories) => {
        await repositories.ingestKeys.insert(baseIngestKey({ key: 'batch-0002' }));
        await repositories.sloCounts.add([count('a', minute(1), 1, 1)]);
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await current().ingestKeys.get('batch-0002')).toBeUndefined();
      expect(await current().sloCounts.minutes('a', 0, minute(1))).toEqual([count('a', minute(1), 1, 1)]);
    });

    it('deletes at most `limit` keys created before the bound, oldest first', async () => {
      for (const second of [5, 1, 4, 2, 3, 6]) {
        await current().ingestKeys.insert(baseIngestKey({ key: `k${second}`, createdAtMs: epochMs + second * 1_000 }));
      }
      const left = async () => {
        const found = await Promise.all([1, 2, 3, 4, 5, 6].map((second) => current().ingestKeys.get(`k${second}`)));
        return found.flatMap((entry) => (entry === undefined ? [] : [entry.key]));
      };
      expect(await current().ingestKeys.deleteOlderThan(epochMs + 5_000, 0)).toBe(0);
      expect(await current().ingestKeys.deleteOlderThan(epochMs + 5_000, 2)).toBe(2);
      expect(await left()).toEqual(['k3', 'k4', 'k5', 'k6']);
      expect(await current().ingestKeys.deleteOlderThan(epochMs + 5_000, 100)).toBe(2);
      expect(await left()).toEqual(['k5', 'k6']);
    });
  });
}

export function registerSloStateCases(current: () => Store): void {
  describe('SLO runtime state', () => {
    it('inserts, then replaces each named state whole, listing by SLO', async () => {
      const search = { slo: 'search', state: { alerts: [], since: null } };
      const checkout = { slo: 'checkout', state: { alerts: [{ severity: 'page', activeAtMs: epochMs, burn: 14.4 }] } };
      await current().sloStates.upsert([search, checkout]);
      expect(await current().sloStates.all()).toEqual([checkout, search]);
      const resolved = { slo: 'checkout', state: { resolvedAtMs: epochMs + 60_000 } };
      await current().sloStates.upsert([resolved]);
      expect(await current().sloStates.all()).toEqual([resolved, search]);
      await expect(current().sloStates.upsert([])).resolves.toBeUndefined();
    });

    it('keeps the last of two states for one SLO in a single call', async () => {
      await current().sloStates.upsert([{ slo: 'a', state: { n: 1 } }, { slo: 'a', state: { n: 2 } }]);
      expect(await current().sloStates.all()).toEqual([{ slo: 'a', state: { n: 2 } }]);
    });
  });
}

export function registerSloHistoryCases(current: () => Store): void {
  describe('SLO history', () => {
    const point = (slo: string, index: number, data: Record<string, unknown> = { i: index }): SloHistoryPoint => ({
      slo,
      atMs: minute(index),
      data,
    });
    const indexes = (points: readonly SloHistoryPoint[]) => points.map((p) => (p.atMs - epochMs) / 60_000);

    it('lists one SLO oldest first within (fromMs, toMs], at most `limit`', async () => {
      await current().sloHistory.append([4, 1, 3, 2, 5].map((index) => point('a', index)));
      await current().sloHistory.append([point('b', 3)]);
      const list = async (from: number, to: number, limit = 100) => indexes(await current().sloHistory.list('a', minute(from), minute(to), limit));
      expect(await list(0, 10)).toEqual([1, 2, 3, 4, 5]);
      expect(await list(1, 4)).toEqual([2, 3, 4]);
      expect(indexes(await current().sloHistory.list('a', minute(1) - 1, minute(4) - 1, 100))).toEqual([1, 2, 3]);
      expect(await list(0, 10, 2)).toEqual([1, 2]);
      expect(await list(5, 10)).toEqual([]);
      expect(await current().sloHistory.list('a', 0, minute(10), 1)).toEqual([point('a', 1)]);
      await expect(current().sloHistory.append([])).resolves.toBeUndefined();
    });

    it('replaces a point at the same instant, across calls and within one', async () => {
      await current().sloHistory.append([point('a', 1, { burn: 1 }), point('a', 2, { burn: 2 })]);
      await current().sloHistory.append([point('a', 1, { burn: 10 })]);
      await current().sloHistory.append([point('a', 2, { burn: 20 }), point('a', 2, { burn: 21, nested: { list: [0.5, null] } })]);
      expect(await current().sloHistory.list('a', 0, minute(10), 100)).toEqual([
        point('a', 1, { burn: 10 }),
        point('a', 2, { burn: 21, nested: { list: [0.5, null] } }),
      ]);
    });

    it('finds the newest point at or before an instant', async () => {
      await current().sloHistory.append([point('a', 2), point('a', 4), point('b', 3)]);
      expect(await current().sloHistory.latestAtOrBefore('a', minute(4))).toEqual(point('a', 4));
      expect(await current().sloHistory.latestAtOrBefore('a', minute(4) - 1)).toEqual(point('a', 2));
      expect(await current().sloHistory.latestAtOrBefore('a', minute(100))).toEqual(point('a', 4));
      expect(await current().sloHistory.latestAtOrBefore('a', minute(2) - 1)).toBeUndefined();
      expect(await current().sloHistory.latestAtOrBefore('nobody', minute(100))).toBeUndefined();
    });

    it('deletes at most `limit` points older than the bound, oldest first', async () => {
      await current().sloHistory.append([5, 1, 4, 2, 3].flatMap((index) => [point('a', index), point('b', index + 0.5)]));
      const left = async () => [
        ...indexes(await current().sloHistory.list('a', 0, minute(10), 100)),
        ...indexes(await current().sloHistory.list('b', 0, minute(10), 100)),
      ];
      expect(await current().sloHistory.deleteOlderThan(minute(4), 0)).toBe(0);
      expect(await current().sloHistory.deleteOlderThan(minute(4), 3)).toBe(3);
      expect(await left()).toEqual([3, 4, 5, 2.5, 3.5, 4.5, 5.5]);
      expect(await current().sloHistory.deleteOlderThan(minute(4), 100)).toBe(3);
      expect(await left()).toEqual([4, 5, 4.5, 5.5]);
    });
  });
}
