// Contract cases for monitors: CRUD of every field, conflicts, listing, pausing, counting, and
// deletion taking the monitor's state, results and roll-ups with it.
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Monitor } from '../../core/monitors/monitor.js';
import { baseMonitor, baseResult, baseRollup, baseRuntimeState, epochMs, t1 } from './store-builders.contract.js';
import type { Store } from './store.js';

const t2 = '2026-01-01T00:10:00.000Z';
const names = (monitors: readonly Monitor[]) => monitors.map((monitor) => monitor.name);

export function registerMonitorCases(current: () => Store): void {
  describe('monitors', () => {
    it.each([
      ['every field set', baseMonitor()],
      [
        'nulls, empty lists and a paused config monitor',
        baseMonitor({
          description: null,
          tags: [],
          circuitBreaker: null,
          maintenanceWindows: [],
          latencyThresholdsMs: [],
          settings: {},
          source: 'config',
          paused: true,
        }),
      ],
      [
        'a heartbeat monitor with fractional thresholds and unicode',
        baseMonitor({
          kind: 'heartbeat',
          description: 'Nächtlicher Export 🚀',
          latencyThresholdsMs: [0.5, 12.3456],
          settings: { grace: '5m', token_file: '/run/secrets/hb', weights: [0.1, 0.2], empty: {}, none: null },
        }),
      ],
    ])('returns an inserted monitor exactly as given: %s', async (_case, monitor) => {
      await current().monitors.insert(monitor);
      expect(await current().monitors.get(monitor.name)).toEqual(monitor);
      expect(await current().monitors.get('missing')).toBeUndefined();
    });

    it('replaces every field on update', async () => {
      await current().monitors.insert(baseMonitor());
      const changed = baseMonitor({
        service: 'payments',
        kind: 'tcp',
        description: null,
        intervalMs: 10_000,
        timeoutMs: 2_000,
        retries: 0,
        failureThreshold: 1,
        successThreshold: 1,
        tags: ['edge'],
        circuitBreaker: null,
        maintenanceWindows: [{ id: 'once', kind: 'once', startMs: epochMs, endMs: epochMs + 1 }],
        latencyThresholdsMs: [100],
        settings: { host: 'db.internal', port: 5432 },
        source: 'config',
        paused: true,
        updatedAt: t1,
      });
      await current().monitors.update(changed);
      expect(await current().monitors.get('checkout-http')).toEqual(changed);
      expect(await current().monitors.list({ limit: 10, tag: 'web' })).toEqual([]);
      expect(names(await current().monitors.list({ limit: 10, tag: 'edge' }))).toEqual(['checkout-http']);
    });

    it('rejects a duplicate name with ConflictError naming the field, and keeps the first row', async () => {
      await current().monitors.insert(baseMonitor());
      const duplicate = current().monitors.insert(baseMonitor({ service: 'impostor', tags: ['other'] }));
      await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
      await expect(duplicate).rejects.toMatchObject({ code: 'conflict', problems: [{ field: 'name', message: 'already exists' }] });
      expect(await current().monitors.get('checkout-http')).toEqual(baseMonitor());
      expect(await current().monitors.list({ limit: 10, tag: 'other' })).toEqual([]);
      expect(await current().monitors.count()).toBe(1);
    });

    it('stays usable inside a transaction after a caught conflict', async () => {
      await current().monitors.insert(baseMonitor());
      await current().transaction(async (repositories) => {
        await expect(repositories.monitors.insert(baseMonitor())).rejects.toBeInstanceOf(ConflictError);
        await repositories.monitors.insert(baseMonitor({ name: 'search-http' }));
      });
      expect(names(await current().monitors.all())).toEqual(['checkout-http', 'search-http']);
    });

    it('rejects an update of a missing monitor with NotFoundError', async () => {
      const update = current().monitors.update(baseMonitor({ name: 'ghost' }));
      await expect(update).rejects.toBeInstanceOf(NotFoundError);
      await expect(update).rejects.toMatchObject({ code: 'not_found', message: "monitor 'ghost' does not exist" });
      expect(await current().monitors.get('ghost')).toBeUndefined();
      expect(await current().monitors.list({ limit: 10, tag: 'web' })).toEqual([]);
    });

    it('deletes once, then reports nothing to delete', async () => {
      await current().monitors.insert(baseMonitor());
      await current().monitors.insert(baseMonitor({ name: 'search-http' }));
      expect(await current().monitors.delete('checkout-http')).toBe(true);
      expect(await current().monitors.delete('checkout-http')).toBe(false);
      expect(await current().monitors.get('checkout-http')).toBeUndefined();
      expect(names(await current().monitors.list({ limit: 10, tag: 'web' }))).toEqual(['search-http']);
      expect(await current().monitors.count()).toBe(1);
    });

    it('pauses and resumes, touching only paused and updatedAt', async () => {
      await current().monitors.insert(baseMonitor({ source: 'config' }));
      expect(await current().monitors.setPaused('checkout-http', true, t1)).toBe(true);
      expect(await current().monitors.get('checkout-http')).toEqual(baseMonitor({ source: 'config', paused: true, updatedAt: t1 }));
      expect(await current().monitors.setPaused('checkout-http', false, t2)).toBe(true);
      expect(await current().monitors.get('checkout-http')).toMatchObject({ paused: false, updatedAt: t2 });
      expect(await current().monitors.setPaused('ghost', true, t1)).toBe(false);
      expect(await current().monitors.get('ghost')).toBeUndefined();
    });

    it('counts monitors per service and in total', async () => {
      await current().monitors.insert(baseMonitor({ name: 'a', service: 'checkout' }));
      await current().monitors.insert(baseMonitor({ name: 'b', service: 'checkout' }));
      await current().monitors.insert(baseMonitor({ name: 'c', service: 'search' }));
      expect(await current().monitors.countByService('checkout')).toBe(2);
      expect(await current().monitors.countByService('search')).toBe(1);
      expect(await current().monitors.countByService('nobody')).toBe(0);
      expect(await current().monitors.count()).toBe(3);
      await current().monitors.update(baseMonitor({ name: 'b', service: 'search' }));
      expect(await current().monitors.countByService('checkout')).toBe(1);
    });
  });

  registerMonitorListCases(current);
  registerMonitorDeleteCases(current);
}

