/**
 * `/api/v1/alerts`: alerts from every source with their state, why they are or are not notified
 * (receivers, silences, inhibitions, time mutes), manual alerts (seed 000's "create alert"),
 * acknowledgement (stops repeats and escalation) and manual resolution.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { alertFingerprint } from '../../core/alerting/alert.js';
import { isMatcherError, parseMatchers, type LabelMatcher } from '../../core/alerting/index.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { alertJson, type AlertsApi } from '../alerting-api.js';

const labelValue = Type.String({ maxLength: 8192 });
export const LabelMap = (description: string) => Type.Record(Type.String({ minLength: 1, maxLength: 256 }), labelValue, { description, maxProperties: 128 });
const FingerprintParams = Type.Object({ fingerprint: Type.String({ pattern: '^[0-9a-f]{16}$' }) });

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(['firing', 'suppressed', 'resolved'], { description: 'firing includes suppressed ones unless state=suppressed is asked' })),
    filter: Type.Optional(Type.String({ maxLength: 4096, description: 'Alertmanager matchers, e.g. {service="api", severity=~"P1|P2"}' })),
    receiver: Type.Optional(Type.String({ maxLength: 200, description: 'Only alerts routed to this receiver.' })),
  },
  { additionalProperties: false },
);

const ManualAlert = Type.Object(
  {
    labels: LabelMap('Identity of the alert; must include alertname.'),
    annotations: Type.Optional(LabelMap('summary, description, runbook_url, ...')),
    starts_at: Type.Optional(Type.String({ format: 'date-time' })),
    ends_at: Type.Optional(Type.String({ format: 'date-time', description: 'Omit for an alert that holds until resolved.' })),
    generator_url: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);

/** Parses a `filter` query; a bad matcher is a 400 naming the query field. */
export function filterMatchers(filter: string | undefined, field = 'filter'): LabelMatcher[] | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  try {
    return parseMatchers(filter.trim());
  } catch (error) {
    if (isMatcherError(error)) throw new ValidationError([{ field, message: error.message }]);
    throw error;
  }
}

/** Parses an RFC 3339 field that passed the schema into milliseconds. */
export function timeField(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value);
}

export function registerAlertRoutes(app: FastifyInstance, deps: { alerts: AlertsApi; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['alerts'];
  const show = (fingerprint: string) => {
    const alert = deps.alerts.get(fingerprint);
    if (alert === undefined) throw new NotFoundError('alert', fingerprint);
    return alertJson(alert, deps.alerts.disposition(alert), deps.clock.nowMs());
  };

  api.get('/api/v1/alerts', { schema: { tags, summary: 'Alerts with their state, receivers, silences and inhibitions', querystring: ListQuery } }, (request) => {
    const nowMs = deps.clock.nowMs();
    const { state, receiver } = request.query;
    const matchers = filterMatchers(request.query.filter);
    const items = deps.alerts
      .list({ state: state === 'resolved' ? 'resolved' : state === undefined ? undefined : 'firing', matchers })
      .map((alert) => alertJson(alert, deps.alerts.disposition(alert), nowMs))
      .filter((alert) => (state !== 'suppressed' || alert.state === 'suppressed') && (receiver === undefined || alert.receivers.includes(receiver)));
    return Promise.resolve({ items });
  });

  api.get('/api/v1/alerts/:fingerprint', { schema: { tags, summary: 'One alert by fingerprint', params: FingerprintParams } }, (request) => Promise.resolve(show(request.params.fingerprint)));

  api.post('/api/v1/alerts', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Raise a manual alert (routed like any other); posting the same labels again updates it', body: ManualAlert } }, async (request, reply) => {
    const { body } = request;
    if (body.labels.alertname === undefined || body.labels.alertname === '') throw new ValidationError([{ field: 'labels.alertname', message: 'is required' }]);
    await deps.alerts.sink(
      [{ labels: body.labels, annotations: body.annotations, startsAtMs: timeField(body.starts_at), endsAtMs: timeField(body.ends_at), generatorUrl: body.generator_url ?? `manual:${request.actor.name}` }],
      'manual',
    );
    const fingerprint = alertFingerprint(body.labels);
    if (deps.alerts.get(fingerprint) === undefined) return reply.code(202).send({ accepted: 1 });
    return reply.code(201).header('location', `/api/v1/alerts/${fingerprint}`).send(show(fingerprint));
  });

  api.post('/api/v1/alerts/:fingerprint/acknowledge', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Acknowledge: stops repeat notifications and escalation', params: FingerprintParams } }, async (request) => {
    await deps.alerts.acknowledge(request.params.fingerprint, request.actor);
    return show(request.params.fingerprint);
  });

  api.post('/api/v1/alerts/:fingerprint/resolve', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Resolve now (a source that keeps sending it opens it again)', params: FingerprintParams } }, async (request) => {
    const alert = deps.alerts.get(request.params.fingerprint);
    if (alert === undefined) throw new NotFoundError('alert', request.params.fingerprint);
    await deps.alerts.sink([{ labels: alert.labels, annotations: alert.annotations, startsAtMs: alert.startsAtMs, endsAtMs: deps.clock.nowMs(), generatorUrl: alert.generatorUrl }], alert.source);
    return show(request.params.fingerprint);
  });
}
