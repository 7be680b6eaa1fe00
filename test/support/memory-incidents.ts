/**
 * In-memory IncidentReader and IncidentTimelineWriter, ONLY for the runbook executor and route
 * tests while the incident service (another branch) is not merged: runbooks reach incidents
 * through these two ports alone, so the tests exercise the same calls the real service answers.
 */
import { NotFoundError } from '../../src/core/errors.js';
import { isOpen, type Incident, type TimelineEntry } from '../../src/core/incidents/incident.js';
import type { Clock } from '../../src/core/clock.js';
import type { IncidentReader, IncidentTimelineWriter } from '../../src/engine/incidents/incident-ports.js';

export interface MemoryIncidents extends IncidentReader, IncidentTimelineWriter {
  add(incident: Incident): void;
  entries(): TimelineEntry[];
}

export function createMemoryIncidents(clock: Clock): MemoryIncidents {
  const incidents = new Map<string, Incident>();
  const timeline: TimelineEntry[] = [];
  return {
    add(incident) {
      incidents.set(incident.id, incident);
    },
    entries: () => [...timeline],
    get: (id) => Promise.resolve(incidents.get(id) ?? null),
    timeline: (id) => Promise.resolve(timeline.filter((entry) => entry.incidentId === id)),
    between: (fromMs, toMs, service) =>
      Promise.resolve(
        [...incidents.values()].filter(
          (incident) =>
            (service === undefined || incident.services.includes(service)) &&
            incident.startedAtMs < toMs &&
            (isOpen(incident) || (incident.resolvedAtMs ?? 0) >= fromMs),
        ),
      ),
    append(incidentId, entry) {
      if (!incidents.has(incidentId)) return Promise.reject(new NotFoundError('incident', incidentId));
      const stored: TimelineEntry = { id: timeline.length + 1, incidentId, atMs: entry.atMs ?? clock.nowMs(), actor: entry.actor, kind: entry.kind, message: entry.message, data: entry.data };
      timeline.push(stored);
      return Promise.resolve(stored);
    },
  };
}
