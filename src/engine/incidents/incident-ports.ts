/**
 * The narrow interfaces other features use to reach incidents (runbooks, postmortems, reports,
 * the dashboard). The incident service implements them; features receive only what they need.
 */
import type { Incident, NewTimelineEntry, TimelineEntry } from '../../core/incidents/incident.js';

export interface IncidentReader {
  /** The incident, or null when no incident has that id. */
  get(id: string): Promise<Incident | null>;
  /** Its timeline, oldest first. */
  timeline(id: string): Promise<TimelineEntry[]>;
  /** Incidents that started, or were open, inside [fromMs, toMs), optionally for one service. */
  between(fromMs: number, toMs: number, service?: string): Promise<Incident[]>;
}

export interface IncidentTimelineWriter {
  /**
   * Appends one entry to an existing incident's timeline (durable when it resolves) and
   * publishes `incident.timeline` on the bus. Rejects with NotFoundError for an unknown id.
   */
  append(incidentId: string, entry: Omit<NewTimelineEntry, 'incidentId' | 'atMs'> & { atMs?: number }): Promise<TimelineEntry>;
}
