/**
 * The `incidents:` section: the severity scale (default P1..P5 of seed 000), automatic incidents
 * from alerts (rules' `incident: {create: true, severity: P2}` sets the labels read here),
 * correlation of alerts into one incident, the receivers that get status updates, and the
 * status update templates (seed 004). Cross-references (escalation policies, receivers, template
 * variables, severities) are checked by `incidentConfigProblems`, each problem naming its field.
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern, parseDurationMs } from '../core/duration.js';
import type { FieldProblem } from '../core/errors.js';
import { defaultSeverityScale, findSeverity, unknownSeverityMessage, type SeverityLevel } from '../core/incidents/severity-scale.js';
import { defaultStatusTemplates, statusTemplateProblems, type StatusTemplates } from '../core/incidents/status-templates.js';

const strict = { additionalProperties: false } as const;
const Duration = (description: string, defaultValue?: string) =>
  Type.String({ pattern: durationSchemaPattern, description: `${description} (Prometheus duration: 5m, 1h, 1d)`, ...(defaultValue === undefined ? {} : { default: defaultValue }) });

const SeverityDocument = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9_.-]+$', description: 'Name used in the API and in alert labels, e.g. P1 or SEV1.' }),
    description: Type.String({ maxLength: 500, default: '', description: 'What the level means (seed 000: "Critical: complete service outage").' }),
    response_time: Type.Optional(Duration('Target time to acknowledge')),
    escalation_time: Type.Optional(Duration('When an unacknowledged incident escalates (informational; the escalation policy does the timing)')),
    escalation_policy: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An alerting.escalation_policies entry; default: what alerting.severity_policies maps this name to.' })),
  },
  strict,
);

export const IncidentsSection = Type.Object(
  {
    severities: Type.Optional(Type.Array(SeverityDocument, { minItems: 1, maxItems: 20, description: 'The severity scale, most severe first. Default P1..P5 (seed 000).' })),
    auto_create: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Open incidents from alerts that ask for one.' }),
        label: Type.String({ minLength: 1, default: 'incident', description: 'Alerts with this label set to "true" open (or join) an incident; rules set it with incident: {create: true}.' }),
        severity_label: Type.String({ minLength: 1, default: 'incident_severity', description: 'Label naming the incident severity; rules set it with incident: {severity: P2}.' }),
        severity: Type.String({ minLength: 1, default: 'P3', description: 'Severity when the alert names none (or one not on the scale).' }),
      },
      { ...strict, default: {}, description: 'Incidents opened automatically by alerts.' },
    ),
    correlation: Type.Object(
      {
        labels: Type.Array(Type.String({ minLength: 1 }), { default: ['service'], minItems: 1, description: 'Labels whose values make the correlation key.' }),
        window: Duration('An alert with the same key joins an open incident detected at most this long ago', '10m'),
      },
      { ...strict, default: {}, description: 'When an alert joins an open incident instead of opening another.' },
    ),
    channels: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Receivers (alerting.receivers) that get status updates and escalation notices by default.' }),
    templates: Type.Object(
      {
        initial: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'Initial report (Go template over .ID, .Title, .Severity, ...; see docs/incidents.md).' })),
        update: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'Status update.' })),
        resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'Resolution notice.' })),
      },
      { ...strict, default: {}, description: 'Status update templates; defaults follow seed 004.' },
    ),
  },
  { ...strict, default: {}, description: 'Incidents: severities, automatic creation, correlation, status updates; see docs/incidents.md.' },
);

export type IncidentsDocument = Static<typeof IncidentsSection>;

export interface IncidentSettings {
  severities: SeverityLevel[];
  autoCreate: { enabled: boolean; label: string; severityLabel: string; severity: string };
  correlation: { labels: string[]; windowMs: number };
  channels: string[];
  templates: StatusTemplates;
}

const msOrNull = (text: string | undefined): number | null => (text === undefined ? null : (parseDurationMs(text) ?? null));

export function incidentSettingsFromDocument(document: IncidentsDocument): IncidentSettings {
  const severities = document.severities?.map((level) => ({
    name: level.name,
    description: level.description,
    responseTimeMs: msOrNull(level.response_time),
    escalationTimeMs: msOrNull(level.escalation_time),
    escalationPolicy: level.escalation_policy ?? null,
  })) ?? defaultSeverityScale.map((level) => ({ ...level }));
  const defaultSeverity = findSeverity(severities, document.auto_create.severity)?.name ?? document.auto_create.severity;
  return {
    severities,
    autoCreate: { enabled: document.auto_create.enabled, label: document.auto_create.label, severityLabel: document.auto_create.severity_label, severity: defaultSeverity },
    correlation: { labels: document.correlation.labels, windowMs: parseDurationMs(document.correlation.window) ?? 600_000 },
    channels: document.channels,
    templates: { ...defaultStatusTemplates, ...document.templates },
  };
}

export interface IncidentReferences {
  /** Receivers of the alerting config; undefined when they could not be read (then not checked). */
  receivers?: ReadonlySet<string>;
  escalationPolicies: ReadonlySet<string>;
}

/** Problems a schema cannot see, each as `incidents.<field>`. */
export function incidentConfigProblems(document: IncidentsDocument, references: IncidentReferences): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const settings = incidentSettingsFromDocument(document);
  const seen = new Set<string>();
  (document.severities ?? []).forEach((level, index) => {
    const key = level.name.toLowerCase();
    if (seen.has(key)) problems.push({ field: `incidents.severities[${index}].name`, message: `'${level.name}' is used by an earlier severity (names compare case-insensitively)` });
    seen.add(key);
    if (level.escalation_policy !== undefined && !references.escalationPolicies.has(level.escalation_policy)) {
      problems.push({ field: `incidents.severities[${index}].escalation_policy`, message: `escalation policy '${level.escalation_policy}' does not exist in alerting.escalation_policies${known(references.escalationPolicies)}` });
    }
  });
  if (findSeverity(settings.severities, document.auto_create.severity) === undefined) {
    problems.push({ field: 'incidents.auto_create.severity', message: unknownSeverityMessage(settings.severities, document.auto_create.severity) });
  }
  if (references.receivers !== undefined) {
    const receivers = references.receivers;
    document.channels.forEach((channel, index) => {
      if (!receivers.has(channel)) problems.push({ field: `incidents.channels[${index}]`, message: `no receiver named ${JSON.stringify(channel)} in alerting.receivers${known(receivers)}` });
    });
  }
  problems.push(...statusTemplateProblems(document.templates, 'incidents.templates'));
  return problems;
}

function known(names: ReadonlySet<string>): string {
  return names.size === 0 ? ' (none are configured)' : ` (known: ${[...names].sort().join(', ')})`;
}
