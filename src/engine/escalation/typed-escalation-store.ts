/**
 * The store keeps escalation contexts as JSON and hands them back as `unknown`; a runner for one
 * subject kind knows what it saved. This wrapper is the one place that narrows them, so callers
 * need neither `any` nor a cast of their own. It is sound only for a repository written by a
 * runner of the same TContext, with TContext plain JSON data (what JSON.parse can give back).
 */
import type { EscalationRecord, EscalationStateRepository } from './escalation-runner.js';

export function typedEscalationStore<TContext>(repository: EscalationStateRepository<unknown>): EscalationStateRepository<TContext> {
  return {
    save: (record) => repository.save(record),
    all: async () => (await repository.all()).map((record) => record as EscalationRecord<TContext>),
    delete: (subject) => repository.delete(subject),
  };
}
