/**
 * `/api/v1/incidents`: the incident lifecycle over HTTP. Viewers read; responders open, edit,
 * acknowledge, resolve, reopen, write notes, set roles and post status updates. Times are RFC
 * 3339 UTC. An invalid transition (resolving a resolved incident) is 409, bad input 400 naming
 * the field; neither touches the timeline.
 */
import type { SloBudgetImpact } from '../../engine/incidents/slo-budget-impact.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { incidentStatuses, type Incident, type IncidentStatus, type TimelineEntry } from '../../core/incidents/incident.js';
import { findSeverity, unknownSeverityMessage, type SeverityLevel } from '../../core/incidents/severity-scale.js';
import { statusUpdateKinds } from '../../core/incidents/status-templates.js';
import type { IncidentService } from '../../engine/incidents/incident-service.js';
import { decodeCursor, defaultPageSize, encodeCursor, PaginationQuery } from '../pagination.js';
import { timeField } from './alerts.js';

/** What the routes need from the incident service, plus the configured scale. */
export type IncidentsApi = Pick<IncidentService, 'create' | 'patch' | 'acknowledge' | 'resolve' | 'reopen' | 'addNote' | 'setRoles' | 'postUpdate' | 'linkAlert' | 'get' | 'timeline' | 'list'> & {
  severities(): readonly SeverityLevel[];
  /** The error budget the incident cost each linked SLO (start to resolution, or now). */
  sloImpact?(incident: Incident): Promise<SloBudgetImpact[]>;
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description === undefined ? {} : { description }) });
const Names = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description });
const Labels = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 1000 }));
const OpenStatus = Type.Enum(['investigating', 'identified', 'monitoring']);
const Person = Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]);
const strict = { additionalProperties: false } as const;

const Roles = Type.Object(
  {
    commander: Type.Optional(Person),
    primary_resolver: Type.Optional(Person),
    communications_lead: Type.Optional(Person),
    subject_matter_experts: Type.Optional(Names('Replaces the list.')),
  },
  { ...strict, minProperties: 1, description: 'Seed 004 roles; null clears one.' },
);

const NewIncidentBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Text(20_000)),
    severity: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'A level of incidents.severities; default incidents.auto_create.severity.' })),
    services: Type.Optional(Names('Affected services.')),
    slos: Type.Optional(Names('Linked SLOs.')),
    customer_impact: Type.Optional(Text(5000)),
    labels: Type.Optional(Labels),
    started_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the problem began; default now.' })),
    roles: Type.Optional(Roles),
    announce: Type.Optional(Type.Boolean({ description: 'Send the initial report to incidents.channels (default true).' })),
  },
  strict,
);

const PatchBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    description: Type.Optional(Text(20_000)),
    severity: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    services: Type.Optional(Names('Replaces the list.')),
    slos: Type.Optional(Names('Replaces the list.')),
    customer_impact: Type.Optional(Text(5000)),
    labels: Type.Optional(Labels),
    status: Type.Optional(OpenStatus),
    note: Type.Optional(Text(2000, 'Why the status changed.')),
  },
  { ...strict, minProperties: 1 },
);

const ResolveBody = Type.Object({ resolution: Type.Optional(Text(5000)), root_cause: Type.Optional(Text(5000)), announce: Type.Optional(Type.Boolean()) }, strict);
const ReopenBody = Type.Object({ reason: Type.Optional(Text(2000)) }, strict);
const NoteBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000 }) }, strict);
const LinkBody = Type.Object({ fingerprint: Type.String({ minLength: 1, maxLength: 64 }), labels: Type.Optional(Labels) }, strict);
const UpdateBody = Type.Object(
  {
    kind: Type.Optional(Type.Enum([...statusUpdateKinds], { description: 'Template: initial, update (default) or resolution (default when status is resolved).' })),
    message: Type.Optional(Text(10_000)),
    actions: Type.Optional(Text(10_000)),
    next_steps: Type.Optional(Text(10_000)),
    root_cause: Type.Optional(Text(10_000)),
    next_update: Type.Optional(Text(200, 'ETA for the next update, e.g. "30 min".')),
    status: Type.Optional(Type.Enum([...incidentStatuses])),
    channels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50, description: 'Receivers; default incidents.channels.' })),
  },
  strict,
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated statuses, or `open` for all but resolved.' })),
    severity: Type.Optional(Type.String({ maxLength: 500, description: 'Comma-separated severities.' })),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Started at or after.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Started before.' })),
    ...PaginationQuery,
  },
  strict,
);

