/**
 * src/engine/oncall: turns escalation targets into receivers of the alerting config, so alert
 * groups and incidents escalate to people and on-call schedules through the one outbox:
 * `{receiver}` is itself, `{person}` their `notify` receivers, `{schedule}` the receivers of
 * whoever is on call at the instant the level fires. People and schedules are read through
 * getters, so a config reload takes effect at the next level.
 */
import type { Clock } from '../../core/clock.js';
import type { EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { OncallSchedule, Person } from '../../core/oncall/oncall-model.js';
import { onCallAt } from '../../core/oncall/schedule-timeline.js';

/** Why a target reached no receiver; the caller logs it (the level itself goes on). */
export type UnresolvedReason = 'nobody-on-call' | 'unknown-person' | 'unknown-schedule';

export type TargetResolution =
  | { receivers: string[]; person: string | null }
  | { receivers: []; person: null; reason: UnresolvedReason; message: string };

/** Receivers for one target at `atMs` (ms since the epoch); empty when nobody can be reached. */
export type ResolveTargetReceivers = (target: EscalationTarget, atMs: number) => string[];

export interface EscalationTargetResolverOptions {
  people: () => readonly Person[];
  schedules: () => readonly OncallSchedule[];
  /** For callers that resolve "now" (`resolveNow`). */
  clock: Clock;
  /** Told when a target reaches nobody (no one on call, a name gone after a reload). */
  onUnresolved?: (target: EscalationTarget, reason: UnresolvedReason, message: string, atMs: number) => void;
}

export interface EscalationTargetResolver {
  /** The receivers plus, when there are none, the reason. */
  resolve(target: EscalationTarget, atMs: number): TargetResolution;
  /** The function the alert-group and incident escalations take as an option; reports empties to `onUnresolved`. */
  resolveTargetReceivers: ResolveTargetReceivers;
  resolveNow(target: EscalationTarget): string[];
}

export function createEscalationTargetResolver(options: EscalationTargetResolverOptions): EscalationTargetResolver {
  const personNamed = (name: string) => options.people().find((person) => person.name === name);
  const unresolved = (reason: UnresolvedReason, message: string): TargetResolution => ({ receivers: [], person: null, reason, message });

  const resolve = (target: EscalationTarget, atMs: number): TargetResolution => {
    if ('receiver' in target) return { receivers: [target.receiver], person: null };
    if ('person' in target) {
      const person = personNamed(target.person);
      return person === undefined ? unresolved('unknown-person', `person '${target.person}' is not configured`) : { receivers: [...person.notify], person: person.name };
    }
    const schedule = options.schedules().find((candidate) => candidate.name === target.schedule);
    if (schedule === undefined) return unresolved('unknown-schedule', `schedule '${target.schedule}' is not configured`);
    const { person: name } = onCallAt(schedule, atMs);
    if (name === null) return unresolved('nobody-on-call', `nobody is on call in schedule '${schedule.name}' at ${new Date(atMs).toISOString()}`);
    const person = personNamed(name);
    return person === undefined ? unresolved('unknown-person', `person '${name}', on call in schedule '${schedule.name}', is not configured`) : { receivers: [...person.notify], person: person.name };
  };

  const resolveTargetReceivers: ResolveTargetReceivers = (target, atMs) => {
    const resolution = resolve(target, atMs);
    if ('reason' in resolution) options.onUnresolved?.(target, resolution.reason, resolution.message, atMs);
    return resolution.receivers;
  };

  return { resolve, resolveTargetReceivers, resolveNow: (target) => resolveTargetReceivers(target, options.clock.nowMs()) };
}
