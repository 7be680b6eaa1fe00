/**
 * Opening an incident and the edits that are not status changes: fields, roles, notes and
 * linked alerts. Pure, like the status machine: each returns the changed incident and the
 * timeline entries (none when nothing changed, so a repeated PATCH adds nothing).
 */
import type { Incident, IncidentRoles } from './incident.js';
import { entry, type ChangeContext, type IncidentChange } from './incident-transitions.js';

export interface NewIncident {
  title: string;
  description?: string;
  severity: string;
  services?: string[];
  slos?: string[];
  alerts?: string[];
  customerImpact?: string;
  labels?: Record<string, string>;
  roles?: Partial<IncidentRoles>;
  correlationKey?: string | null;
  /** When the problem began; default `nowMs`. */
  startedAtMs?: number;
}

export function openIncident(id: string, input: NewIncident, context: ChangeContext): IncidentChange {
  const incident: Incident = {
    id,
    title: input.title,
    description: input.description ?? '',
    severity: input.severity,
    status: 'investigating',
    services: unique(input.services ?? []),
    alerts: unique(input.alerts ?? []),
    slos: unique(input.slos ?? []),
    roles: { commander: null, primaryResolver: null, communicationsLead: null, subjectMatterExperts: [], ...input.roles },
    customerImpact: input.customerImpact ?? '',
    labels: { ...input.labels },
    correlationKey: input.correlationKey ?? null,
    startedAtMs: Math.min(input.startedAtMs ?? context.nowMs, context.nowMs),
    detectedAtMs: context.nowMs,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    resolvedBy: null,
    createdBy: context.actor,
    updatedAtMs: context.nowMs,
    reopenCount: 0,
  };
  const created = entry(incident, context, 'created', `${input.severity} incident opened by ${context.actor}: ${input.title}`, {
    severity: incident.severity,
    services: incident.services,
    alerts: incident.alerts,
    correlationKey: incident.correlationKey,
  });
  return { incident, entries: [created] };
}

export interface IncidentPatch {
  title?: string;
  description?: string;
  severity?: string;
  services?: string[];
  slos?: string[];
  customerImpact?: string;
  labels?: Record<string, string>;
}

const fieldNames: Record<Exclude<keyof IncidentPatch, 'severity'>, string> = {
  title: 'title',
  description: 'description',
  services: 'services',
  slos: 'slos',
  customerImpact: 'customer_impact',
  labels: 'labels',
};

/** Applies the given fields; one entry per field that really changed (severity has its own kind). */
export function patchIncident(incident: Incident, patch: IncidentPatch, context: ChangeContext): IncidentChange {
  let changed: Incident = incident;
  const entries = [];
  if (patch.severity !== undefined && patch.severity !== incident.severity) {
    changed = { ...changed, severity: patch.severity };
    entries.push(entry(incident, context, 'severity_changed', `severity ${incident.severity} -> ${patch.severity}`, { from: incident.severity, to: patch.severity }));
  }
  for (const key of Object.keys(fieldNames) as Array<keyof typeof fieldNames>) {
    const raw = patch[key];
    if (raw === undefined) continue;
    const next = Array.isArray(raw) ? unique(raw) : raw;
    const before = incident[key];
    if (JSON.stringify(before) === JSON.stringify(next)) continue;
    changed = { ...changed, [key]: next };
    const field = fieldNames[key];
    const shown = typeof next === 'string' ? (next.length > 80 ? `${next.slice(0, 77)}...` : next) : JSON.stringify(next);
    entries.push(entry(incident, context, 'field_changed', `${field} set to ${shown}`, { field, from: before, to: next }));
  }
  if (entries.length > 0) changed = { ...changed, updatedAtMs: context.nowMs };
  return { incident: changed, entries };
}

export interface RolesPatch {
  commander?: string | null;
  primaryResolver?: string | null;
  communicationsLead?: string | null;
  subjectMatterExperts?: string[];
}

const roleNames: Record<keyof RolesPatch, string> = {
  commander: 'commander',
  primaryResolver: 'primary_resolver',
  communicationsLead: 'communications_lead',
  subjectMatterExperts: 'subject_matter_experts',
};

/** Seed 004's roles; null clears a role. One `role_changed` entry per role that changed. */
export function assignRoles(incident: Incident, patch: RolesPatch, context: ChangeContext): IncidentChange {
  let roles = incident.roles;
  const entries = [];
  for (const key of Object.keys(roleNames) as Array<keyof RolesPatch>) {
    const next = key === 'subjectMatterExperts' ? (patch.subjectMatterExperts === undefined ? undefined : unique(patch.subjectMatterExperts)) : patch[key];
    if (next === undefined) continue;
    const before = roles[key];
    if (JSON.stringify(before) === JSON.stringify(next)) continue;
    roles = { ...roles, [key]: next };
    const role = roleNames[key];
    const shown = Array.isArray(next) ? (next.length === 0 ? 'nobody' : next.join(', ')) : (next ?? 'nobody');
    entries.push(entry(incident, context, 'role_changed', `${role}: ${shown}`, { role, from: before, to: next }));
  }
  if (entries.length === 0) return { incident, entries };
  return { incident: { ...incident, roles, updatedAtMs: context.nowMs }, entries };
}

export function addNote(incident: Incident, text: string, context: ChangeContext): IncidentChange {
  return { incident: { ...incident, updatedAtMs: context.nowMs }, entries: [entry(incident, context, 'note', text)] };
}

/** Links an alert (by fingerprint) once; services named by its `service` label join the incident's. */
export function linkAlert(incident: Incident, alert: { fingerprint: string; labels: Record<string, string> }, context: ChangeContext): IncidentChange {
  if (incident.alerts.includes(alert.fingerprint)) return { incident, entries: [] };
  const service = alert.labels.service;
  const services = service === undefined || service === '' ? incident.services : unique([...incident.services, service]);
  const changed: Incident = { ...incident, alerts: [...incident.alerts, alert.fingerprint], services, updatedAtMs: context.nowMs };
  const name = alert.labels.alertname ?? alert.fingerprint;
  return { incident: changed, entries: [entry(incident, context, 'alert_linked', `alert ${name} linked`, { fingerprint: alert.fingerprint, labels: alert.labels })] };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
