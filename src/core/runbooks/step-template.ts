/**
 * Templates in runbook steps (checklist text, HTTP url / headers / body, command arguments):
 * the same Go-template subset as alert annotations (src/core/alerting/rules/template.ts), over
 * the incident instead of an alert. `{{ $incident.title }}` or `{{ .Incident.title }}` read the
 * incident, `{{ $labels.team }}` / `{{ .Labels.team }}` its labels (a missing label is "", as in
 * alert templates). A field of `$incident` that does not exist is an error when the runbook
 * loads, so a typo never reaches a responder's page.
 */
import type { Incident } from '../incidents/incident.js';
import { compileScopedTemplate, type TemplateScope } from '../alerting/rules/template.js';

const scope: TemplateScope = { variables: ['incident', 'labels'], dotRoots: { Incident: 'incident', Labels: 'labels' } };

/** The fields of `$incident`, in the order the docs list them. */
export const incidentTemplateFields = [
  'id',
  'title',
  'description',
  'severity',
  'status',
  'service',
  'services',
  'commander',
  'customer_impact',
  'started_at',
  'detected_at',
] as const;

export type IncidentTemplateValues = Record<(typeof incidentTemplateFields)[number], string>;

/** What a step template may say is wrong, or null when it compiles and uses known fields only. */
export function stepTemplateProblem(source: string): string | null {
  if (!source.includes('{{')) return null;
  try {
    const compiled = compileScopedTemplate(source, scope);
    for (const reference of compiled.references) {
      if (reference.variable !== 'incident') continue;
      const [field, ...deeper] = reference.fields;
      if (field === undefined) return 'use a field of $incident, like $incident.title';
      if (!(incidentTemplateFields as readonly string[]).includes(field)) return `unknown variable $incident.${field} (known: ${incidentTemplateFields.join(', ')})`;
      if (deeper.length > 0) return `$incident.${field} has no fields`;
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Incident fields as template strings; times as RFC 3339 UTC, lists comma-separated. */
export function incidentTemplateValues(incident: Incident): IncidentTemplateValues {
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    status: incident.status,
    service: incident.services[0] ?? '',
    services: incident.services.join(','),
    commander: incident.roles.commander ?? '',
    customer_impact: incident.customerImpact,
    started_at: new Date(incident.startedAtMs).toISOString(),
    detected_at: new Date(incident.detectedAtMs).toISOString(),
  };
}

/** Renders a step template for an incident; throws with the reason when rendering fails. */
export function renderStepTemplate(source: string, incident: Incident): string {
  if (!source.includes('{{')) return source;
  const rendered = compileScopedTemplate(source, scope).render({ incident: incidentTemplateValues(incident), labels: incident.labels });
  if (rendered.error !== null) throw new Error(rendered.error);
  return rendered.text;
}
