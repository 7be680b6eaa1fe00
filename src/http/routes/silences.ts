/**
 * `/api/v1/silences`: mute alerts by label matchers for a time range, with a creator and a
 * comment, as Alertmanager silences do. Matchers are written in Alertmanager's syntax
 * (`service="api"`, `severity=~"P3|P4"`); expiring a silence ends it now and keeps it listed.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { parseDurationMs } from '../../core/duration.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { formatMatcher } from '../../core/alerting/index.js';
import { silenceState, type Silence } from '../../core/alerting/silence.js';
import { iso, type SilencesApi } from '../alerting-api.js';
import { filterMatchers, timeField } from './alerts.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const NewSilence = Type.Object(
  {
    matchers: Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 64 })], {
      description: 'Alertmanager matchers: one string `{service="api", severity=~"P3|P4"}` or a list of single matchers.',
    }),
    starts_at: Type.Optional(Type.String({ format: 'date-time', description: 'Default now.' })),
    ends_at: Type.Optional(Type.String({ format: 'date-time' })),
    duration: Type.Optional(Type.String({ pattern: '^[0-9]+(ms|s|m|h|d|w|y)$', description: 'Instead of ends_at: how long from starts_at (2h).' })),
    comment: Type.String({ minLength: 1, maxLength: 2000 }),
    created_by: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Default: the token name.' })),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(['active', 'pending', 'expired'])),
    filter: Type.Optional(Type.String({ maxLength: 4096, description: 'Only silences that would mute alerts with these labels, e.g. {service="api"}.' })),
  },
  { additionalProperties: false },
);

export function silenceJson(silence: Silence, nowMs: number) {
  return {
    id: silence.id,
    matchers: silence.matchers.map(formatMatcher),
    state: silenceState(silence, nowMs),
    starts_at: iso(silence.startsAtMs),
    ends_at: iso(silence.endsAtMs),
    created_by: silence.createdBy,
    comment: silence.comment,
    updated_at: iso(silence.updatedAtMs),
  };
}

export function registerSilenceRoutes(app: FastifyInstance, deps: { silences: SilencesApi; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['silences'];

  api.get('/api/v1/silences', { schema: { tags, summary: 'Silences, newest first', querystring: ListQuery } }, (request) => {
    const nowMs = deps.clock.nowMs();
    const matchers = filterMatchers(request.query.filter);
    const items = deps.silences
      .list()
      .filter((silence) => request.query.state === undefined || silenceState(silence, nowMs) === request.query.state)
      .filter((silence) => matchers === undefined || matchers.every((wanted) => silence.matchers.some((own) => own.name === wanted.name && own.value === wanted.value && own.type === wanted.type)))
      .sort((a, b) => b.startsAtMs - a.startsAtMs || a.id.localeCompare(b.id))
      .map((silence) => silenceJson(silence, nowMs));
    return Promise.resolve({ items });
  });

  api.get('/api/v1/silences/:id', { schema: { tags, summary: 'One silence', params: IdParams } }, (request) => {
    const silence = deps.silences.get(request.params.id);
    if (silence === undefined) throw new NotFoundError('silence', request.params.id);
    return Promise.resolve(silenceJson(silence, deps.clock.nowMs()));
  });

  api.post('/api/v1/silences', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Create a silence', body: NewSilence } }, async (request, reply) => {
    const { body } = request;
    const lines = typeof body.matchers === 'string' ? [body.matchers] : body.matchers;
    const matchers = lines.flatMap((line, index) => filterMatchers(line, typeof body.matchers === 'string' ? 'matchers' : `matchers[${index}]`) ?? []);
    const startsAtMs = timeField(body.starts_at) ?? deps.clock.nowMs();
    if (body.ends_at !== undefined && body.duration !== undefined) throw new ValidationError([{ field: 'duration', message: 'give either ends_at or duration, not both' }]);
    const durationMs = body.duration === undefined ? undefined : parseDurationMs(body.duration);
    const endsAtMs = timeField(body.ends_at) ?? (durationMs === undefined ? undefined : startsAtMs + durationMs);
    if (endsAtMs === undefined) throw new ValidationError([{ field: 'ends_at', message: 'is required (or give duration)' }]);
    const saved = await deps.silences.save({ matchers, startsAtMs, endsAtMs, createdBy: body.created_by ?? request.actor.name, comment: body.comment }, request.actor);
    return reply.code(201).header('location', `/api/v1/silences/${saved.id}`).send(silenceJson(saved, deps.clock.nowMs()));
  });

  api.delete('/api/v1/silences/:id', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Expire a silence now (it stays listed as expired)', params: IdParams } }, async (request) =>
    silenceJson(await deps.silences.expire(request.params.id, request.actor), deps.clock.nowMs()),
  );
}
