/**
 * Status updates from templates (seed 004): the initial report, updates and the resolution
 * notice, rendered with the Go-template subset of alert rule annotations
 * (src/core/alerting/rules/template.ts) over the incident's fields (`{{ .ID }}`, `{{ .Severity }}`,
 * `{{ .Labels.team }}` ...). A configured template naming a variable that does not exist is a
 * config problem naming the field; it never reaches a render.
 */
import { compileScopedTemplate, type TemplateScope } from '../alerting/rules/template.js';
import type { FieldProblem } from '../errors.js';
import type { Incident } from './incident.js';

export const statusUpdateKinds = ['initial', 'update', 'resolution'] as const;
export type StatusUpdateKind = (typeof statusUpdateKinds)[number];

export type StatusTemplates = Record<StatusUpdateKind, string>;

/** Every variable a status template may use besides `.Labels`. */
export const statusTemplateFields = [
  'ID', 'Title', 'Description', 'Severity', 'SeverityDescription', 'Status', 'Services', 'SLOs',
  'StartedAt', 'DetectedAt', 'AcknowledgedAt', 'AcknowledgedBy', 'ResolvedAt', 'ResolvedBy', 'Now', 'Duration',
  'Commander', 'PrimaryResolver', 'CommunicationsLead', 'SubjectMatterExperts', 'CustomerImpact',
  'Message', 'Actions', 'NextSteps', 'RootCause', 'NextUpdate', 'URL', 'AckURL', 'ResolveURL', 'Author',
] as const;
export type StatusTemplateField = (typeof statusTemplateFields)[number];

/** `.Labels` plus one `.Field` root per incident field, each reading the variable of the same name. */
const scope: TemplateScope = {
  variables: ['labels', ...statusTemplateFields],
  dotRoots: { Labels: 'labels', ...Object.fromEntries(statusTemplateFields.map((field) => [field, field])) },
};

function templateProblem(source: string): string | null {
  try {
    compileScopedTemplate(source, scope);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Seed 004's three templates. */
export const defaultStatusTemplates: StatusTemplates = {
  initial: `🚨 INCIDENT ALERT 🚨

Incident ID: {{ .ID }}
Title: {{ .Title }}
Severity: {{ .Severity }} ({{ .SeverityDescription }})
Service: {{ .Services }}
Started: {{ .StartedAt }}

IMPACT:
- {{ .CustomerImpact }}
- {{ .Message }}

STATUS:
- {{ .Status }}
- ETA for update: {{ .NextUpdate }}

Incident Commander: {{ .Commander }}
Details: {{ .URL }}`,
  update: `📊 INCIDENT UPDATE 📊

Incident ID: {{ .ID }}
Time: {{ .Now }}
Status: {{ .Status }}

CURRENT STATUS:
- {{ .Message }}

ACTIONS TAKEN:
- {{ .Actions }}

NEXT STEPS:
- {{ .NextSteps }}

ETA for next update: {{ .NextUpdate }}`,
  resolution: `✅ INCIDENT RESOLVED ✅

Incident ID: {{ .ID }}
Resolution Time: {{ .ResolvedAt }}
Duration: {{ .Duration }}

RESOLUTION:
- {{ .Message }}

ROOT CAUSE:
- {{ .RootCause }}

NEXT STEPS:
- {{ .NextSteps }}`,
};

/** What the author of an update adds to the incident's own fields. */
export interface StatusUpdateInput {
  message?: string;
  actions?: string;
  nextSteps?: string;
  rootCause?: string;
  nextUpdate?: string;
  author?: string;
}

export interface StatusTemplateContext {
  nowMs: number;
  severityDescription: string;
  url: string;
  ackUrl: string;
  resolveUrl: string;
}

const iso = (atMs: number | null): string => (atMs === null ? '-' : new Date(atMs).toISOString());
const orDash = (text: string | null | undefined): string => (text === null || text === undefined || text === '' ? '-' : text);

/** `1h 5m`, `3d 2h`, `45s`: the incident's length for people. */
export function formatDuration(durationMs: number): string {
  const seconds = Math.max(0, Math.floor(durationMs / 1000));
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(`${count}${unit}`);
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

export function statusTemplateValues(incident: Incident, input: StatusUpdateInput, context: StatusTemplateContext): Record<StatusTemplateField, string> {
  const endMs = incident.resolvedAtMs ?? context.nowMs;
  return {
    ID: incident.id,
    Title: incident.title,
    Description: orDash(incident.description),
    Severity: incident.severity,
    SeverityDescription: orDash(context.severityDescription),
    Status: incident.status,
    Services: incident.services.length === 0 ? '-' : incident.services.join(', '),
    SLOs: incident.slos.length === 0 ? '-' : incident.slos.join(', '),
    StartedAt: iso(incident.startedAtMs),
    DetectedAt: iso(incident.detectedAtMs),
    AcknowledgedAt: iso(incident.acknowledgedAtMs),
    AcknowledgedBy: orDash(incident.acknowledgedBy),
    ResolvedAt: iso(incident.resolvedAtMs),
    ResolvedBy: orDash(incident.resolvedBy),
    Now: iso(context.nowMs),
    Duration: formatDuration(endMs - incident.startedAtMs),
    Commander: orDash(incident.roles.commander),
    PrimaryResolver: orDash(incident.roles.primaryResolver),
    CommunicationsLead: orDash(incident.roles.communicationsLead),
    SubjectMatterExperts: incident.roles.subjectMatterExperts.length === 0 ? '-' : incident.roles.subjectMatterExperts.join(', '),
    CustomerImpact: orDash(incident.customerImpact),
    Message: orDash(input.message),
    Actions: orDash(input.actions),
    NextSteps: orDash(input.nextSteps),
    RootCause: orDash(input.rootCause),
    NextUpdate: orDash(input.nextUpdate),
    URL: context.url,
    AckURL: orDash(context.ackUrl),
    ResolveURL: orDash(context.resolveUrl),
    Author: orDash(input.author),
  };
}

/** Problems of configured templates, each naming its field (`incidents.templates.update`). */
export function statusTemplateProblems(templates: Partial<Record<StatusUpdateKind, string>>, basePath: string): FieldProblem[] {
  return statusUpdateKinds.flatMap((kind) => {
    const source = templates[kind];
    if (source === undefined) return [];
    const problem = templateProblem(source);
    return problem === null ? [] : [{ field: `${basePath}.${kind}`, message: problem }];
  });
}

/** Renders one kind; a template that fails to render yields the reason (the caller refuses the update). */
export function renderStatusUpdate(template: string, incident: Incident, input: StatusUpdateInput, context: StatusTemplateContext): { text: string; error: string | null } {
  const fields = statusTemplateValues(incident, input, context);
  try {
    return compileScopedTemplate(template, scope).render({ labels: incident.labels, ...fields });
  } catch (error) {
    return { text: template, error: error instanceof Error ? error.message : String(error) };
  }
}
