import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import type { IncidentStatus } from './incident.js';
import { baseIncident, t0 } from './incident-builders.test-support.js';
import { acknowledgeIncident, changeStatus, reopenIncident, resolveIncident, transitionProblem, type OpenIncidentStatus } from './incident-transitions.js';

const context = { actor: 'bob', nowMs: t0 + 60_000 };

describe('incident status machine', () => {
  it.each<[IncidentStatus, IncidentStatus, boolean]>([
    ['investigating', 'identified', true],
    ['investigating', 'monitoring', true],
    ['investigating', 'resolved', true],
    ['identified', 'monitoring', true],
    ['identified', 'resolved', true],
    ['monitoring', 'resolved', true],
    ['identified', 'investigating', false],
    ['monitoring', 'identified', false],
    ['investigating', 'investigating', false],
    ['resolved', 'resolved', false],
    ['resolved', 'investigating', false],
    ['resolved', 'monitoring', false],
  ])('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(transitionProblem(from, to) === null).toBe(allowed);
  });

  it.each<[IncidentStatus, OpenIncidentStatus]>([
    ['investigating', 'identified'],
    ['investigating', 'monitoring'],
    ['identified', 'monitoring'],
  ])('changeStatus %s -> %s gives one status_changed entry', (from, to) => {
    const { incident, entries } = changeStatus(baseIncident({ status: from }), to, context, 'found it');
    expect(incident.status).toBe(to);
    expect(incident.updatedAtMs).toBe(context.nowMs);
    expect(entries).toEqual([{ incidentId: incident.id, atMs: context.nowMs, actor: 'bob', kind: 'status_changed', message: `status ${from} -> ${to}: found it`, data: { from, to, note: 'found it' } }]);
  });

  it.each<[IncidentStatus, OpenIncidentStatus, RegExp]>([
    ['monitoring', 'investigating', /cannot go back from monitoring to investigating/],
    ['identified', 'identified', /already identified/],
    ['resolved', 'identified', /reopen it first/],
  ])('changeStatus %s -> %s is a conflict', (from, to, message) => {
    expect(() => changeStatus(baseIncident({ status: from }), to, context)).toThrow(ConflictError);
    expect(() => changeStatus(baseIncident({ status: from }), to, context)).toThrow(message);
  });

  it('acknowledges once, records who and when', () => {
    const { incident, entries } = acknowledgeIncident(baseIncident(), context);
    expect(incident).toMatchObject({ acknowledgedBy: 'bob', acknowledgedAtMs: context.nowMs, status: 'investigating' });
    expect(entries.map((e) => e.kind)).toEqual(['acknowledged']);
    expect(() => acknowledgeIncident(incident, context)).toThrow(/already acknowledged by bob/);
  });

  it('refuses to acknowledge a resolved incident', () => {
    expect(() => acknowledgeIncident(baseIncident({ status: 'resolved', resolvedAtMs: t0 }), context)).toThrow(/resolved incident cannot be acknowledged/);
  });

  it.each<IncidentStatus>(['investigating', 'identified', 'monitoring'])('resolves from %s with the duration in the entry', (from) => {
    const { incident, entries } = resolveIncident(baseIncident({ status: from }), context, 'rolled back');
    expect(incident).toMatchObject({ status: 'resolved', resolvedAtMs: context.nowMs, resolvedBy: 'bob' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'resolved', message: 'resolved by bob: rolled back', data: { from, durationMs: 60_000 } });
  });

  it('refuses to resolve a resolved incident', () => {
    expect(() => resolveIncident(baseIncident({ status: 'resolved' }), context)).toThrow(/already resolved/);
  });

  it('reopens a resolved incident to investigating and counts it; refuses an open one', () => {
    const resolved = resolveIncident(baseIncident(), context).incident;
    const { incident, entries } = reopenIncident(resolved, { actor: 'carol', nowMs: context.nowMs + 1 }, 'came back');
    expect(incident).toMatchObject({ status: 'investigating', resolvedAtMs: null, resolvedBy: null, reopenCount: 1 });
    expect(entries[0]).toMatchObject({ kind: 'reopened', actor: 'carol', message: 'reopened by carol: came back' });
    expect(() => reopenIncident(incident, context)).toThrow(/only a resolved incident can be reopened/);
  });
});
