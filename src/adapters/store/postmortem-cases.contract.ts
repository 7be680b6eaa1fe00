// Contract cases for postmortems and action items: exact round trips (millisecond times as
// numbers on both dialects), one postmortem per incident, compare-and-set on the version,
// keyset pages of action items in creation order, and the overdue checker's candidates.
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { ActionItem } from '../../core/postmortems/action-item.js';
import type { Postmortem } from '../../core/postmortems/postmortem.js';
import { epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

export function basePostmortem(overrides: Partial<Postmortem> = {}): Postmortem {
  return {
    incidentId: 'INC-2026-1123-001',
    markdown: '# Post-Incident Review: Checkout API returns 503\n\n## Incident Summary\n- ünïcode ✓\n',
    status: 'draft',
    author: 'alice',
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
    version: 1,
    ...overrides,
  };
}

export function baseActionItem(overrides: Partial<ActionItem> = {}): ActionItem {
  return {
    id: 'ai-0001',
    incidentId: 'INC-2026-1123-001',
    title: 'Alert on connection-pool saturation',
    owner: 'alice',
    dueAtMs: epochMs + 7 * 86_400_000,
    priority: 'high',
    status: 'open',
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
    completedAtMs: null,
    overdueAlertedAtMs: null,
    ...overrides,
  };
}

export function registerPostmortemCases(current: () => Store): void {
  describe('postmortems', () => {
    it('returns an inserted postmortem exactly and refuses a second one for the incident', async () => {
      await current().postmortems.insert(basePostmortem());
      expect(await current().postmortems.get('INC-2026-1123-001')).toEqual(basePostmortem());
      expect(await current().postmortems.get('INC-2026-1123-002')).toBeUndefined();
      await expect(current().postmortems.insert(basePostmortem({ author: 'bob' }))).rejects.toBeInstanceOf(ConflictError);
      expect((await current().postmortems.get('INC-2026-1123-001'))?.author).toBe('alice');
    });

    it('replaces only when the version is the one expected', async () => {
      await current().postmortems.insert(basePostmortem());
      const edited = basePostmortem({ markdown: '# edited', status: 'in_review', updatedAtMs: epochMs + 1000, version: 2 });
      expect(await current().postmortems.replaceIfVersion(edited, 1)).toBe(true);
      expect(await current().postmortems.replaceIfVersion(basePostmortem({ markdown: '# stale', version: 2 }), 1)).toBe(false);
      expect(await current().postmortems.get('INC-2026-1123-001')).toEqual(edited);
      expect(await current().postmortems.replaceIfVersion(basePostmortem({ incidentId: 'INC-none' }), 1)).toBe(false);
    });

    it('lists by incident id with a status filter and keyset pages', async () => {
      for (const [id, status] of [['INC-3', 'published'], ['INC-1', 'draft'], ['INC-2', 'published']] as const) {
        await current().postmortems.insert(basePostmortem({ incidentId: id, status }));
      }
      const ids = async (query: Parameters<Store['postmortems']['list']>[0]) => (await current().postmortems.list(query)).map((row) => row.incidentId);
      expect(await ids({ limit: 10 })).toEqual(['INC-1', 'INC-2', 'INC-3']);
      expect(await ids({ status: 'published', limit: 10 })).toEqual(['INC-2', 'INC-3']);
      expect(await ids({ afterIncidentId: 'INC-1', limit: 1 })).toEqual(['INC-2']);
    });
  });

  describe('action items', () => {
    it('round-trips every field, updates and deletes by id', async () => {
      const done = baseActionItem({ id: 'ai-0002', status: 'done', completedAtMs: epochMs + 5000, overdueAlertedAtMs: epochMs + 4000, priority: 'low' });
      await current().actionItems.insert(baseActionItem());
      await current().actionItems.insert(done);
      expect(await current().actionItems.get('ai-0002')).toEqual(done);
      await expect(current().actionItems.insert(baseActionItem())).rejects.toBeInstanceOf(ConflictError);

      const changed = baseActionItem({ title: 'Alert on pool saturation at 80%', owner: 'bob', status: 'in_progress', updatedAtMs: epochMs + 9000 });
      await current().actionItems.update(changed);
      expect(await current().actionItems.get('ai-0001')).toEqual(changed);
      await expect(current().actionItems.update(baseActionItem({ id: 'ai-none' }))).rejects.toBeInstanceOf(NotFoundError);

      expect(await current().actionItems.delete('ai-0001')).toBe(true);
      expect(await current().actionItems.delete('ai-0001')).toBe(false);
      expect(await current().actionItems.get('ai-0001')).toBeUndefined();
    });

    it('lists in creation order with filters and keyset pages', async () => {
      const items = [
        baseActionItem({ id: 'b', createdAtMs: epochMs, owner: 'bob', status: 'done' }),
        baseActionItem({ id: 'a', createdAtMs: epochMs, owner: 'alice' }),
        baseActionItem({ id: 'c', createdAtMs: epochMs + 1, incidentId: 'INC-2026-1124-001', dueAtMs: epochMs - 1, status: 'in_progress' }),
        baseActionItem({ id: 'd', createdAtMs: epochMs + 2, status: 'wont_do' }),
      ];
      for (const item of items) await current().actionItems.insert(item);
      const ids = async (query: Parameters<Store['actionItems']['list']>[0]) => (await current().actionItems.list(query)).map((row) => row.id);
      expect(await ids({ limit: 10 })).toEqual(['a', 'b', 'c', 'd']);
      expect(await ids({ incidentId: 'INC-2026-1123-001', limit: 10 })).toEqual(['a', 'b', 'd']);
      expect(await ids({ status: ['open', 'in_progress'], limit: 10 })).toEqual(['a', 'c']);
      expect(await ids({ status: [], limit: 10 })).toEqual([]);
      expect(await ids({ owner: 'bob', limit: 10 })).toEqual(['b']);
      expect(await ids({ dueBeforeMs: epochMs, limit: 10 })).toEqual(['c']);
      expect(await ids({ limit: 2 })).toEqual(['a', 'b']);
      expect(await ids({ after: { createdAtMs: epochMs, id: 'b' }, limit: 2 })).toEqual(['c', 'd']);
      expect(await ids({ after: { createdAtMs: epochMs, id: 'a' }, limit: 1 })).toEqual(['b']);
    });

    it('offers the overdue checker open items past due and items still marked as alerted', async () => {
      const nowMs = epochMs + 10 * 86_400_000;
      const items = [
        baseActionItem({ id: 'overdue-open', dueAtMs: nowMs - 1 }),
        baseActionItem({ id: 'overdue-in-progress', dueAtMs: nowMs - 2, status: 'in_progress' }),
        baseActionItem({ id: 'due-now', dueAtMs: nowMs }),
        baseActionItem({ id: 'done-late', dueAtMs: nowMs - 5, status: 'done' }),
        baseActionItem({ id: 'alerted-then-moved', dueAtMs: nowMs + 86_400_000, overdueAlertedAtMs: nowMs - 100 }),
      ];
      for (const item of items) await current().actionItems.insert(item);
      expect((await current().actionItems.overdueCandidates(nowMs)).map((row) => row.id)).toEqual(['overdue-in-progress', 'overdue-open', 'alerted-then-moved']);

      expect(await current().actionItems.setOverdueAlerted('alerted-then-moved', null)).toBe(true);
      expect(await current().actionItems.setOverdueAlerted('overdue-open', nowMs)).toBe(true);
      expect(await current().actionItems.setOverdueAlerted('missing', nowMs)).toBe(false);
      expect(await current().actionItems.get('overdue-open')).toEqual({ ...items[0], overdueAlertedAtMs: nowMs });
      expect((await current().actionItems.overdueCandidates(nowMs)).map((row) => row.id)).toEqual(['overdue-in-progress', 'overdue-open']);
    });

    it('rejects a negative page size instead of reading it as no limit', async () => {
      await expect(current().actionItems.list({ limit: -1 })).rejects.toThrow(/limit/);
    });
  });
}
