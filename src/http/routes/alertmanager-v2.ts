/**
 * Alertmanager's v2 API, so a Prometheus can use sre-monitor as its Alertmanager
 * (`alerting.alertmanagers[].static_configs` pointing here, with `authorization` carrying a
 * responder token) and amtool-style clients can list alerts and manage silences:
 * `POST|GET /api/v2/alerts`, `GET|POST /api/v2/silences`, `GET|DELETE /api/v2/silence/{id}`,
 * `GET /api/v2/receivers`, `GET /api/v2/status`. Shapes follow Alertmanager's OpenAPI spec;
 * unknown fields in posted alerts are ignored as Alertmanager ignores them.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { createMatcher, matchersMatch, type LabelMatcher, type MatchType } from '../../core/alerting/index.js';
import { silenceState } from '../../core/alerting/silence.js';
import { compileAnchoredRegex } from '../../core/alerting/label-matcher.js';
import { gettableAlert, gettableSilence, type AlertsApi, type SilencesApi } from '../alerting-api.js';
import { LabelMap, filterMatchers, timeField } from './alerts.js';

const PostableAlert = Type.Object({
  labels: LabelMap('Identity of the alert.'),
  annotations: Type.Optional(LabelMap('Annotations.')),
  startsAt: Type.Optional(Type.String({ format: 'date-time' })),
  endsAt: Type.Optional(Type.String({ format: 'date-time' })),
  generatorURL: Type.Optional(Type.String({ maxLength: 4096 })),
});

const MatcherObject = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  value: Type.String({ maxLength: 4096 }),
  isRegex: Type.Boolean(),
  isEqual: Type.Optional(Type.Boolean({ default: true })),
});

const PostableSilence = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 64 })),
  matchers: Type.Array(MatcherObject, { minItems: 1, maxItems: 64 }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String({ minLength: 1, maxLength: 200 }),
  comment: Type.String({ minLength: 1, maxLength: 2000 }),
});

const flag = (description: string) => Type.Optional(Type.Boolean({ default: true, description }));
const AlertsQuery = Type.Object({
  active: flag('Include active alerts.'),
  silenced: flag('Include silenced alerts.'),
  inhibited: flag('Include inhibited alerts.'),
  unprocessed: flag('Include unprocessed alerts (none here: every alert is processed when stored).'),
  filter: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 64 })])),
  receiver: Type.Optional(Type.String({ maxLength: 1024, description: 'Regex on receiver names.' })),
});

const SilencesQuery = Type.Object({ filter: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 64 })])) });
const SilenceIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

function queryMatchers(filter: string | string[] | undefined): LabelMatcher[] {
  const lines = filter === undefined ? [] : Array.isArray(filter) ? filter : [filter];
  return lines.flatMap((line, index) => filterMatchers(line, Array.isArray(filter) ? `filter[${index}]` : 'filter') ?? []);
}

function matcherFromObject(matcher: { name: string; value: string; isRegex: boolean; isEqual?: boolean }, index: number): LabelMatcher {
  const type: MatchType = matcher.isRegex ? (matcher.isEqual === false ? '!~' : '=~') : matcher.isEqual === false ? '!=' : '=';
  try {
    return createMatcher(type, matcher.name, matcher.value);
  } catch (error) {
    throw new ValidationError([{ field: `matchers[${index}].value`, message: error instanceof Error ? error.message : String(error) }]);
  }
}

export interface AlertmanagerV2Deps {
  alerts: AlertsApi;
  silences: SilencesApi;
  clock: Clock;
  receivers: () => string[];
  /** The routing config as YAML, for `/api/v2/status`. */
  configText: () => string;
  version: string;
  startedAtMs: number;
}

