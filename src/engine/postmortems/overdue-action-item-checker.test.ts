import { describe, expect, it } from 'vitest';
import type { AlertInput, AlertSource } from '../../core/alerting/alert.js';
import { baseIncident, incidentEpochMs } from '../../core/incidents/incident-builders.contract.js';
import { createInMemoryIncidents } from '../../../test/support/in-memory-incidents.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import type { Actor } from '../actor.js';
import { createActionItemService } from './action-item-service.js';
import { createOverdueActionItemChecker } from './overdue-action-item-checker.js';

const newStoreFile = useTestStoreFiles();
const alice: Actor = { name: 'alice', role: 'responder', requestId: null };
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

async function setup(startMs = incidentEpochMs + day) {
  const file = await newStoreFile();
  const store = await file.open();
  const timers = createManualTimers(startMs);
  const sent: Array<{ alert: AlertInput; source: AlertSource; atMs: number }> = [];
  const sink = (alerts: readonly AlertInput[], source: AlertSource) => {
    for (const alert of alerts) sent.push({ alert, source, atMs: timers.clock.nowMs() });
    return Promise.resolve();
  };
  const incidents = createInMemoryIncidents(timers.clock);
  incidents.put(baseIncident());
  let next = 0;
  const checker = createOverdueActionItemChecker({ actionItems: store.actionItems, sink, clock: timers.clock, timers, intervalMs: hour, severity: 'warning', incidentUrlOf: (id) => `http://sre.example/incidents/${id}` });
  const items = createActionItemService({ store, incidents, clock: timers.clock, newId: () => `ai-${++next}`, onChange: () => checker.checkSoon() });
  return { store, timers, sent, checker, items, file };
}

const firing = (entry: { alert: AlertInput; atMs: number }) => entry.alert.endsAtMs === undefined || entry.alert.endsAtMs > entry.atMs;

describe('overdue action item checker', () => {
  it('raises ActionItemOverdue at the first check after the due time, not before, with the labels the issue names', async () => {
    const { timers, sent, checker, items } = await setup();
    const dueAtMs = timers.clock.nowMs() + 90 * minute;
    await items.create('INC-2026-1123-001', { title: 'Add pool alert', owner: 'bob', dueAtMs, priority: 'high' }, alice);
    checker.start();
    await timers.advanceMs(hour);
    expect(sent).toEqual([]);
    await timers.advanceMs(hour); // the check at +2 h is the first after the due time (+1.5 h)
    // The keeper's own refresh may re-send it in the same instant; nothing was sent earlier.
    expect(new Set(sent.map((entry) => entry.atMs))).toEqual(new Set([dueAtMs + 30 * minute]));
    expect(sent[0]!.source).toBe('meta');
    expect(sent[0]!.alert).toMatchObject({
      labels: { alertname: 'ActionItemOverdue', incident: 'INC-2026-1123-001', action_item: 'ai-1', owner: 'bob', priority: 'high', severity: 'warning' },
      startsAtMs: dueAtMs,
      generatorUrl: 'http://sre.example/incidents/INC-2026-1123-001',
    });
    expect(firing(sent[0]!)).toBe(true);
    checker.stop();
  });

  it('re-sends while overdue and resolves as soon as the item is done', async () => {
    const { timers, sent, checker, items, store } = await setup();
    await items.create('INC-2026-1123-001', { title: 'Add pool alert', owner: 'bob', dueAtMs: timers.clock.nowMs() - 1 }, alice);
    checker.start();
    await timers.settle();
    expect(sent.filter(firing)).toHaveLength(1);
    expect((await store.actionItems.get('ai-1'))?.overdueAlertedAtMs).toBe(timers.clock.nowMs());
    await timers.advanceMs(5 * minute);
    expect(sent.filter(firing).length).toBeGreaterThanOrEqual(5); // re-sent every minute, as the other bridges
    const before = sent.length;
    await items.update('ai-1', { status: 'done' }, alice);
    await timers.settle();
    expect(sent.slice(before)).toHaveLength(1);
    expect(firing(sent.at(-1)!)).toBe(false);
    expect((await store.actionItems.get('ai-1'))?.overdueAlertedAtMs).toBeNull();
    await timers.advanceMs(2 * hour);
    expect(sent.slice(before + 1)).toEqual([]);
    checker.stop();
  });

  it.each([
    ['the due date moves into the future', false, { dueAtMs: incidentEpochMs + 30 * day }],
    ["it won't be done", false, { status: 'wont_do' as const }],
    ['it is only started', true, { status: 'in_progress' as const }],
  ])('when %s the alert is still firing: %s', async (_name, stillFiring, change) => {
    const { timers, sent, checker, items } = await setup();
    await items.create('INC-2026-1123-001', { title: 'Add pool alert', owner: 'bob', dueAtMs: timers.clock.nowMs() - 1 }, alice);
    checker.start();
    await timers.settle();
    await items.update('ai-1', change, alice);
    await timers.settle();
    expect(firing(sent.at(-1)!)).toBe(stillFiring);
    checker.stop();
  });

  it('ends the old alert and raises a new one when the owner changes while overdue', async () => {
    const { timers, sent, checker, items } = await setup();
    await items.create('INC-2026-1123-001', { title: 'Add pool alert', owner: 'bob', dueAtMs: timers.clock.nowMs() - 1 }, alice);
    checker.start();
    await timers.settle();
    await items.update('ai-1', { owner: 'carol' }, alice);
    await timers.settle();
    const [ended, raised] = sent.slice(-2);
    expect([ended!.alert.labels.owner, firing(ended!)]).toEqual(['bob', false]);
    expect([raised!.alert.labels.owner, firing(raised!)]).toEqual(['carol', true]);
    checker.stop();
  });

  it('resolves a deleted overdue item', async () => {
    const { timers, sent, checker, items } = await setup();
    await items.create('INC-2026-1123-001', { title: 'Add pool alert', owner: 'bob', dueAtMs: timers.clock.nowMs() - 1 }, alice);
    checker.start();
    await timers.settle();
    await items.delete('ai-1', alice);
    await timers.settle();
    expect(firing(sent.at(-1)!)).toBe(false);
    checker.stop();
  });

  it('after a restart, resolves an alert raised before it for an item done meanwhile', async () => {
    const { timers, sent, checker, store } = await setup();
    await store.actionItems.insert({
      id: 'ai-9', incidentId: 'INC-2026-1123-001', title: 'x', owner: 'bob', dueAtMs: timers.clock.nowMs() - day, priority: 'low', status: 'done',
      createdAtMs: 0, updatedAtMs: 0, completedAtMs: timers.clock.nowMs(), overdueAlertedAtMs: timers.clock.nowMs() - hour,
    });
    const result = await checker.checkNow();
    expect(result).toEqual({ fired: [], resolved: ['ai-9'] });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.alert.labels).toMatchObject({ alertname: 'ActionItemOverdue', action_item: 'ai-9', priority: 'low' });
    expect(firing(sent[0]!)).toBe(false);
    expect((await store.actionItems.get('ai-9'))?.overdueAlertedAtMs).toBeNull();
  });
});
