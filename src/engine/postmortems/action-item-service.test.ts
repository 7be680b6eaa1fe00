import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { baseIncident, incidentEpochMs } from '../../core/incidents/incident-builders.contract.js';
import type { ActionItem } from '../../core/postmortems/action-item.js';
import { createInMemoryIncidents } from '../../../test/support/in-memory-incidents.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import type { Actor } from '../actor.js';
import { createActionItemService } from './action-item-service.js';

const newStoreFile = useTestStoreFiles();
const alice: Actor = { name: 'alice', role: 'responder', requestId: null };
const day = 86_400_000;

async function setup(people: ReadonlySet<string> | null = null) {
  const store = await (await newStoreFile()).open();
  const clock = createManualClock(incidentEpochMs + day);
  const incidents = createInMemoryIncidents(clock);
  incidents.put(baseIncident());
  let next = 0;
  const changes: ActionItem[] = [];
  const service = createActionItemService({ store, incidents, clock, knownPeople: () => people, newId: () => `ai-${++next}`, onChange: (item) => changes.push(item) });
  return { store, clock, service, changes };
}

const input = { title: 'Add pool saturation alert', owner: 'bob', dueAtMs: incidentEpochMs + 8 * day };

describe('action item service', () => {
  it('creates with defaults (medium, open), audits and announces each change', async () => {
    const { service, store, changes, clock } = await setup();
    const item = await service.create('INC-2026-1123-001', input, alice);
    expect(item).toEqual({ id: 'ai-1', incidentId: 'INC-2026-1123-001', ...input, priority: 'medium', status: 'open', createdAtMs: clock.nowMs(), updatedAtMs: clock.nowMs(), completedAtMs: null, overdueAlertedAtMs: null });
    expect(await service.get('ai-1')).toEqual(item);
    clock.advanceMs(1000);
    const done = await service.update('ai-1', { status: 'done' }, alice);
    expect(done).toMatchObject({ status: 'done', completedAtMs: clock.nowMs(), title: input.title });
    await service.delete('ai-1', alice);
    await expect(service.get('ai-1')).rejects.toBeInstanceOf(NotFoundError);
    expect(changes.map((change) => change.status)).toEqual(['open', 'done', 'done']);
    expect((await store.audit.list({ objectType: 'action_item', limit: 10 })).map((entry) => entry.action)).toEqual(['action_item.delete', 'action_item.update', 'action_item.create']);
  });

  it('checks owners against the configured people, naming the field; unchanged owners stay valid', async () => {
    const { service, store } = await setup(new Set(['alice', 'bob']));
    await expect(service.create('INC-2026-1123-001', { ...input, owner: 'mallory' }, alice)).rejects.toThrow(/^owner: 'mallory' is not a configured person/);
    expect(await store.actionItems.list({ limit: 10 })).toEqual([]);
    await service.create('INC-2026-1123-001', input, alice);
    await expect(service.update('ai-1', { owner: 'mallory' }, alice)).rejects.toBeInstanceOf(ValidationError);
    expect((await service.update('ai-1', { owner: 'alice' }, alice)).owner).toBe('alice');
  });

  it.each([
    ['an unknown incident', () => ['INC-2026-1123-404', input] as const, NotFoundError],
    ['an empty title', () => ['INC-2026-1123-001', { ...input, title: '' }] as const, ValidationError],
  ])('refuses %s', async (_name, args, errorClass) => {
    const { service, store } = await setup();
    const [incidentId, fields] = args();
    await expect(service.create(incidentId, fields, alice)).rejects.toBeInstanceOf(errorClass);
    expect(await store.actionItems.list({ limit: 10 })).toEqual([]);
  });

  it('lists overdue items: open or in progress and due before now', async () => {
    const { service, clock } = await setup();
    await service.create('INC-2026-1123-001', { ...input, dueAtMs: clock.nowMs() - 1 }, alice);
    await service.create('INC-2026-1123-001', { ...input, dueAtMs: clock.nowMs() - 1, status: 'done' }, alice);
    await service.create('INC-2026-1123-001', { ...input, dueAtMs: clock.nowMs() + day, owner: 'carol' }, alice);
    await service.create('INC-2026-1123-001', { ...input, dueAtMs: clock.nowMs() - day, status: 'in_progress' }, alice);
    const ids = async (query: Parameters<typeof service.list>[0]) => (await service.list(query)).map((item) => item.id);
    expect(await ids({ overdue: true, limit: 10 })).toEqual(['ai-1', 'ai-4']);
    expect(await ids({ overdue: true, status: ['in_progress', 'done'], limit: 10 })).toEqual(['ai-4']);
    expect(await ids({ owner: 'carol', limit: 10 })).toEqual(['ai-3']);
    clock.advanceMs(2 * day);
    expect(await ids({ overdue: true, limit: 10 })).toEqual(['ai-1', 'ai-3', 'ai-4']);
  });

  it('answers NotFoundError for changes to a missing item', async () => {
    const { service } = await setup();
    await expect(service.update('nope', { status: 'done' }, alice)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete('nope', alice)).rejects.toBeInstanceOf(NotFoundError);
  });
});
