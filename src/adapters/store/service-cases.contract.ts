// Contract cases for the service catalog: CRUD, conflicts, ordering, pagination and filters.
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Service } from '../../core/services/service.js';
import { baseService, t1 } from './store-builders.contract.js';
import type { Store } from './store.js';

async function listAllNames(store: Store, pageSize: number): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let pages = 0;
  let afterName: string | undefined;
  for (;;) {
    const page = await store.services.list({ limit: pageSize, afterName });
    pages += 1;
    names.push(...page.map((service) => service.name));
    if (page.length < pageSize) return { names, pages };
    afterName = page.at(-1)?.name;
  }
}

export function registerServiceCases(current: () => Store): void {
  describe('services', () => {
    it('returns an inserted service exactly as given', async () => {
      const service = baseService({ team: null, links: {}, tags: [], dependencies: [] });
      await current().services.insert(service);
      expect(await current().services.get('checkout')).toEqual(service);
      expect(await current().services.get('missing')).toBeUndefined();
    });

    it.each([
      ['CJK and emoji', '決済サービス 🚀'],
      ['accents and dashes', 'Zürich — café façade'],
      ['right-to-left script', 'خدمة الدفع'],
    ])('round-trips a display name with %s', async (_case, displayName) => {
      await current().services.insert(baseService({ displayName, team: 'équipe-ü' }));
      const stored = await current().services.get('checkout');
      expect(stored?.displayName).toBe(displayName);
      expect(stored?.team).toBe('équipe-ü');
    });

    it('replaces every field on update', async () => {
      await current().services.insert(baseService());
      const changed = baseService({
        displayName: 'Checkout v2',
        team: null,
        criticality: 'critical',
        tags: ['edge'],
        dependencies: [],
        links: { dashboard: 'https://grafana.example/d/checkout' },
        source: 'config',
        updatedAt: t1,
      });
      await current().services.update(changed);
      expect(await current().services.get('checkout')).toEqual(changed);
    });

    it('rejects a duplicate name with ConflictError and keeps the first row', async () => {
      await current().services.insert(baseService());
      const duplicate = current().services.insert(baseService({ displayName: 'Impostor', tags: ['other'] }));
      await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
      await expect(duplicate).rejects.toMatchObject({ code: 'conflict' });
      expect(await current().services.get('checkout')).toEqual(baseService());
      expect(await current().services.list({ limit: 10, tag: 'other' })).toEqual([]);
      expect(await current().services.count()).toBe(1);
    });

    it('rejects an update of a missing service with NotFoundError', async () => {
      const update = current().services.update(baseService({ name: 'ghost' }));
      await expect(update).rejects.toBeInstanceOf(NotFoundError);
      await expect(update).rejects.toMatchObject({ code: 'not_found' });
      expect(await current().services.get('ghost')).toBeUndefined();
    });

    it('deletes once, then reports nothing to delete', async () => {
      await current().services.insert(baseService());
      await current().services.insert(baseService({ name: 'search' }));
      expect(await current().services.count()).toBe(2);
      expect(await current().services.delete('checkout')).toBe(true);
      expect(await current().services.delete('checkout')).toBe(false);
      expect(await current().services.get('checkout')).toBeUndefined();
      expect(await current().services.count()).toBe(1);
    });

    it('forgets a deleted service tags, so the name can be reused with others', async () => {
      await current().services.insert(baseService({ tags: ['web'] }));
      await current().services.delete('checkout');
      expect(await current().services.list({ limit: 10, tag: 'web' })).toEqual([]);
      await current().services.insert(baseService({ tags: ['batch'] }));
      expect(await current().services.list({ limit: 10, tag: 'web' })).toEqual([]);
      expect((await current().services.list({ limit: 10, tag: 'batch' })).map((s) => s.name)).toEqual(['checkout']);
    });

    it('keeps a repeated tag as given and lists the service once for it', async () => {
      await current().services.insert(baseService({ tags: ['web', 'web'] }));
      expect((await current().services.get('checkout'))?.tags).toEqual(['web', 'web']);
      expect(await current().services.list({ limit: 10, tag: 'web' })).toHaveLength(1);
    });
  });
}

