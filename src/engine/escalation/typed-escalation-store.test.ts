import { describe, expect, it } from 'vitest';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import type { EscalationState } from '../../core/escalation/escalation-state.js';
import { typedEscalationStore } from './typed-escalation-store.js';

const openStoreFile = useTestStoreFiles();

const state = (kind: string, id: string): EscalationState => ({
  subject: { kind, id }, policy: 'critical', status: 'active', startedAtMs: 1, level: -1, round: 0, lastFiredAtMs: null, acknowledgedAtMs: null, acknowledgedBy: null, resolvedAtMs: null,
});

describe('typedEscalationStore', () => {
  it('restores only its own subject kind from the shared table', async () => {
    const store = await (await openStoreFile()).open();
    const groups = typedEscalationStore<{ groupKey: string }>(store.escalations, 'alert-group');
    const incidents = typedEscalationStore<{ incidentId: string }>(store.escalations, 'incident');
    await groups.save({ state: state('alert-group', '{}:{alertname="a"}'), context: { groupKey: 'g' } });
    await incidents.save({ state: state('incident', 'INC-2026-1123-001'), context: { incidentId: 'INC-2026-1123-001' } });
    expect((await groups.all()).map((record) => record.state.subject.id)).toEqual(['{}:{alertname="a"}']);
    expect((await incidents.all()).map((record) => record.context.incidentId)).toEqual(['INC-2026-1123-001']);
    expect(await typedEscalationStore(store.escalations).all()).toHaveLength(2);
  });
});
