/**
 * A small in-memory IncidentReader and IncidentTimelineWriter for postmortem and report tests,
 * standing in for the incident service (built on another branch) behind the same ports. It keeps
 * the ports' contract: `between` returns incidents that started, or were open, inside
 * [fromMs, toMs); `append` rejects an unknown incident with NotFoundError.
 */
import { NotFoundError } from '../../src/core/errors.js';
import type { Incident, TimelineEntry } from '../../src/core/incidents/incident.js';
import type { Clock } from '../../src/core/clock.js';
import type { IncidentReader, IncidentTimelineWriter } from '../../src/engine/incidents/incident-ports.js';

export interface InMemoryIncidents extends IncidentReader, IncidentTimelineWriter {
  put(incident: Incident, timeline?: readonly Omit<TimelineEntry, 'id' | 'incidentId'>[]): void;
  entries(incidentId: string): TimelineEntry[];
}

export function createInMemoryIncidents(clock: Clock): InMemoryIncidents {
  const incidents = new Map<string, Incident>();
  const timelines = new Map<string, TimelineEntry[]>();
  let nextId = 1;
  const entries = (id: string) => timelines.get(id) ?? [];
  return {
    put(incident, timeline = []) {
      incidents.set(incident.id, structuredClone(incident));
      timelines.set(incident.id, [...entries(incident.id), ...timeline.map((entry) => ({ ...entry, id: nextId++, incidentId: incident.id }))]);
    },
    entries,
    get: (id) => Promise.resolve(incidents.has(id) ? structuredClone(incidents.get(id)!) : null),
    timeline: (id) => Promise.resolve([...entries(id)].sort((a, b) => a.atMs - b.atMs || a.id - b.id)),
    between(fromMs, toMs, service) {
      const open = (incident: Incident) => incident.status !== 'resolved' || incident.resolvedAtMs === null || incident.resolvedAtMs >= fromMs;
      return Promise.resolve(
        [...incidents.values()].filter((incident) => incident.startedAtMs < toMs && open(incident) && (service === undefined || incident.services.includes(service))).map((incident) => structuredClone(incident)),
      );
    },
    append(incidentId, entry) {
      if (!incidents.has(incidentId)) return Promise.reject(new NotFoundError('incident', incidentId));
      const stored: TimelineEntry = { id: nextId++, incidentId, atMs: entry.atMs ?? clock.nowMs(), actor: entry.actor, kind: entry.kind, message: entry.message, data: entry.data };
      timelines.set(incidentId, [...entries(incidentId), stored]);
      return Promise.resolve(stored);
    },
  };
}
