// The override service over a real SQLite file: overrides survive a restart and join the
// configured ones; a failed write leaves nothing behind; concurrent requests cannot both win.
import { describe, expect, it } from 'vitest';
import { useTestStoreFiles, withFailureSwitch } from '../../../test/support/real-store.js';
import { createManualClock } from '../../core/clock.js';
import type { OncallDirectory } from '../../core/oncall/oncall-model.js';
import { cliActor } from '../actor.js';
import { createOncallOverrideService } from './oncall-overrides.js';

const newStoreFile = useTestStoreFiles();
const at = (text: string) => Date.parse(text);

const config: OncallDirectory = {
  people: ['alice', 'bob'].map((name) => ({ name, fullName: name, email: null, phone: null, chat: null, timeZone: 'UTC', notify: [`${name}-hook`] })),
  teams: [],
  schedules: [
    {
      name: 'primary',
      description: null,
      timeZone: 'UTC',
      layers: [{ name: 'weekly', rotation: 'weekly', shiftDays: 7, startDate: { year: 2026, month: 1, day: 5 }, handoffMinute: 540, members: ['alice'], restrictions: [] }],
      overrides: [{ person: 'bob', startMs: at('2026-01-10T00:00:00Z'), endMs: at('2026-01-11T00:00:00Z') }],
    },
  ],
};

describe('on-call override service', () => {
  it('keeps created overrides across a restart, merged with the configured ones in start order', async () => {
    const file = await newStoreFile();
    const clock = createManualClock(at('2026-01-06T00:00:00Z'));
    const first = createOncallOverrideService({ store: await file.open(), clock, config: () => config, newId: () => 'ovr-a' });
    await first.load();
    await first.create({ schedule: 'primary', person: 'bob', startMs: at('2026-01-08T00:00:00Z'), endMs: at('2026-01-09T00:00:00Z') }, cliActor);

    const second = createOncallOverrideService({ store: await file.open(), clock, config: () => config });
    await second.load();
    expect(second.directory().schedules[0]?.overrides).toEqual([
      { person: 'bob', startMs: at('2026-01-08T00:00:00Z'), endMs: at('2026-01-09T00:00:00Z'), id: 'ovr-a', createdBy: 'cli' },
      { person: 'bob', startMs: at('2026-01-10T00:00:00Z'), endMs: at('2026-01-11T00:00:00Z') },
    ]);
  });

  it('of two overlapping requests at once, exactly one is stored', async () => {
    const store = await (await newStoreFile()).open();
    let id = 0;
    const service = createOncallOverrideService({ store, clock: createManualClock(), config: () => config, newId: () => `ovr-${++id}` });
    await service.load();
    const input = { schedule: 'primary', person: 'bob', startMs: at('2026-02-01T00:00:00Z'), endMs: at('2026-02-02T00:00:00Z') };
    const results = await Promise.allSettled([service.create(input, cliActor), service.create({ ...input, person: 'alice' }, cliActor)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(await store.oncallOverrides.all()).toHaveLength(1);
  });

  it('a failed write stores nothing and changes no answer', async () => {
    const store = await (await newStoreFile()).open();
    const failing = withFailureSwitch(store.oncallOverrides, ['insert']);
    const service = createOncallOverrideService({ store: { ...store, oncallOverrides: failing, transaction: (work) => store.transaction((repositories) => work({ ...repositories, oncallOverrides: failing })) }, clock: createManualClock(), config: () => config });
    await service.load();
    failing.failWrites = true;
    await expect(service.create({ schedule: 'primary', person: 'bob', startMs: at('2026-02-01T00:00:00Z'), endMs: at('2026-02-02T00:00:00Z') }, cliActor)).rejects.toThrow();
    expect(service.directory().schedules[0]?.overrides).toHaveLength(1);
    expect(await store.oncallOverrides.all()).toEqual([]);
    expect(await store.audit.list({ limit: 10 })).toEqual([]);
  });
});
