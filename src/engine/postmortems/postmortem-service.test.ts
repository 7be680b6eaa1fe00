import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { baseIncident, incidentEpochMs } from '../../core/incidents/incident-builders.contract.js';
import { createInMemoryIncidents } from '../../../test/support/in-memory-incidents.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import type { Actor } from '../actor.js';
import { createActionItemService } from './action-item-service.js';
import { createPostmortemService } from './postmortem-service.js';

const newStoreFile = useTestStoreFiles();
const alice: Actor = { name: 'alice', role: 'responder', requestId: 'req-1' };
const bob: Actor = { name: 'bob', role: 'responder', requestId: 'req-2' };

async function setup() {
  const store = await (await newStoreFile()).open();
  const clock = createManualClock(incidentEpochMs + 86_400_000);
  const incidents = createInMemoryIncidents(clock);
  incidents.put(baseIncident(), [{ atMs: incidentEpochMs + 120_000, actor: 'sre-monitor', kind: 'created', message: 'opened from CheckoutDown', data: {} }]);
  incidents.put(baseIncident({ id: 'INC-2026-1123-002', status: 'monitoring', resolvedAtMs: null, resolvedBy: null }));
  const errors: unknown[] = [];
  const postmortems = createPostmortemService({ store, incidents, timeline: incidents, clock, onError: (error) => errors.push(error) });
  return { store, clock, incidents, postmortems, errors };
}

describe('postmortem service', () => {
  it('drafts from a resolved incident, records it on the timeline and in the audit log', async () => {
    const { store, postmortems, incidents, clock } = await setup();
    const created = await postmortems.create('INC-2026-1123-001', alice);
    expect(created).toMatchObject({ incidentId: 'INC-2026-1123-001', status: 'draft', author: 'alice', version: 1, createdAtMs: clock.nowMs() });
    expect(created.markdown).toContain('| 2026-11-23 14:02:00 UTC | sre-monitor | created | opened from CheckoutDown |');
    expect(await postmortems.get('INC-2026-1123-001')).toEqual(created);
    expect(incidents.entries('INC-2026-1123-001').at(-1)).toMatchObject({ kind: 'postmortem_created', actor: 'alice', atMs: clock.nowMs() });
    const audit = await store.audit.list({ objectType: 'postmortem', limit: 10 });
    expect(audit.map((entry) => [entry.action, entry.actor, entry.requestId])).toEqual([['postmortem.create', 'alice', 'req-1']]);
  });

  it.each([
    ['an open incident', 'INC-2026-1123-002', ConflictError, /still monitoring/],
    ['an unknown incident', 'INC-2026-1123-099', NotFoundError, /incident 'INC-2026-1123-099' does not exist/],
  ])('refuses %s and writes nothing', async (_name, id, errorClass, message) => {
    const { postmortems, store, incidents } = await setup();
    const before = incidents.entries(id).length;
    await expect(postmortems.create(id, alice)).rejects.toThrow(message);
    await expect(postmortems.create(id, alice)).rejects.toBeInstanceOf(errorClass);
    expect(await store.postmortems.get(id)).toBeUndefined();
    expect(incidents.entries(id)).toHaveLength(before);
  });

  it('refuses a second draft for the same incident', async () => {
    const { postmortems, incidents } = await setup();
    await postmortems.create('INC-2026-1123-001', alice);
    await expect(postmortems.create('INC-2026-1123-001', bob)).rejects.toBeInstanceOf(ConflictError);
    expect(incidents.entries('INC-2026-1123-001').filter((entry) => entry.kind === 'postmortem_created')).toHaveLength(1);
  });

  it('keeps edits as written, versioned; a stale version is a conflict that changes nothing', async () => {
    const { postmortems, clock } = await setup();
    await postmortems.create('INC-2026-1123-001', alice);
    clock.advanceMs(60_000);
    const edited = await postmortems.update('INC-2026-1123-001', { markdown: '# My own structure\n\nNo template sections left.' }, 1, alice);
    expect(edited).toMatchObject({ version: 2, markdown: '# My own structure\n\nNo template sections left.', updatedAtMs: clock.nowMs(), status: 'draft' });
    await expect(postmortems.update('INC-2026-1123-001', { markdown: '# bob overwrites' }, 1, bob)).rejects.toThrow(/you edited version 1 but it is now at version 2/);
    expect((await postmortems.get('INC-2026-1123-001')).markdown).toBe(edited.markdown);
    const published = await postmortems.publish('INC-2026-1123-001', 2, bob);
    expect(published).toMatchObject({ status: 'published', version: 3 });
    await expect(postmortems.publish('INC-2026-1123-001', 2, bob)).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejects empty Markdown naming the field', async () => {
    const { postmortems } = await setup();
    await postmortems.create('INC-2026-1123-001', alice);
    await expect(postmortems.update('INC-2026-1123-001', { markdown: '  \n' }, 1, alice)).rejects.toThrow(ValidationError);
    expect((await postmortems.get('INC-2026-1123-001')).version).toBe(1);
  });

  it('exports the Markdown with the tracked action items', async () => {
    const { postmortems, store, incidents, clock } = await setup();
    await postmortems.create('INC-2026-1123-001', alice);
    const items = createActionItemService({ store, incidents, clock, newId: () => 'ai-1' });
    await items.create('INC-2026-1123-001', { title: 'Alert on pool saturation', owner: 'bob', dueAtMs: Date.UTC(2026, 11, 8), priority: 'high' }, alice);
    const exported = await postmortems.exportMarkdown('INC-2026-1123-001');
    expect(exported).toContain('| Alert on pool saturation | @bob | 2026-12-08 | high | open |');
    expect(exported).not.toContain('[Action description]');
  });

  it('keeps the draft when the timeline write fails, and reports the failure', async () => {
    const { store, incidents, clock } = await setup();
    const errors: unknown[] = [];
    const failing = createPostmortemService({ store, incidents, clock, timeline: { append: () => Promise.reject(new Error('bus down')) }, onError: (error) => errors.push(error) });
    await failing.create('INC-2026-1123-001', alice);
    expect(await store.postmortems.get('INC-2026-1123-001')).toBeDefined();
    expect(errors).toHaveLength(1);
  });
});