function registerMonitorListCases(current: () => Store): void {
  describe('monitor listing', () => {
    const catalog: Array<Partial<Monitor>> = [
      { name: 'api-http', service: 'api', kind: 'http', tags: ['web', 'public'] },
      { name: 'api-tls', service: 'api', kind: 'tls', tags: ['web'] },
      { name: 'billing-db', service: 'billing', kind: 'postgres', tags: ['pci'] },
      { name: 'checkout-http', service: 'checkout', kind: 'http', tags: ['web', 'pci'] },
      { name: 'reports-heartbeat', service: 'reports', kind: 'heartbeat', tags: [] },
      { name: 'search-http', service: 'search', kind: 'http', tags: ['web', 'web'] },
    ];
    beforeEach(async () => {
      // Inserted out of name order, so ordering is the store's doing.
      for (const overrides of [...catalog].reverse()) await current().monitors.insert(baseMonitor(overrides));
    });

    it('lists and returns all in name order', async () => {
      const expected = catalog.map((monitor) => monitor.name);
      expect(names(await current().monitors.list({ limit: 100 }))).toEqual(expected);
      expect(names(await current().monitors.all())).toEqual(expected);
      expect(await current().monitors.all()).toEqual(await current().monitors.list({ limit: 100 }));
    });

    it.each([
      ['service', { service: 'api' }, ['api-http', 'api-tls']],
      ['kind', { kind: 'http' as const }, ['api-http', 'checkout-http', 'search-http']],
      ['tag (listed once even if repeated)', { tag: 'web' }, ['api-http', 'api-tls', 'checkout-http', 'search-http']],
      ['service + kind', { service: 'api', kind: 'tls' as const }, ['api-tls']],
      ['kind + tag', { kind: 'http' as const, tag: 'pci' }, ['checkout-http']],
      ['service + kind + tag', { service: 'search', kind: 'http' as const, tag: 'web' }, ['search-http']],
      ['filters that match nothing together', { service: 'billing', tag: 'web' }, []],
      ['an unknown tag', { tag: 'nope' }, []],
      ['tag with pagination', { tag: 'web', afterName: 'api-tls' }, ['checkout-http', 'search-http']],
      ['kind with a page limit', { kind: 'http' as const, limit: 2 }, ['api-http', 'checkout-http']],
    ])('filters by %s', async (_case, query, expected) => {
      expect(names(await current().monitors.list({ limit: 100, ...query }))).toEqual(expected);
    });

    it('reassembles every monitor exactly from pages of 4', async () => {
      for (let index = 0; index < 20; index += 1) {
        await current().monitors.insert(baseMonitor({ name: `zz-${String((index * 7) % 20).padStart(2, '0')}` }));
      }
      const seen: string[] = [];
      let afterName: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await current().monitors.list({ limit: 4, afterName });
        pages += 1;
        seen.push(...names(page));
        if (page.length < 4) break;
        afterName = page.at(-1)?.name;
      }
      expect(seen).toEqual(names(await current().monitors.all()));
      expect(seen).toHaveLength(26);
      expect(pages).toBe(7);
    });
  });
}

