// Contract cases for EscalationStateRepository: what the runner needs of any backing (the store
// on SQLite and PostgreSQL, the in-memory one of the runner's tests). Records come back exactly
// as saved (context JSON included), a save replaces the subject's record, and subjects are
// identified by kind and id together. `current()` must return an empty repository per test.
import { describe, expect, it } from 'vitest';
import type { EscalationState, EscalationSubject } from '../../core/escalation/escalation-state.js';
import type { EscalationRecord, EscalationStateRepository } from './escalation-runner.js';

const startMs = Date.UTC(2026, 11, 6, 12, 0);

function state(subject: EscalationSubject, overrides: Partial<EscalationState> = {}): EscalationState {
  return {
    subject,
    policy: 'critical',
    status: 'active',
    startedAtMs: startMs,
    level: -1,
    round: 0,
    lastFiredAtMs: null,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    ...overrides,
  };
}

const group: EscalationSubject = { kind: 'group', id: '{}/{team="db"}:{alertname="DatabaseDown", instance="db-1:5432"}' };
const incident: EscalationSubject = { kind: 'incident', id: 'INC-2026-1206-001' };

const bySubject = (records: ReadonlyArray<EscalationRecord<unknown>>) =>
  [...records].sort((a, b) => `${a.state.subject.kind}/${a.state.subject.id}`.localeCompare(`${b.state.subject.kind}/${b.state.subject.id}`));

export function registerEscalationStateCases(current: () => EscalationStateRepository<unknown>): void {
  describe('escalation states', () => {
    it('returns saved records exactly, context included', async () => {
      const records: Array<EscalationRecord<unknown>> = [
        { state: state(group), context: { labels: { team: 'db', note: 'ünïcödé "quoted"' }, count: 2.5, flag: false, missing: null } },
        {
          state: state(incident, { status: 'acknowledged', level: 1, round: 2, lastFiredAtMs: startMs + 1, acknowledgedAtMs: startMs + 2, acknowledgedBy: 'alice' }),
          context: 'just text',
        },
      ];
      for (const record of records) await current().save(record);
      expect(bySubject(await current().all())).toEqual(bySubject(records));
    });

    it('replaces the record of the same subject on save', async () => {
      await current().save({ state: state(group), context: { v: 1 } });
      const later = { state: state(group, { level: 1, lastFiredAtMs: startMs + 900_000 }), context: { v: 2 } };
      await current().save(later);
      expect(await current().all()).toEqual([later]);
    });

    it('tells subjects apart by kind and id together', async () => {
      const sameId = { kind: 'incident', id: group.id };
      await current().save({ state: state(group), context: 'group' });
      await current().save({ state: state(sameId), context: 'incident' });
      expect((await current().all()).map((record) => record.context).sort()).toEqual(['group', 'incident']);
      await current().delete(group);
      expect(await current().all()).toEqual([{ state: state(sameId), context: 'incident' }]);
    });

    it('deleting a subject without a record changes nothing', async () => {
      await current().save({ state: state(incident), context: null });
      await current().delete(group);
      expect(await current().all()).toHaveLength(1);
    });
  });
}
