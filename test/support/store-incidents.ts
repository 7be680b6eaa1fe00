/**
 * IncidentReader and IncidentTimelineWriter over the real incident tables (store.incidents,
 * store.incidentTimeline), for API tests of features that reach incidents through the ports.
 * The incident service proper lives on another branch; this is the thinnest reader the ports'
 * contract allows: `between` is the repository's `overlapping`, `append` checks the incident.
 */
import type { Store } from '../../src/adapters/store/store.js';
import type { Clock } from '../../src/core/clock.js';
import { NotFoundError } from '../../src/core/errors.js';
import type { Incident, TimelineEntry } from '../../src/core/incidents/incident.js';
import type { IncidentReader, IncidentTimelineWriter } from '../../src/engine/incidents/incident-ports.js';

export interface StoreIncidents extends IncidentReader, IncidentTimelineWriter {
  /** Stores an incident and its first timeline entries. */
  put(incident: Incident, timeline?: readonly Omit<TimelineEntry, 'id' | 'incidentId'>[]): Promise<void>;
  entries(incidentId: string): Promise<TimelineEntry[]>;
}

export function createStoreIncidents(store: Store, clock: Clock): StoreIncidents {
  return {
    async put(incident, timeline = []) {
      await store.incidents.insert(incident);
      if (timeline.length > 0) await store.incidentTimeline.append(timeline.map((entry) => ({ ...entry, incidentId: incident.id })));
    },
    entries: (incidentId) => store.incidentTimeline.list(incidentId),
    get: async (id) => (await store.incidents.get(id)) ?? null,
    timeline: (id) => store.incidentTimeline.list(id),
    between: (fromMs, toMs, service) => store.incidents.overlapping(fromMs, toMs, service),
    async append(incidentId, entry) {
      if ((await store.incidents.get(incidentId)) === undefined) throw new NotFoundError('incident', incidentId);
      const [stored] = await store.incidentTimeline.append([{ incidentId, atMs: entry.atMs ?? clock.nowMs(), actor: entry.actor, kind: entry.kind, message: entry.message, data: entry.data }]);
      return stored!;
    },
  };
}