function registerMonitorDeleteCases(current: () => Store): void {
  describe('monitor deletion', () => {
    async function seed(name: string): Promise<void> {
      await current().monitors.insert(baseMonitor({ name }));
      await current().monitorResults.append([
        baseResult({ monitor: name, atMs: epochMs + 1_000 }),
        baseResult({ monitor: name, atMs: epochMs + 2_000, status: 'down' }),
      ]);
      await current().monitorStates.upsert([baseRuntimeState({ monitor: name })]);
      await current().monitorRollups.upsert('1m', [baseRollup(name, { endMs: epochMs + 60_000 })]);
      await current().monitorRollups.upsert('1h', [baseRollup(name, { endMs: epochMs + 3_600_000 })]);
    }
    const resultsOf = (monitor: string) =>
      current().monitorResults.list({ monitor, fromMs: 0, toMs: epochMs + 86_400_000, limit: 100 });
    const rollupsOf = async (monitor: string) => [
      ...(await current().monitorRollups.list('1m', [monitor], 0, epochMs + 86_400_000)),
      ...(await current().monitorRollups.list('1h', [monitor], 0, epochMs + 86_400_000)),
    ];

    it("takes the monitor's tags, state, results and roll-ups, and nothing of another monitor", async () => {
      await seed('checkout-http');
      await seed('search-http');
      const searchResults = await resultsOf('search-http');
      const searchRollups = await rollupsOf('search-http');

      expect(await current().monitors.delete('checkout-http')).toBe(true);

      expect(await resultsOf('checkout-http')).toEqual([]);
      expect(await rollupsOf('checkout-http')).toEqual([]);
      expect(names(await current().monitors.list({ limit: 10, tag: 'web' }))).toEqual(['search-http']);
      expect(await current().monitorStates.all()).toEqual([baseRuntimeState({ monitor: 'search-http' })]);
      expect(await resultsOf('search-http')).toEqual(searchResults);
      expect(await rollupsOf('search-http')).toEqual(searchRollups);
      expect((await current().monitorResults.between(0, epochMs + 86_400_000)).map((r) => r.monitor)).toEqual([
        'search-http',
        'search-http',
      ]);
    });

    it('lets a new monitor reuse the name without inheriting anything', async () => {
      await seed('checkout-http');
      await current().monitors.delete('checkout-http');
      await current().monitors.insert(baseMonitor({ tags: ['batch'] }));
      expect(await resultsOf('checkout-http')).toEqual([]);
      expect(await rollupsOf('checkout-http')).toEqual([]);
      expect(await current().monitorStates.all()).toEqual([]);
      expect(await current().monitors.list({ limit: 10, tag: 'web' })).toEqual([]);
    });

    it('rolls the whole deletion back with its transaction', async () => {
      await seed('checkout-http');
      const attempt = current().transaction(async (repositories) => {
        expect(await repositories.monitors.delete('checkout-http')).toBe(true);
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await current().monitors.get('checkout-http')).toEqual(baseMonitor());
      expect(await resultsOf('checkout-http')).toHaveLength(2);
      expect(await rollupsOf('checkout-http')).toHaveLength(2);
      expect(await current().monitorStates.all()).toHaveLength(1);
    });
  });
}
