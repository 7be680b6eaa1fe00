// Contract cases for SLO restart checkpoints (bytes per SLO, keyset pages, upsert replaces) and
// for the bulk minute replay that follows them (`sloCounts.minutesSince`).
import { describe, expect, it } from 'vitest';
import { baseSlo, epochMs } from './store-builders.contract.js';
import type { SloCheckpoint, SloCount, Store } from './store.js';

const minute = (index: number) => epochMs + index * 60_000;
const count = (slo: string, endMs: number, good: number, total: number): SloCount => ({ slo, endMs, good, total });
const checkpoint = (slo: string, cutMs: number, bytes: number[]): SloCheckpoint => ({ slo, cutMs, writtenAtMs: cutMs + 62 * 60_000, data: Uint8Array.from(bytes) });
/** Bytes as plain arrays: drivers hand back Buffer or Uint8Array, both with the same bytes. */
const plain = (checkpoints: readonly SloCheckpoint[]) => checkpoints.map((c) => ({ ...c, data: [...c.data] }));

export function registerSloCheckpointCases(current: () => Store): void {
  describe('SLO checkpoints', () => {
    it('returns checkpoints byte for byte, by slo, in keyset pages; an upsert replaces', async () => {
      const large = Array.from({ length: 70_000 }, (_, index) => (index * 7919) % 256);
      await current().sloCheckpoints.upsert([checkpoint('b', minute(10), [1, 0, 255]), checkpoint('a', minute(20), large), checkpoint('c', minute(30), [])]);
      expect(plain(await current().sloCheckpoints.list(undefined, 10))).toEqual(plain([checkpoint('a', minute(20), large), checkpoint('b', minute(10), [1, 0, 255]), checkpoint('c', minute(30), [])]));
      expect((await current().sloCheckpoints.list(undefined, 2)).map((c) => c.slo)).toEqual(['a', 'b']);
      expect((await current().sloCheckpoints.list('b', 2)).map((c) => c.slo)).toEqual(['c']);
      expect(await current().sloCheckpoints.list('c', 2)).toEqual([]);
      await current().sloCheckpoints.upsert([checkpoint('b', minute(40), [9]), checkpoint('b', minute(50), [8, 8])]);
      expect(plain(await current().sloCheckpoints.list('a', 1))).toEqual(plain([checkpoint('b', minute(50), [8, 8])]));
    });

    it('writes more checkpoints than one statement holds', async () => {
      const many = Array.from({ length: 450 }, (_, index) => checkpoint(`slo-${String(index).padStart(3, '0')}`, minute(index), [index % 256, 1]));
      await current().sloCheckpoints.upsert(many);
      const read = await current().sloCheckpoints.list(undefined, 1000);
      expect(plain(read)).toEqual(plain(many));
    });

    it('deletes all checkpoints, and an SLO deleted takes its checkpoint along', async () => {
      await current().slos.insert(baseSlo());
      await current().sloCheckpoints.upsert([checkpoint('checkout-availability', minute(1), [1]), checkpoint('other', minute(1), [2])]);
      expect(await current().slos.delete('checkout-availability')).toBe(true);
      expect((await current().sloCheckpoints.list(undefined, 10)).map((c) => c.slo)).toEqual(['other']);
      expect(await current().sloCheckpoints.deleteAll()).toBe(1);
      expect(await current().sloCheckpoints.list(undefined, 10)).toEqual([]);
    });

    it('lists every SLO\'s minutes after a time, by end then slo, and leaves the hour rows out', async () => {
      await current().sloCounts.add([count('b', minute(2), 1, 2), count('a', minute(3), 3, 4), count('a', minute(1), 5, 6), count('c', minute(2), 0.5, 1), count('a', minute(61), 1, 1)]);
      expect(await current().sloCounts.minutesSince(minute(1))).toEqual([count('b', minute(2), 1, 2), count('c', minute(2), 0.5, 1), count('a', minute(3), 3, 4), count('a', minute(61), 1, 1)]);
      expect(await current().sloCounts.minutesSince(minute(1) - 1)).toHaveLength(5);
      expect(await current().sloCounts.minutesSince(minute(61))).toEqual([]);
      expect(await current().sloCounts.minutesSince(minute(1), minute(3))).toEqual([count('b', minute(2), 1, 2), count('c', minute(2), 0.5, 1), count('a', minute(3), 3, 4)]);
      expect(await current().sloCounts.minutesSince(minute(2), minute(60))).toEqual([count('a', minute(3), 3, 4)]);
    });
  });
}