export function incidentJson(incident: Incident) {
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    status: incident.status,
    services: incident.services,
    alerts: incident.alerts,
    slos: incident.slos,
    roles: {
      commander: incident.roles.commander,
      primary_resolver: incident.roles.primaryResolver,
      communications_lead: incident.roles.communicationsLead,
      subject_matter_experts: incident.roles.subjectMatterExperts,
    },
    customer_impact: incident.customerImpact,
    labels: incident.labels,
    correlation_key: incident.correlationKey,
    started_at: iso(incident.startedAtMs),
    detected_at: iso(incident.detectedAtMs),
    acknowledged_at: iso(incident.acknowledgedAtMs),
    acknowledged_by: incident.acknowledgedBy,
    resolved_at: iso(incident.resolvedAtMs),
    resolved_by: incident.resolvedBy,
    created_by: incident.createdBy,
    updated_at: iso(incident.updatedAtMs),
    reopen_count: incident.reopenCount,
  };
}

export function timelineEntryJson(entry: TimelineEntry) {
  return { id: entry.id, at: iso(entry.atMs), actor: entry.actor, kind: entry.kind, message: entry.message, data: entry.data };
}

function listOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}

function statusFilter(text: string | undefined): IncidentStatus[] | undefined {
  const items = listOf(text);
  if (items === undefined) return undefined;
  return [...new Set(items.flatMap((item): IncidentStatus[] => {
    if (item === 'open') return ['investigating', 'identified', 'monitoring'];
    const status = incidentStatuses.find((known) => known === item);
    if (status === undefined) throw new ValidationError([{ field: 'status', message: `unknown status ${JSON.stringify(item)}; use ${incidentStatuses.join(', ')} or open` }]);
    return [status];
  }))];
}

function decodeIncidentCursor(cursor: string | undefined): { startedAtMs: number; id: string } | undefined {
  const key = decodeCursor(cursor, 'string');
  if (key === undefined) return undefined;
  const separator = key.indexOf('|');
  const startedAtMs = Number(key.slice(0, separator));
  if (separator < 0 || !Number.isFinite(startedAtMs)) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API; start again without it' }]);
  return { startedAtMs, id: key.slice(separator + 1) };
}

/** Resolve and reopen need no body: a POST without one counts as `{}`. */
function emptyBodyAsObject(request: FastifyRequest, _reply: unknown, done: () => void): void {
  if (request.body === undefined || request.body === null) request.body = {};
  done();
}

