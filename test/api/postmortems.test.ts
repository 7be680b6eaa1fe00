/**
 * Postmortems, action items, overdue alerts and the incident report through the real HTTP API
 * on both stores. Incidents live in the incident tables, read through the incident ports (see
 * postmortem-api.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseIncident, incidentEpochMs } from '../../src/core/incidents/incident-builders.contract.js';
import { startPostmortemApi, type PostmortemApi } from '../support/postmortem-api.js';
import { storeKinds } from '../support/test-app.js';

const minute = 60_000;
const day = 86_400_000;
const startMs = Date.UTC(2026, 11, 1, 9, 0, 0);
const resolvedId = 'INC-2026-1123-001';
const openId = 'INC-2026-1123-002';

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

async function problem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Problem;
}

describe.each(storeKinds)('postmortems through the API (%s store)', (kind) => {
  let api: PostmortemApi;

  beforeEach(async () => {
    api = await startPostmortemApi(kind, { startMs, knownPeople: new Set(['alice', 'bob', 'carol']) });
    await api.incidents.put(baseIncident(), [
      { atMs: incidentEpochMs + 2 * minute, actor: 'sre-monitor', kind: 'created', message: 'opened from alert CheckoutDown', data: {} },
      { atMs: incidentEpochMs + 5 * minute, actor: 'bob', kind: 'acknowledged', message: 'acknowledged', data: {} },
      { atMs: incidentEpochMs + 47 * minute, actor: 'bob', kind: 'resolved', message: 'pool size raised', data: {} },
    ]);
    await api.incidents.put(baseIncident({ id: openId, status: 'identified', resolvedAtMs: null, resolvedBy: null, startedAtMs: incidentEpochMs + day, detectedAtMs: incidentEpochMs + day, acknowledgedAtMs: null }));
  });
  afterEach(async () => {
    await api.close();
  });

  it('drafts, reads, exports, edits with versions and publishes a postmortem', async () => {
    const created = await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/postmortem`);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${resolvedId}/postmortem`);
    const draft = (await created.json()) as { version: number; status: string; author: string; title: string; sections: Array<{ heading: string }>; markdown: string };
    expect(draft).toMatchObject({ version: 1, status: 'draft', author: 'alice', title: 'Post-Incident Review: Checkout API returns 503' });
    expect(draft.sections.map((section) => section.heading)).toContain('Contributing Factors');
    expect(draft.markdown).toContain('| 2026-11-23 14:05:00 UTC | bob | acknowledged | acknowledged |');
    expect((await api.incidents.entries(resolvedId)).at(-1)).toMatchObject({ kind: 'postmortem_created', actor: 'alice' });

    await problem(await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/postmortem`), 409);

    const markdown = await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/postmortem.md`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await markdown.text()).toBe(draft.markdown);
    const viaQuery = await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/postmortem?format=markdown`);
    expect(viaQuery.headers.get('content-type')).toMatch(/^text\/markdown/);
    const viaAccept = await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/postmortem`, undefined, { accept: 'text/markdown' });
    expect(viaAccept.headers.get('content-type')).toMatch(/^text\/markdown/);

    const mine = '# Checkout outage review\n\n## What we saw\nThe pool ran dry.\n';
    const edited = await api.call('responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { markdown: mine }, { 'if-match': '"1"' });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).toBe('"2"');
    expect(await edited.json()).toMatchObject({ version: 2, markdown: mine, title: 'Checkout outage review', sections: [{ heading: 'Checkout outage review', level: 1 }, { heading: 'What we saw', level: 2 }] });

    const stale = await problem(await api.call('responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { markdown: '# lost update', version: 1 }), 409);
    expect(stale.detail).toMatch(/version 1 but it is now at version 2/);
    expect(await (await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/postmortem.md`)).text()).toBe(mine);

    const published = await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/postmortem/publish`, undefined, { 'if-match': '"2"' });
    expect(published.status).toBe(200);
    expect(await published.json()).toMatchObject({ status: 'published', version: 3 });
  });

  it.each([
    ['an open incident', 'responder', 'POST', `/api/v1/incidents/${openId}/postmortem`, undefined, {}, 409, null],
    ['an unknown incident', 'responder', 'POST', '/api/v1/incidents/INC-2026-0101-999/postmortem', undefined, {}, 404, null],
    ['a viewer creating', 'viewer', 'POST', `/api/v1/incidents/${resolvedId}/postmortem`, undefined, {}, 403, null],
    ['a missing postmortem', 'viewer', 'GET', `/api/v1/incidents/${openId}/postmortem`, undefined, {}, 404, null],
    ['a PUT without a version', 'responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { markdown: '# x' }, {}, 400, 'version'],
    ['a malformed If-Match', 'responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { markdown: '# x' }, { 'if-match': 'yesterday' }, 400, 'If-Match'],
    ['an empty document', 'responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { markdown: '   ', version: 1 }, {}, 400, 'markdown'],
    ['an unknown status', 'responder', 'PUT', `/api/v1/incidents/${resolvedId}/postmortem`, { status: 'final', version: 1 }, {}, 400, null],
  ] as const)('answers %s with a problem', async (_name, role, method, path, body, headers, status, field) => {
    await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/postmortem`);
    const before = (await api.incidents.entries(openId)).length;
    const answer = await problem(await api.call(role, method, path, body, headers), status);
    if (field !== null) expect(answer.errors?.map((error) => error.field)).toContain(field);
    expect(await api.incidents.entries(openId)).toHaveLength(before);
    expect((await api.store.postmortems.get(resolvedId))?.version).toBe(1);
    expect(await api.store.postmortems.get(openId)).toBeUndefined();
  });

  it('tracks action items: create, filter, page, export, overdue alert raised and resolved', async () => {
    await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/postmortem`);
    const create = (body: unknown) => api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/action-items`, body);
    const first = await create({ title: 'Alert on pool saturation', owner: 'bob', due: '2026-11-30', priority: 'high' });
    expect(first.status).toBe(201);
    const overdueItem = (await first.json()) as { id: string; due_at: string; overdue: boolean; status: string };
    expect(overdueItem).toMatchObject({ due_at: '2026-12-01T00:00:00.000Z', overdue: true, status: 'open' });
    expect(first.headers.get('location')).toBe(`/api/v1/action-items/${overdueItem.id}`);
    const second = (await (await create({ title: 'Load-test the pool', owner: 'carol', due: '2026-12-14T12:00:00Z' })).json()) as { id: string; priority: string };
    expect(second.priority).toBe('medium');

    // The change triggered a check (checks run one after another, so awaiting one more waits for
    // it): the overdue item alerts at once, with the labels routing needs.
    await api.checker.checkNow();
    const raised = api.alerts.filter((entry) => entry.alert.labels.action_item === overdueItem.id);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised[0]!.alert.labels).toEqual({ alertname: 'ActionItemOverdue', incident: resolvedId, action_item: overdueItem.id, owner: 'bob', priority: 'high', severity: 'warning' });
    expect(api.alerts.some((entry) => entry.alert.labels.action_item === second.id)).toBe(false);

    const list = async (query: string) => (await (await api.call('viewer', 'GET', `/api/v1/action-items${query}`)).json()) as { items: Array<{ id: string }>; next_cursor: string | null };
    expect((await list('?overdue=true')).items.map((item) => item.id)).toEqual([overdueItem.id]);
    expect((await list('?owner=carol')).items.map((item) => item.id)).toEqual([second.id]);
    expect((await list('?status=done')).items).toEqual([]);
    const firstPage = await list('?limit=1');
    expect(firstPage.items.map((item) => item.id)).toEqual([overdueItem.id]);
    const secondPage = await list(`?limit=1&cursor=${firstPage.next_cursor}`);
    expect([secondPage.items.map((item) => item.id), secondPage.next_cursor]).toEqual([[second.id], null]);
    const ofIncident = (await (await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/action-items`)).json()) as { items: unknown[] };
    expect(ofIncident.items).toHaveLength(2);

    const exported = await (await api.call('viewer', 'GET', `/api/v1/incidents/${resolvedId}/postmortem.md`)).text();
    expect(exported).toContain('| Alert on pool saturation | @bob | 2026-12-01 | high | open |');
    expect(exported).toContain('| Load-test the pool | @carol | 2026-12-14 | medium | open |');

    const sentBefore = api.alerts.length;
    const done = await api.call('responder', 'PATCH', `/api/v1/action-items/${overdueItem.id}`, { status: 'done' });
    expect(await done.json()).toMatchObject({ status: 'done', overdue: false, completed_at: new Date(startMs).toISOString() });
    await api.checker.checkNow();
    const after = api.alerts.slice(sentBefore);
    expect(after).toHaveLength(1);
    expect(after[0]!.alert.endsAtMs).toBe(startMs);

    expect((await api.call('responder', 'DELETE', `/api/v1/action-items/${second.id}`)).status).toBe(204);
    await problem(await api.call('viewer', 'GET', `/api/v1/action-items/${second.id}`), 404);
  });

  it.each([
    ['an owner who is not a configured person', { title: 't', owner: 'mallory', due: '2026-12-10' }, 'owner'],
    ['a due date that does not exist', { title: 't', owner: 'bob', due: '2026-02-30' }, 'due'],
    ['a priority outside high/medium/low', { title: 't', owner: 'bob', due: '2026-12-10', priority: 'P1' }, null],
  ])('rejects %s, storing nothing', async (_name, body, field) => {
    const answer = await problem(await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/action-items`, body), 400);
    if (field !== null) expect(answer.errors?.map((error) => error.field)).toEqual([field]);
    expect(await api.store.actionItems.list({ limit: 10 })).toEqual([]);
  });

  it('answers 404 for action items of an unknown incident and for unknown items', async () => {
    await problem(await api.call('responder', 'POST', '/api/v1/incidents/INC-2026-0101-999/action-items', { title: 't', owner: 'bob', due: '2026-12-10' }), 404);
    await problem(await api.call('responder', 'PATCH', '/api/v1/action-items/nope', { status: 'done' }), 404);
    await problem(await api.call('responder', 'DELETE', '/api/v1/action-items/nope'), 404);
    await problem(await api.call('viewer', 'GET', '/api/v1/action-items?status=closed'), 400);
  });

  it('reports MTTA, MTTR, MTBF, counts and targets over a range, with overdue action items', async () => {
    const november = Date.UTC(2026, 10, 1);
    const at = (dayOffset: number, detectToAckMin: number, detectToResolveMin: number | null, services: string[], severity: string, id: string) =>
      baseIncident({
        id,
        services,
        severity,
        startedAtMs: november + dayOffset * day,
        detectedAtMs: november + dayOffset * day + minute,
        acknowledgedAtMs: november + dayOffset * day + minute + detectToAckMin * minute,
        resolvedAtMs: detectToResolveMin === null ? null : november + dayOffset * day + minute + detectToResolveMin * minute,
        status: detectToResolveMin === null ? 'investigating' : 'resolved',
      });
    await api.incidents.put(at(-1, 2, 60 * 24 * 3, ['checkout'], 'P2', 'INC-2026-1031-001'));
    await api.incidents.put(at(10, 4, 10, ['payments'], 'P1', 'INC-2026-1111-001'));
    await api.incidents.put(at(18, 6, null, ['payments'], 'P3', 'INC-2026-1119-001'));
    await api.call('responder', 'POST', `/api/v1/incidents/${resolvedId}/action-items`, { title: 'Old follow-up', owner: 'alice', due: '2026-11-25', priority: 'low' });

    const response = await api.call('viewer', 'GET', '/api/v1/reports/incidents?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&bucket=month');
    expect(response.status).toBe(200);
    const report = (await response.json()) as Record<string, unknown> & { by_service: Array<{ service: string; mtbf: { mean_seconds: number | null; reason: string | null } }>; overdue_action_items: Array<{ title: string }> };
    // In November: the base incident (checkout, resolved 45 min after detection), INC-...-1111 (10 min), INC-...-1119 (open), INC-...-1124-002 (open).
    expect(report.totals).toEqual({ started: 4, open: 2, resolved: 2, acknowledged: 3, reopened: 0, carried_over: 1 });
    expect(report.mttr).toEqual({ definition: 'detected -> resolved (open incidents excluded)', count: 2, mean_seconds: 27.5 * 60, p50_seconds: 10 * 60, p90_seconds: 45 * 60 });
    expect(report.mtta).toMatchObject({ count: 3, p50_seconds: 4 * 60 });
    expect(report.by_service.find((row) => row.service === 'payments')?.mtbf).toMatchObject({ mean_seconds: 8 * 86_400 });
    // checkout: the base incident and the open one a day later (the October one is carried over, not counted).
    expect(report.by_service.find((row) => row.service === 'checkout')?.mtbf).toMatchObject({ mean_seconds: 86_400, reason: null });
    expect(report.targets).toMatchObject({ mttr: { target_seconds: 1800, value_seconds: 1650, status: 'met' }, mtbf: { target_seconds: 7 * 86_400, status: 'missed' } });
    expect(report.by_period).toEqual([{ start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', count: 4, by_severity: { P1: 1, P2: 2, P3: 1 } }]);
    expect(report.overdue_action_items.map((item) => item.title)).toEqual(['Old follow-up']);

    const payments = (await (await api.call('viewer', 'GET', '/api/v1/reports/incidents?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&service=payments')).json()) as typeof report;
    expect(payments.totals).toMatchObject({ started: 2, carried_over: 0 });
    expect(payments.bucket).toBe('week');
    expect(payments.overdue_action_items).toEqual([]);
  });

  it.each([
    ['an unknown bucket', '?bucket=year', null],
    ['a range that ends before it starts', '?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'from'],
    ['a time that is not RFC 3339', '?from=yesterday', 'from'],
  ])('rejects a report query with %s', async (_name, query, field) => {
    const answer = await problem(await api.call('viewer', 'GET', `/api/v1/reports/incidents${query}`), 400);
    if (field !== null) expect(answer.errors?.map((error) => error.field)).toEqual([field]);
  });
});
