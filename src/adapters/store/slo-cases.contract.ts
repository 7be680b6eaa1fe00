// Contract cases for SLOs: the written document round-trips exactly, conflicts and missing SLOs
// are typed errors, listing filters and pages in byte order of names, and deleting an SLO takes
// its counts, state and history with it (atomically).
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { baseSlo, epochMs, t1 } from './store-builders.contract.js';
import type { StoredSlo, Store } from './store.js';

const names = (slos: readonly StoredSlo[]) => slos.map((slo) => slo.name);
const minute = (index: number) => epochMs + index * 60_000;

export function registerSloCases(current: () => Store): void {
  describe('SLOs', () => {
    it.each([
      ['every JSON shape in the document', baseSlo()],
      ['a minimal config SLO', baseSlo({ name: 'search-latency', service: 'search', document: {}, source: 'config' })],
    ])('returns an inserted SLO exactly as given: %s', async (_case, slo) => {
      await current().slos.insert(slo);
      const stored = await current().slos.get(slo.name);
      expect(stored).toEqual(slo);
      // Key order and number spelling too: the written form is shown back to its author.
      expect(JSON.stringify(stored?.document)).toBe(JSON.stringify(slo.document));
      expect(await current().slos.get('missing')).toBeUndefined();
    });

    it('replaces every field on update', async () => {
      await current().slos.insert(baseSlo());
      const changed = baseSlo({
        service: 'payments',
        document: { objective: 0.99, window: '7d', sli: { threshold_ms: 250.5 } },
        source: 'config',
        updatedAt: t1,
      });
      await current().slos.update(changed);
      expect(await current().slos.get('checkout-availability')).toEqual(changed);
      expect(await current().slos.countByService('checkout')).toBe(0);
    });

    it('rejects a duplicate name with ConflictError naming the field, and keeps the first row', async () => {
      await current().slos.insert(baseSlo());
      const duplicate = current().slos.insert(baseSlo({ service: 'impostor', document: {} }));
      await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
      await expect(duplicate).rejects.toMatchObject({ code: 'conflict', problems: [{ field: 'name', message: 'already exists' }] });
      expect(await current().slos.get('checkout-availability')).toEqual(baseSlo());
      expect(await current().slos.all()).toHaveLength(1);
    });

    it('stays usable inside a transaction after a caught conflict', async () => {
      await current().slos.insert(baseSlo());
      await current().transaction(async (repositories) => {
        await expect(repositories.slos.insert(baseSlo())).rejects.toBeInstanceOf(ConflictError);
        await repositories.slos.insert(baseSlo({ name: 'search-latency' }));
      });
      expect(names(await current().slos.all())).toEqual(['checkout-availability', 'search-latency']);
    });

    it('rejects an update of a missing SLO with NotFoundError', async () => {
      const update = current().slos.update(baseSlo({ name: 'ghost' }));
      await expect(update).rejects.toBeInstanceOf(NotFoundError);
      await expect(update).rejects.toMatchObject({ code: 'not_found', message: "SLO 'ghost' does not exist" });
      expect(await current().slos.get('ghost')).toBeUndefined();
    });

    it('counts SLOs per service', async () => {
      await current().slos.insert(baseSlo({ name: 'a', service: 'checkout' }));
      await current().slos.insert(baseSlo({ name: 'b', service: 'checkout' }));
      await current().slos.insert(baseSlo({ name: 'c', service: 'search' }));
      expect(await current().slos.countByService('checkout')).toBe(2);
      expect(await current().slos.countByService('search')).toBe(1);
      expect(await current().slos.countByService('nobody')).toBe(0);
      await current().slos.delete('a');
      expect(await current().slos.countByService('checkout')).toBe(1);
    });
  });

  registerSloListCases(current);
  registerSloDeleteCases(current);
}