export function registerAlertmanagerV2Routes(app: FastifyInstance, deps: AlertmanagerV2Deps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['alertmanager v2'];

  api.post('/api/v2/alerts', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Post alerts (Alertmanager v2): what Prometheus sends', body: Type.Array(PostableAlert, { maxItems: 10_000 }) } }, async (request, reply) => {
    await deps.alerts.sink(
      request.body.map((alert) => ({ labels: alert.labels, annotations: alert.annotations, startsAtMs: timeField(alert.startsAt), endsAtMs: timeField(alert.endsAt), generatorUrl: alert.generatorURL })),
      'prometheus',
    );
    return reply.code(200).send();
  });

  api.get('/api/v2/alerts', { schema: { tags, summary: 'List alerts (Alertmanager v2)', querystring: AlertsQuery } }, (request) => {
    const { active = true, silenced = true, inhibited = true, receiver } = request.query;
    const receiverRegex = receiver === undefined ? undefined : compileReceiverRegex(receiver);
    const matchers = queryMatchers(request.query.filter);
    const items = deps.alerts
      .list({ state: 'firing', matchers })
      .map((alert) => ({ alert, disposition: deps.alerts.disposition(alert) }))
      .filter(({ disposition }) => {
        const isSilenced = disposition.silencedBy.length > 0;
        const isInhibited = disposition.inhibitedBy.length > 0;
        if (!silenced && isSilenced) return false;
        if (!inhibited && isInhibited) return false;
        if (!active && !isSilenced && !isInhibited && disposition.mutedBy.length === 0) return false;
        return receiverRegex === undefined || disposition.receivers.some((name) => receiverRegex.matches(name));
      })
      .map(({ alert, disposition }) => gettableAlert(alert, disposition));
    return Promise.resolve(items);
  });

  api.get('/api/v2/silences', { schema: { tags, summary: 'List silences (Alertmanager v2)', querystring: SilencesQuery } }, (request) => {
    const nowMs = deps.clock.nowMs();
    const matchers = queryMatchers(request.query.filter);
    const items = deps.silences
      .list()
      .filter((silence) => matchers.length === 0 || matchersMatch(matchers, Object.fromEntries(silence.matchers.filter((m) => m.type === '=').map((m) => [m.name, m.value]))))
      .map((silence) => gettableSilence(silence, nowMs));
    return Promise.resolve(items);
  });

  api.post('/api/v2/silences', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Create or update a silence (Alertmanager v2)', body: PostableSilence } }, async (request) => {
    const { body } = request;
    const saved = await deps.silences.save(
      {
        id: body.id === undefined || body.id === '' ? undefined : body.id,
        matchers: body.matchers.map(matcherFromObject),
        startsAtMs: Date.parse(body.startsAt),
        endsAtMs: Date.parse(body.endsAt),
        createdBy: body.createdBy,
        comment: body.comment,
      },
      request.actor,
    );
    return { silenceID: saved.id };
  });

  api.get('/api/v2/silence/:id', { schema: { tags, summary: 'One silence (Alertmanager v2)', params: SilenceIdParams } }, (request) => {
    const silence = deps.silences.get(request.params.id);
    if (silence === undefined) throw new NotFoundError('silence', request.params.id);
    return Promise.resolve(gettableSilence(silence, deps.clock.nowMs()));
  });

  api.delete('/api/v2/silence/:id', { config: { requiredRole: 'responder' }, schema: { tags, summary: 'Expire a silence (Alertmanager v2)', params: SilenceIdParams } }, async (request, reply) => {
    const silence = deps.silences.get(request.params.id);
    if (silence === undefined) throw new NotFoundError('silence', request.params.id);
    if (silenceState(silence, deps.clock.nowMs()) !== 'expired') await deps.silences.expire(request.params.id, request.actor);
    return reply.code(200).send();
  });

  api.get('/api/v2/receivers', { schema: { tags, summary: 'Receiver names (Alertmanager v2)' } }, () => Promise.resolve(deps.receivers().map((name) => ({ name }))));

  api.get('/api/v2/status', { schema: { tags, summary: 'Status (Alertmanager v2): version, uptime, routing config' } }, () =>
    Promise.resolve({
      cluster: { status: 'disabled', peers: [] },
      versionInfo: { version: deps.version, branch: '', revision: '', buildUser: '', buildDate: '', goVersion: '' },
      config: { original: deps.configText() },
      uptime: new Date(deps.startedAtMs).toISOString(),
    }),
  );
}

function compileReceiverRegex(source: string) {
  try {
    return compileAnchoredRegex(source);
  } catch (error) {
    throw new ValidationError([{ field: 'receiver', message: error instanceof Error ? error.message : String(error) }]);
  }
}
