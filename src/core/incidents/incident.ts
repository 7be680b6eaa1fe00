/**
 * src/core/incidents: the incident model shared by the incident service, runbooks, postmortems,
 * reports and the dashboard. Pure data and functions; times are milliseconds since the Unix
 * epoch (the API renders them as RFC 3339).
 *
 * An incident moves investigating -> identified -> monitoring -> resolved (steps may be
 * skipped forward; any open status may go straight to resolved) and a resolved incident can be
 * reopened, which puts it back to investigating.
 */

export const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** Seed 004's roles. A role holder is a person's name (or any free-text actor name). */
export interface IncidentRoles {
  commander: string | null;
  primaryResolver: string | null;
  communicationsLead: string | null;
  subjectMatterExperts: string[];
}

export const incidentRoleNames = ['commander', 'primary_resolver', 'communications_lead', 'subject_matter_expert'] as const;
export type IncidentRoleName = (typeof incidentRoleNames)[number];

export interface Incident {
  /** `INC-YYYY-MMDD-NNN`: the UTC day it was opened and a per-day counter from 001. */
  id: string;
  title: string;
  description: string;
  /** One level of the configured severity scale (default P1..P5, seed 000). */
  severity: string;
  status: IncidentStatus;
  /** Affected services (names of the service catalog). */
  services: string[];
  /** Fingerprints of linked alerts. */
  alerts: string[];
  /** Names of linked SLOs. */
  slos: string[];
  roles: IncidentRoles;
  customerImpact: string;
  labels: Record<string, string>;
  /** What joins later alerts to this incident (e.g. the service name); null for hand-made ones. */
  correlationKey: string | null;
  /** When the problem began (the first linked alert's start, or given by the reporter). */
  startedAtMs: number;
  /** When sre-monitor (or the reporter) learned of it. */
  detectedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
  resolvedAtMs: number | null;
  resolvedBy: string | null;
  createdBy: string;
  updatedAtMs: number;
  /** Times the incident was reopened after being resolved. */
  reopenCount: number;
}

export const timelineEntryKinds = [
  'created',
  'status_changed',
  'severity_changed',
  'field_changed',
  'role_changed',
  'alert_linked',
  'alert_firing',
  'alert_resolved',
  'acknowledged',
  'escalated',
  'resolved',
  'reopened',
  'note',
  'status_update',
  'runbook_started',
  'runbook_step',
  'runbook_finished',
  'postmortem_created',
] as const;
export type TimelineEntryKind = (typeof timelineEntryKinds)[number];

/** One append-only entry of an incident's timeline. */
export interface TimelineEntry {
  /** Increasing per store; orders entries written in the same millisecond. */
  id: number;
  incidentId: string;
  atMs: number;
  /** Who did it: a person or token name, or `sre-monitor` for automatic entries. */
  actor: string;
  kind: TimelineEntryKind;
  /** One human-readable line ("status investigating -> identified"). */
  message: string;
  /** Structured details (JSON): old and new values, alert fingerprint, runbook step output ... */
  data: Record<string, unknown>;
}

/** What a writer supplies; the store assigns `id`. */
export type NewTimelineEntry = Omit<TimelineEntry, 'id'>;

export function isOpen(incident: Pick<Incident, 'status'>): boolean {
  return incident.status !== 'resolved';
}
