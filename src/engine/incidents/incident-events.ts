/** Incidents and timeline entries as bus events (RFC 3339 times). */
import type { IncidentEvent, IncidentTimelineEvent } from '../../core/events/domain-events.js';
import type { Incident, TimelineEntry } from '../../core/incidents/incident.js';

const iso = (atMs: number | null): string | null => (atMs === null ? null : new Date(atMs).toISOString());

export function incidentEvent(incident: Incident, actor: string): IncidentEvent {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    services: incident.services,
    startedAt: new Date(incident.startedAtMs).toISOString(),
    acknowledgedBy: incident.acknowledgedBy,
    acknowledgedAt: iso(incident.acknowledgedAtMs),
    resolvedAt: iso(incident.resolvedAtMs),
    actor,
  };
}

export function timelineEvent(entry: TimelineEntry): IncidentTimelineEvent {
  return { incidentId: entry.incidentId, entryId: entry.id, at: new Date(entry.atMs).toISOString(), actor: entry.actor, kind: entry.kind, message: entry.message, data: entry.data };
}