export function registerListCases(current: () => Store): void {
  describe('service listing', () => {
    it('orders by name in byte order, like the API documents', async () => {
      const names = ['search', 'a-b', 'ab', 'a1', 'b', 'a', 'zeta-9'];
      for (const serviceName of names) await current().services.insert(baseService({ name: serviceName }));
      const expected = [...names].sort();
      expect((await current().services.list({ limit: 100 })).map((s) => s.name)).toEqual(expected);
      expect((await current().services.all()).map((s) => s.name)).toEqual(expected);
    });

    it('returns the dependency graph by name, following updates', async () => {
      await current().services.insert(baseService({ name: 'db', dependencies: [] }));
      await current().services.insert(baseService({ name: 'api', dependencies: ['db'] }));
      await current().services.insert(baseService({ name: 'web', dependencies: ['api', 'db'] }));
      await current().services.update(baseService({ name: 'api', dependencies: [] }));
      expect(await current().services.dependencyGraph()).toEqual([
        { name: 'api', dependencies: [] },
        { name: 'db', dependencies: [] },
        { name: 'web', dependencies: ['api', 'db'] },
      ]);
    });

    it('reassembles 120 services exactly from pages of 50', async () => {
      const names = Array.from({ length: 120 }, (_, index) => `svc-${String((index * 37) % 120).padStart(3, '0')}`);
      await current().transaction(async (repositories) => {
        for (const serviceName of names) await repositories.services.insert(baseService({ name: serviceName }));
      });
      const { names: listed, pages } = await listAllNames(current(), 50);
      expect(pages).toBe(3);
      expect(listed).toEqual([...names].sort());
      expect(await current().services.list({ limit: 50, afterName: listed.at(-1) })).toEqual([]);
    });

    describe('filters', () => {
      const catalog: Array<Partial<Service>> = [
        { name: 'api', team: 'core', criticality: 'critical', tags: ['web', 'public'] },
        { name: 'billing', team: 'payments', criticality: 'critical', tags: ['pci'] },
        { name: 'checkout', team: 'payments', criticality: 'high', tags: ['web', 'pci'] },
        { name: 'reports', team: 'data', criticality: 'low', tags: ['batch'] },
        { name: 'search', team: 'core', criticality: 'high', tags: ['web'] },
        { name: 'wiki', team: null, criticality: 'low', tags: [] },
      ];
      beforeEach(async () => {
        for (const overrides of catalog) await current().services.insert(baseService(overrides));
      });

      it.each([
        ['team', { team: 'payments' }, ['billing', 'checkout']],
        ['tag', { tag: 'web' }, ['api', 'checkout', 'search']],
        ['criticality', { criticality: 'low' as const }, ['reports', 'wiki']],
        ['team + tag', { team: 'core', tag: 'web' }, ['api', 'search']],
        ['tag + criticality', { tag: 'pci', criticality: 'critical' as const }, ['billing']],
        ['team + tag + criticality', { team: 'core', tag: 'web', criticality: 'high' as const }, ['search']],
        ['filters that match nothing together', { team: 'data', tag: 'web' }, []],
        ['an unknown tag', { tag: 'nope' }, []],
        ['tag with pagination', { tag: 'web', afterName: 'api' }, ['checkout', 'search']],
        ['team with a page limit', { team: 'core', limit: 1 }, ['api']],
      ])('filters by %s', async (_case, query, expected) => {
        const listed = await current().services.list({ limit: 100, ...query });
        expect(listed.map((service) => service.name)).toEqual(expected);
      });

      it('follows tag changes made by update', async () => {
        const search = await current().services.get('search');
        await current().services.update({ ...search!, tags: ['internal'], updatedAt: t1 });
        const names = async (tag: string) => (await current().services.list({ limit: 100, tag })).map((s) => s.name);
        expect(await names('web')).toEqual(['api', 'checkout']);
        expect(await names('internal')).toEqual(['search']);
      });
    });
  });
}