function registerSloListCases(current: () => Store): void {
  describe('SLO listing', () => {
    // 'Zeta' sorts before 'api-…' in byte order (SQLite BINARY, PostgreSQL "C") but after it in
    // most locales' collations: the order must not depend on how the database was created.
    const catalog: Array<Partial<StoredSlo>> = [
      { name: 'Zeta-latency', service: 'zeta' },
      { name: 'api-availability', service: 'api' },
      { name: 'api-latency', service: 'api' },
      { name: 'checkout-availability', service: 'checkout' },
      { name: 'search-availability', service: 'search' },
    ];
    beforeEach(async () => {
      for (const overrides of [...catalog].reverse()) await current().slos.insert(baseSlo(overrides));
    });

    it('lists and returns all in byte order of names', async () => {
      const expected = catalog.map((slo) => slo.name);
      expect(names(await current().slos.list({ limit: 100 }))).toEqual(expected);
      expect(names(await current().slos.all())).toEqual(expected);
      expect(await current().slos.all()).toEqual(await current().slos.list({ limit: 100 }));
    });

    it.each([
      ['service', { service: 'api' }, ['api-availability', 'api-latency']],
      ['an unknown service', { service: 'nobody' }, []],
      ['service with pagination', { service: 'api', afterName: 'api-availability' }, ['api-latency']],
      ['a page limit', { limit: 2 }, ['Zeta-latency', 'api-availability']],
      ['a cursor past the end', { afterName: 'zzz' }, []],
      ['a limit of zero', { limit: 0 }, []],
    ])('filters by %s', async (_case, query, expected) => {
      expect(names(await current().slos.list({ limit: 100, ...query }))).toEqual(expected);
    });

    it('reassembles every SLO exactly from pages of 3', async () => {
      for (let index = 0; index < 10; index += 1) {
        await current().slos.insert(baseSlo({ name: `zz-${String((index * 7) % 10).padStart(2, '0')}` }));
      }
      const seen: string[] = [];
      let afterName: string | undefined;
      for (;;) {
        const page = await current().slos.list({ limit: 3, afterName });
        seen.push(...names(page));
        if (page.length < 3) break;
        afterName = page.at(-1)?.name;
      }
      expect(seen).toEqual(names(await current().slos.all()));
      expect(seen).toHaveLength(15);
    });
  });
}

function registerSloDeleteCases(current: () => Store): void {
  describe('SLO deletion', () => {
    async function seed(name: string): Promise<void> {
      await current().slos.insert(baseSlo({ name }));
      await current().sloCounts.add([
        { slo: name, endMs: minute(1), good: 9, total: 10 },
        { slo: name, endMs: minute(61), good: 5, total: 5 },
      ]);
      await current().sloStates.upsert([{ slo: name, state: { alerts: { page: 'firing' } } }]);
      await current().sloHistory.append([{ slo: name, atMs: minute(1), data: { burn: 1.5 } }]);
    }
    const everything = async (slo: string) => ({
      minutes: await current().sloCounts.minutes(slo, 0, minute(1_000)),
      hours: await current().sloCounts.hours(slo, 0, minute(1_000)),
      history: await current().sloHistory.list(slo, 0, minute(1_000), 100),
      states: (await current().sloStates.all()).filter((state) => state.slo === slo),
    });

    it("takes the SLO's counts, state and history, and nothing of another SLO", async () => {
      await seed('checkout-availability');
      await seed('search-availability');
      const search = await everything('search-availability');
      expect(search.minutes).toHaveLength(2);
      expect(search.hours).toHaveLength(2);

      expect(await current().slos.delete('checkout-availability')).toBe(true);
      expect(await current().slos.delete('checkout-availability')).toBe(false);

      expect(await current().slos.get('checkout-availability')).toBeUndefined();
      expect(await everything('checkout-availability')).toEqual({ minutes: [], hours: [], history: [], states: [] });
      expect(await everything('search-availability')).toEqual(search);
      expect(await current().slos.countByService('checkout')).toBe(1);
    });

    it('removes rows left without an SLO (a batch that raced a delete), reporting no SLO deleted', async () => {
      await current().sloCounts.add([{ slo: 'ghost', endMs: minute(1), good: 1, total: 1 }]);
      await current().sloHistory.append([{ slo: 'ghost', atMs: minute(1), data: {} }]);
      expect(await current().slos.delete('ghost')).toBe(false);
      expect(await everything('ghost')).toEqual({ minutes: [], hours: [], history: [], states: [] });
    });

    it('lets a new SLO reuse the name without inheriting anything', async () => {
      await seed('checkout-availability');
      await current().slos.delete('checkout-availability');
      await current().slos.insert(baseSlo({ document: { objective: 0.95 } }));
      expect(await everything('checkout-availability')).toEqual({ minutes: [], hours: [], history: [], states: [] });
    });

    it('rolls the whole deletion back with its transaction', async () => {
      await seed('checkout-availability');
      const before = await everything('checkout-availability');
      const attempt = current().transaction(async (repositories) => {
        expect(await repositories.slos.delete('checkout-availability')).toBe(true);
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await current().slos.get('checkout-availability')).toEqual(baseSlo());
      expect(await everything('checkout-availability')).toEqual(before);
    });
  });
}
