/**
 * Escalation states by subject, so the escalation runner resumes after a restart. The state and
 * the context are JSON text (the engine's context is plain JSON data); the subject lives only in
 * the key columns, so a row cannot disagree with its own key.
 *
 * `updated_at_ms` is derived from the state (its latest timestamp) rather than read from a
 * clock: repositories get no Clock, and the state already says when it last changed.
 */
import type { EscalationState } from '../../core/escalation/escalation-state.js';
import type { StoreExecutor } from './executor.js';
import type { EscalationRepository } from './store.js';

type StateWithoutSubject = Omit<EscalationState, 'subject'>;

/** When the state last changed (ms since the epoch). */
function lastChangeMs(state: EscalationState): number {
  return Math.max(state.startedAtMs, state.lastFiredAtMs ?? 0, state.acknowledgedAtMs ?? 0, state.resolvedAtMs ?? 0);
}

export function createEscalationStateRepository(executor: StoreExecutor): EscalationRepository {
  return {
    async save({ state, context }) {
      const { subject, ...rest } = state;
      // JSON.stringify gives undefined for an undefined context: stored as NULL, read back as undefined.
      const contextText: string | undefined = JSON.stringify(context);
      const row = {
        subject_kind: subject.kind,
        subject_id: subject.id,
        state_json: JSON.stringify(rest),
        context_json: contextText ?? null,
        updated_at_ms: lastChangeMs(state),
      };
      await executor
        .insertInto('escalations')
        .values(row)
        .onConflict((onConflict) =>
          onConflict.columns(['subject_kind', 'subject_id']).doUpdateSet({
            state_json: row.state_json,
            context_json: row.context_json,
            updated_at_ms: row.updated_at_ms,
          }),
        )
        .execute();
    },

    async all() {
      const rows = await executor.selectFrom('escalations').selectAll().orderBy('subject_kind').orderBy('subject_id').execute();
      return rows.map((row) => ({
        state: { subject: { kind: row.subject_kind, id: row.subject_id }, ...(JSON.parse(row.state_json) as StateWithoutSubject) },
        context: row.context_json === null ? undefined : (JSON.parse(row.context_json) as unknown),
      }));
    },

    async delete(subject) {
      await executor.deleteFrom('escalations').where('subject_kind', '=', subject.kind).where('subject_id', '=', subject.id).execute();
    },
  };
}
