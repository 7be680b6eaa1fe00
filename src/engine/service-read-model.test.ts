import { describe, expect, it } from 'vitest';
import { createManualClock } from '../core/clock.js';
import type { Service } from '../core/services/service.js';
import { createServiceReadModel } from './service-read-model.js';

const baseService = (overrides: Partial<Service> & { name: string }): Service => ({
  displayName: overrides.name,
  team: null,
  criticality: 'medium',
  tags: [],
  dependencies: [],
  links: {},
  source: 'api',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

function setup(initial: Service[], maxAgeMs = 1000) {
  const clock = createManualClock();
  const state = { services: initial, loads: 0 };
  const readModel = createServiceReadModel({
    clock,
    maxAgeMs,
    loadAll: () => {
      state.loads += 1;
      return Promise.resolve([...state.services].sort((a, b) => (a.name < b.name ? -1 : 1)));
    },
  });
  return { clock, state, readModel };
}

const catalog = [
  baseService({ name: 'api', team: 'core', tags: ['public'], criticality: 'critical' }),
  baseService({ name: 'billing', team: 'pay', tags: ['public'] }),
  baseService({ name: 'cache', team: 'core' }),
  baseService({ name: 'db', team: 'core', criticality: 'critical' }),
  baseService({ name: 'web', team: 'front', tags: ['public'] }),
];

describe('service read model', () => {
  it.each([
    ['all', { limit: 10 }, ['api', 'billing', 'cache', 'db', 'web']],
    ['a page', { limit: 2 }, ['api', 'billing']],
    ['after a name', { limit: 2, afterName: 'billing' }, ['cache', 'db']],
    ['after a name that is not stored', { limit: 10, afterName: 'c' }, ['cache', 'db', 'web']],
    ['after the last', { limit: 10, afterName: 'web' }, []],
    ['by team', { limit: 10, team: 'core' }, ['api', 'cache', 'db']],
    ['by tag', { limit: 10, tag: 'public' }, ['api', 'billing', 'web']],
    ['by criticality and team', { limit: 10, criticality: 'critical' as const, team: 'core' }, ['api', 'db']],
    ['filter with a page', { limit: 1, team: 'core', afterName: 'api' }, ['cache']],
  ])('lists %s like the store does', async (_name, query, names) => {
    const { readModel } = setup(catalog);
    expect((await readModel.list(query)).map((s) => s.name)).toEqual(names);
  });

  it('loads once, then serves from memory until invalidated', async () => {
    const { readModel, state } = setup(catalog);
    await readModel.list({ limit: 10 });
    await readModel.get('api');
    expect(state.loads).toBe(1);
    state.services = [...catalog, baseService({ name: 'new' })];
    expect(await readModel.get('new')).toBeUndefined();
    readModel.invalidate();
    expect((await readModel.get('new'))?.name).toBe('new');
    expect(state.loads).toBe(2);
  });

  it('reloads a copy older than maxAgeMs, for writes made by other replicas', async () => {
    const { readModel, state, clock } = setup(catalog, 1000);
    await readModel.list({ limit: 1 });
    clock.advanceMs(999);
    await readModel.list({ limit: 1 });
    expect(state.loads).toBe(1);
    clock.advanceMs(1);
    await readModel.list({ limit: 1 });
    expect(state.loads).toBe(2);
  });

  it('shares one load between concurrent readers', async () => {
    const { readModel, state } = setup(catalog);
    await Promise.all([readModel.list({ limit: 1 }), readModel.get('db'), readModel.list({ limit: 5 })]);
    expect(state.loads).toBe(1);
  });

  it('never installs a load that started before a write', async () => {
    const clock = createManualClock();
    let release: (services: Service[]) => void = () => undefined;
    let loads = 0;
    const readModel = createServiceReadModel({
      clock,
      maxAgeMs: 60_000,
      loadAll: () => {
        loads += 1;
        return loads === 1 ? new Promise<Service[]>((resolve) => (release = resolve)) : Promise.resolve([baseService({ name: 'after-write' })]);
      },
    });
    const stale = readModel.list({ limit: 10 });
    readModel.invalidate(); // a write committed while the first load was running
    release([baseService({ name: 'before-write' })]);
    expect((await stale).map((s) => s.name)).toEqual(['before-write']);
    expect((await readModel.list({ limit: 10 })).map((s) => s.name)).toEqual(['after-write']);
  });
});