export function registerIncidentRoutes(app: FastifyInstance, deps: { incidents: IncidentsApi; alertLabels?: (fingerprint: string) => Record<string, string> | undefined }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['incidents'];
  const act = { requiredRole: 'responder' as const };
  const { incidents } = deps;
  const severity = (name: string | undefined, field: string): string | undefined => {
    if (name === undefined) return undefined;
    const level = findSeverity(incidents.severities(), name);
    if (level === undefined) throw new ValidationError([{ field, message: unknownSeverityMessage(incidents.severities(), name) }]);
    return level.name;
  };

  api.get('/api/v1/incidents', { schema: { tags, summary: 'Incidents, newest first, with filters and pagination', querystring: ListQuery } }, async (request) => {
    const { query } = request;
    const limit = query.limit ?? defaultPageSize;
    const severities = listOf(query.severity)?.map((name, index) => severity(name, `severity[${index}]`) ?? name);
    const fromMs = timeField(query.from);
    const toMs = timeField(query.to);
    if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new ValidationError([{ field: 'to', message: 'must be after from' }]);
    const rows = await incidents.list({ status: statusFilter(query.status), severity: severities, service: query.service, fromMs, toMs, before: decodeIncidentCursor(query.cursor), limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(incidentJson), next_cursor: rows.length > limit && last !== undefined ? encodeCursor(`${last.startedAtMs}|${last.id}`) : null };
  });

  api.get('/api/v1/incidents/severities', { schema: { tags, summary: 'The configured severity scale, most severe first' } }, () =>
    Promise.resolve({
      items: incidents.severities().map((level) => ({
        name: level.name,
        description: level.description,
        response_time_seconds: level.responseTimeMs === null ? null : level.responseTimeMs / 1000,
        escalation_time_seconds: level.escalationTimeMs === null ? null : level.escalationTimeMs / 1000,
        escalation_policy: level.escalationPolicy,
      })),
    }),
  );

  api.get('/api/v1/incidents/:id', { schema: { tags, summary: 'One incident with its timeline', params: Id } }, async (request) => {
    const incident = await incidents.get(request.params.id);
    if (incident === null) throw new NotFoundError('incident', request.params.id);
    const impact = incidents.sloImpact === undefined ? [] : await incidents.sloImpact(incident);
    return {
      ...incidentJson(incident),
      slo_impact: impact.map((item) => ({
        slo: item.slo,
        budget_remaining_at_start: item.budgetRemainingAtStart,
        budget_remaining_at_end: item.budgetRemainingAtEnd,
        budget_burned_ratio: item.budgetBurnedRatio,
        budget_burned_minutes: item.budgetBurnedMinutes,
      })),
      timeline: (await incidents.timeline(incident.id)).map(timelineEntryJson),
    };
  });

  api.post('/api/v1/incidents', { config: act, schema: { tags, summary: 'Open an incident', body: NewIncidentBody } }, async (request, reply) => {
    const { body } = request;
    const roles = body.roles;
    const created = await incidents.create(
      {
        title: body.title,
        description: body.description,
        severity: severity(body.severity, 'severity'),
        services: body.services,
        slos: body.slos,
        customerImpact: body.customer_impact,
        labels: body.labels,
        startedAtMs: timeField(body.started_at),
        roles: roles === undefined ? undefined : {
          ...(roles.commander === undefined ? {} : { commander: roles.commander }),
          ...(roles.primary_resolver === undefined ? {} : { primaryResolver: roles.primary_resolver }),
          ...(roles.communications_lead === undefined ? {} : { communicationsLead: roles.communications_lead }),
          ...(roles.subject_matter_experts === undefined ? {} : { subjectMatterExperts: roles.subject_matter_experts }),
        },
        announce: body.announce,
      },
      request.actor.name,
    );
    return reply.code(201).header('location', `/api/v1/incidents/${created.id}`).send(incidentJson(created));
  });

  api.patch('/api/v1/incidents/:id', { config: act, schema: { tags, summary: 'Change fields or move the status forward', params: Id, body: PatchBody } }, async (request) => {
    const { body } = request;
    const changed = await incidents.patch(
      request.params.id,
      { title: body.title, description: body.description, severity: severity(body.severity, 'severity'), services: body.services, slos: body.slos, customerImpact: body.customer_impact, labels: body.labels, status: body.status, note: body.note },
      request.actor.name,
    );
    return incidentJson(changed);
  });

  api.post('/api/v1/incidents/:id/acknowledge', { config: act, schema: { tags, summary: 'Acknowledge: stops escalation', params: Id } }, async (request) =>
    incidentJson(await incidents.acknowledge(request.params.id, request.actor.name)),
  );

  api.post('/api/v1/incidents/:id/resolve', { config: act, preValidation: emptyBodyAsObject, schema: { tags, summary: 'Resolve (sends the resolution notice to the channels)', params: Id, body: ResolveBody } }, async (request) => {
    const { body } = request;
    return incidentJson(await incidents.resolve(request.params.id, request.actor.name, { resolution: body.resolution, rootCause: body.root_cause, announce: body.announce }));
  });

  api.post('/api/v1/incidents/:id/reopen', { config: act, preValidation: emptyBodyAsObject, schema: { tags, summary: 'Reopen a resolved incident (back to investigating)', params: Id, body: ReopenBody } }, async (request) =>
    incidentJson(await incidents.reopen(request.params.id, request.actor.name, request.body.reason)),
  );

  api.post('/api/v1/incidents/:id/notes', { config: act, schema: { tags, summary: 'Add a note to the timeline', params: Id, body: NoteBody } }, async (request, reply) =>
    reply.code(201).send(timelineEntryJson(await incidents.addNote(request.params.id, request.body.text, request.actor.name))),
  );

  api.post('/api/v1/incidents/:id/roles', { config: act, schema: { tags, summary: 'Assign or clear roles', params: Id, body: Roles } }, async (request) => {
    const { body } = request;
    return incidentJson(
      await incidents.setRoles(
        request.params.id,
        { commander: body.commander, primaryResolver: body.primary_resolver, communicationsLead: body.communications_lead, subjectMatterExperts: body.subject_matter_experts },
        request.actor.name,
      ),
    );
  });

  api.post('/api/v1/incidents/:id/updates', { config: act, schema: { tags, summary: 'Post a status update from a template to the channels', params: Id, body: UpdateBody } }, async (request, reply) => {
    const { body } = request;
    const result = await incidents.postUpdate(
      request.params.id,
      { kind: body.kind, message: body.message, actions: body.actions, nextSteps: body.next_steps, rootCause: body.root_cause, nextUpdate: body.next_update, status: body.status, channels: body.channels },
      request.actor.name,
    );
    return reply.code(201).send({ incident: incidentJson(result.incident), entry: timelineEntryJson(result.entry), text: result.text, sent_to: result.sentTo });
  });

  api.post('/api/v1/incidents/:id/alerts', { config: act, schema: { tags, summary: 'Link an alert by fingerprint', params: Id, body: LinkBody } }, async (request) =>
    incidentJson(
      await incidents.linkAlert(
        request.params.id,
        // The alert's own labels when the pipeline still holds it; else what the caller says.
        { fingerprint: request.body.fingerprint, labels: deps.alertLabels?.(request.body.fingerprint) ?? request.body.labels ?? {} },
        request.actor.name,
      ),
    ),
  );
}
