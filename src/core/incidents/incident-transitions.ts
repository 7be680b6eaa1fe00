/**
 * The incident status machine: investigating -> identified -> monitoring -> resolved. Forward
 * skips are allowed (investigating -> monitoring), any open status may resolve, and a resolved
 * incident reopens to investigating. Going back between open statuses, resolving twice or
 * acknowledging a resolved incident is a ConflictError that says what is possible instead.
 *
 * Every function is pure: it takes the incident, the actor and `nowMs`, and returns the changed
 * incident with the timeline entries the change causes (the caller stores both).
 */
import { ConflictError } from '../errors.js';
import { incidentStatuses, type Incident, type IncidentStatus, type NewTimelineEntry } from './incident.js';

export interface ChangeContext {
  actor: string;
  nowMs: number;
}

export interface IncidentChange {
  incident: Incident;
  entries: NewTimelineEntry[];
}

export type OpenIncidentStatus = Exclude<IncidentStatus, 'resolved'>;

const rank = (status: IncidentStatus): number => incidentStatuses.indexOf(status);

/** Why `from -> to` is not allowed, or null when it is. */
export function transitionProblem(from: IncidentStatus, to: IncidentStatus): string | null {
  if (from === to) return from === 'resolved' ? 'the incident is already resolved' : `the incident is already ${from}`;
  if (from === 'resolved') return `a resolved incident cannot move to ${to}; reopen it first`;
  if (rank(to) < rank(from)) return `status cannot go back from ${from} to ${to} (investigating -> identified -> monitoring -> resolved)`;
  return null;
}

export function entry(incident: Incident, context: ChangeContext, kind: NewTimelineEntry['kind'], message: string, data: Record<string, unknown> = {}): NewTimelineEntry {
  return { incidentId: incident.id, atMs: context.nowMs, actor: context.actor, kind, message, data };
}

/** Moves an open incident forward to an open status; resolving goes through `resolveIncident`. */
export function changeStatus(incident: Incident, to: OpenIncidentStatus, context: ChangeContext, note = ''): IncidentChange {
  const problem = transitionProblem(incident.status, to);
  if (problem !== null) throw new ConflictError(`${incident.id}: ${problem}`);
  const changed: Incident = { ...incident, status: to, updatedAtMs: context.nowMs };
  const message = `status ${incident.status} -> ${to}${note === '' ? '' : `: ${note}`}`;
  return { incident: changed, entries: [entry(incident, context, 'status_changed', message, { from: incident.status, to, note })] };
}

/** Someone took it: stops escalation. Acknowledging twice or a resolved incident is a conflict. */
export function acknowledgeIncident(incident: Incident, context: ChangeContext): IncidentChange {
  if (incident.status === 'resolved') throw new ConflictError(`${incident.id}: a resolved incident cannot be acknowledged`);
  if (incident.acknowledgedAtMs !== null) {
    throw new ConflictError(`${incident.id}: already acknowledged by ${incident.acknowledgedBy ?? 'someone'} at ${new Date(incident.acknowledgedAtMs).toISOString()}`);
  }
  const changed: Incident = { ...incident, acknowledgedAtMs: context.nowMs, acknowledgedBy: context.actor, updatedAtMs: context.nowMs };
  return { incident: changed, entries: [entry(incident, context, 'acknowledged', `acknowledged by ${context.actor}`)] };
}

export function resolveIncident(incident: Incident, context: ChangeContext, resolution = ''): IncidentChange {
  const problem = transitionProblem(incident.status, 'resolved');
  if (problem !== null) throw new ConflictError(`${incident.id}: ${problem}`);
  const changed: Incident = { ...incident, status: 'resolved', resolvedAtMs: context.nowMs, resolvedBy: context.actor, updatedAtMs: context.nowMs };
  const message = `resolved by ${context.actor}${resolution === '' ? '' : `: ${resolution}`}`;
  return { incident: changed, entries: [entry(incident, context, 'resolved', message, { from: incident.status, resolution, durationMs: context.nowMs - incident.startedAtMs })] };
}

/**
 * A resolved incident comes back as investigating. Its acknowledgement stays (MTTA keeps its
 * first answer; the timeline shows both cycles); the resolution is cleared.
 */
export function reopenIncident(incident: Incident, context: ChangeContext, reason = ''): IncidentChange {
  if (incident.status !== 'resolved') throw new ConflictError(`${incident.id}: only a resolved incident can be reopened (it is ${incident.status})`);
  const changed: Incident = { ...incident, status: 'investigating', resolvedAtMs: null, resolvedBy: null, reopenCount: incident.reopenCount + 1, updatedAtMs: context.nowMs };
  const message = `reopened by ${context.actor}${reason === '' ? '' : `: ${reason}`}`;
  return { incident: changed, entries: [entry(incident, context, 'reopened', message, { reason, previousResolvedAtMs: incident.resolvedAtMs })] };
}
