// Contract cases for on-call overrides created through the API.
import { describe, expect, it } from 'vitest';
import { epochMs } from './store-builders.contract.js';
import type { Store, StoredOncallOverride } from './store.js';

const hourMs = 3_600_000;

export function baseOncallOverride(overrides: Partial<StoredOncallOverride> = {}): StoredOncallOverride {
  return { id: 'ovr-1', schedule: 'primary', person: 'alice', startMs: epochMs, endMs: epochMs + 8 * hourMs, createdBy: 'test-responder', createdAtMs: epochMs - hourMs, ...overrides };
}

export function registerOncallOverrideCases(current: () => Store): void {
  describe('on-call overrides', () => {
    it('stores overrides and lists them by schedule, then start, with millisecond times intact', async () => {
      const late = baseOncallOverride({ id: 'ovr-2', startMs: epochMs + 10 * hourMs, endMs: epochMs + 10 * hourMs + 1 });
      const other = baseOncallOverride({ id: 'ovr-3', schedule: 'nights', person: 'bob' });
      await current().oncallOverrides.insert(late);
      await current().oncallOverrides.insert(other);
      await current().oncallOverrides.insert(baseOncallOverride());
      expect(await current().oncallOverrides.all()).toEqual([other, baseOncallOverride(), late]);
    });

    it('rejects a second override with the same id and keeps the first', async () => {
      await current().oncallOverrides.insert(baseOncallOverride());
      await expect(current().oncallOverrides.insert(baseOncallOverride({ person: 'mallory' }))).rejects.toThrow();
      expect(await current().oncallOverrides.all()).toEqual([baseOncallOverride()]);
    });

    it('deletes by id and says whether there was one', async () => {
      await current().oncallOverrides.insert(baseOncallOverride());
      expect(await current().oncallOverrides.delete('ovr-1')).toBe(true);
      expect(await current().oncallOverrides.delete('ovr-1')).toBe(false);
      expect(await current().oncallOverrides.all()).toEqual([]);
    });

    it('rolls an insert back with its transaction', async () => {
      await expect(
        current().transaction(async (repositories) => {
          await repositories.oncallOverrides.insert(baseOncallOverride());
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await current().oncallOverrides.all()).toEqual([]);
    });
  });
}
