/**
 * Incidents' durable state: the incidents themselves, their append-only timelines and the
 * per-day id counter. Every method resolves only after the write has committed. Times are
 * milliseconds since the Unix epoch.
 */
import type { Incident, IncidentStatus, NewTimelineEntry, TimelineEntry } from '../../core/incidents/incident.js';

export interface IncidentListQuery {
  /** Any of these statuses; an empty list matches nothing. */
  status?: IncidentStatus[];
  /** Any of these severities; an empty list matches nothing. */
  severity?: string[];
  /** Incidents whose `services` contain this name. */
  service?: string;
  /** Incidents that started at or after this time. */
  fromMs?: number;
  /** Incidents that started before this time. */
  toMs?: number;
  /** Keyset pagination, newest first: incidents ordered by (startedAtMs desc, id desc) strictly after this cursor. */
  before?: { startedAtMs: number; id: string };
  limit: number;
}

export interface IncidentRepository {
  /**
   * Takes the next number of the UTC day `dayKey` (`YYYYMMDD`): 1 for the first incident of that
   * day. Atomic across concurrent callers and processes sharing the database.
   */
  nextDayNumber(dayKey: string): Promise<number>;
  /** Throws ConflictError when the id exists. */
  insert(incident: Incident): Promise<void>;
  /** Replaces the stored incident with the same id; throws NotFoundError when there is none. */
  update(incident: Incident): Promise<void>;
  get(id: string): Promise<Incident | undefined>;
  list(query: IncidentListQuery): Promise<Incident[]>;
  /** Every incident not resolved, ordered by (startedAtMs, id) (start-up restore of correlation and escalation). */
  open(): Promise<Incident[]>;
  /**
   * Incidents that were open at some instant of [fromMs, toMs): started before toMs and not
   * resolved at or before fromMs (an incident is open over [startedAtMs, resolvedAtMs), so one
   * resolved exactly at fromMs is left out; one whose status is open is always in). Ordered by
   * (startedAtMs, id).
   */
  overlapping(fromMs: number, toMs: number, service?: string): Promise<Incident[]>;
}

export interface IncidentTimelineRepository {
  /** Appends entries in order and returns them with their ids. */
  append(entries: readonly NewTimelineEntry[]): Promise<TimelineEntry[]>;
  /** One incident's entries ordered by (atMs, id). */
  list(incidentId: string): Promise<TimelineEntry[]>;
}
