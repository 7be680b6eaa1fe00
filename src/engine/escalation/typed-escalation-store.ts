/**
 * The store keeps escalation contexts as JSON and hands them back as `unknown`; a runner for one
 * subject kind knows what it saved. This wrapper is the one place that narrows them, so callers
 * need neither `any` nor a cast of their own. It is sound only for a repository written by a
 * runner of the same TContext, with TContext plain JSON data (what JSON.parse can give back).
 */
import type { EscalationRecord, EscalationStateRepository } from './escalation-runner.js';

/**
 * `subjectKind` keeps runners of different kinds apart on one table: each restores only its own
 * subjects (an incident runner must not fire, or drop, an alert group's escalation).
 */
export function typedEscalationStore<TContext>(repository: EscalationStateRepository<unknown>, subjectKind?: string): EscalationStateRepository<TContext> {
  return {
    save: (record) => repository.save(record),
    all: async () =>
      (await repository.all())
        .filter((record) => subjectKind === undefined || record.state.subject.kind === subjectKind)
        .map((record) => record as EscalationRecord<TContext>),
    delete: (subject) => repository.delete(subject),
  };
}
