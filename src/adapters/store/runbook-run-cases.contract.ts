/**
 * Store contract cases for runbook runs (registered in store.contract.ts, run on every backend).
 */
import { expect, it } from 'vitest';
import { DomainError } from '../../core/errors.js';
import type { RunbookRun } from '../../core/runbooks/runbook-run.js';
import { epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

export function baseRunbookRun(overrides: Partial<RunbookRun> = {}): RunbookRun {
  return {
    id: 'run-1',
    incidentId: 'INC-2026-0101-001',
    runbook: 'service-outage',
    runbookTitle: 'Service outage response',
    steps: [
      { kind: 'checklist', title: 'Confirm the scope', text: 'Which regions? ünïcode ✓' },
      { kind: 'http', title: 'Status page', method: 'POST', url: 'http://127.0.0.1:1/x', headers: { 'content-type': 'application/json' }, body: '{"a":1}', expectStatus: [], timeoutMs: 5000 },
    ],
    stepStates: [
      { status: 'waiting_confirmation', startedAtMs: epochMs, finishedAtMs: null, output: null, confirmedBy: null, note: null },
      { status: 'pending', startedAtMs: null, finishedAtMs: null, output: null, confirmedBy: null, note: null },
    ],
    status: 'waiting_confirmation',
    currentStep: 0,
    startedBy: 'alice',
    startedAtMs: epochMs,
    updatedAtMs: epochMs,
    finishedAtMs: null,
    reason: null,
    ...overrides,
  };
}

export function registerRunbookRunCases(current: () => Store): void {
  it('stores runbook runs whole and lists them by incident, oldest first', async () => {
    const store = current();
    const first = baseRunbookRun();
    const second = baseRunbookRun({ id: 'run-0', startedAtMs: epochMs + 1000, updatedAtMs: epochMs + 1000 });
    const other = baseRunbookRun({ id: 'run-2', incidentId: 'INC-2026-0101-002' });
    await store.runbookRuns.insert(second);
    await store.runbookRuns.insert(first);
    await store.runbookRuns.insert(other);
    expect(await store.runbookRuns.get('run-1')).toEqual(first);
    expect(await store.runbookRuns.get('run-9')).toBeUndefined();
    expect((await store.runbookRuns.listByIncident('INC-2026-0101-001')).map((run) => run.id)).toEqual(['run-1', 'run-0']);
    expect(await store.runbookRuns.listByIncident('INC-2099-0101-001')).toEqual([]);
    await expect(store.runbookRuns.insert(first)).rejects.toThrow();
  });

  it('updates a runbook run and lists only unfinished runs', async () => {
    const store = current();
    await store.runbookRuns.insert(baseRunbookRun());
    await store.runbookRuns.insert(baseRunbookRun({ id: 'run-2', startedAtMs: epochMs + 5 }));
    const finished = baseRunbookRun({ status: 'succeeded', currentStep: 2, finishedAtMs: epochMs + 60_000, updatedAtMs: epochMs + 60_000 });
    await store.runbookRuns.update(finished);
    expect(await store.runbookRuns.get('run-1')).toEqual(finished);
    expect((await store.runbookRuns.listUnfinished()).map((run) => run.id)).toEqual(['run-2']);
    const missing = await store.runbookRuns.update(baseRunbookRun({ id: 'run-404' })).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DomainError);
    expect((missing as DomainError).code).toBe('not_found');
  });
}
