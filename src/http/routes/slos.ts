/**
 * `/api/v1/slos`, `/api/v1/events` and `/api/v1/gate`: SLOs with their live status, history and
 * budget; pushed SLI events (JSON array or NDJSON, `Idempotency-Key` for safe retries); and the
 * release gate CI pipelines ask before deploying.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import type { SloStatus } from '../../core/slo/evaluate-slo.js';
import { SloDocument } from '../../core/slo/slo-document.js';
import { sloDocumentFromSpec } from '../../core/slo/slo-spec.js';
import type { SloRuntime } from '../../engine/slos/slo-evaluator.js';
import type { SloEngine } from '../../engine/slos/slo-engine.js';
import type { SliSourceHealth } from '../../engine/slos/prometheus-sli-poller.js';
import type { Store } from '../../adapters/store/store.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';
import { TimeRangeQuery, parseTimeRange } from '../time-range.js';

const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });
const ListQuery = Type.Object({ ...PaginationQuery, service: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
const dayMs = 86_400_000;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function statusJson(status: SloStatus | null) {
  if (status === null) return null;
  return {
    evaluated_at: iso(status.atMs),
    window: { from: iso(status.window.startMs), to: iso(status.window.atMs), length_ms: status.window.lengthMs },
    sli: { good: status.sli.good, total: status.sli.total, ratio: status.sli.ratio },
    error_budget: {
      budget_ratio: status.errorBudget.budgetRatio,
      total_minutes: status.errorBudget.totalMinutes,
      consumed_ratio: status.errorBudget.consumedRatio,
      remaining_ratio: status.errorBudget.remainingRatio,
      consumed_minutes: status.errorBudget.consumedMinutes,
      remaining_minutes: status.errorBudget.remainingMinutes,
      exhaustion_at: iso(status.errorBudget.exhaustionAtMs),
    },
    burn_rates: Object.fromEntries(status.burnRates.map((rate) => [rate.window, { burn_rate: rate.burnRate, error_ratio: rate.errorRatio, good: rate.good, total: rate.total }])),
    level: status.level,
    policy: status.policy,
    alerts: Object.fromEntries(
      (['page', 'ticket'] as const).map((severity) => [severity, { state: status.alerts[severity].state, fired_at: iso(status.alerts[severity].firedAtMs), resolved_at: iso(status.alerts[severity].resolvedAtMs) }]),
    ),
  };
}

/** PromQL SLIs only: how far the minutes are read, and the last failure (null otherwise). */
function sourceStatusJson(runtime: SloRuntime, health: SliSourceHealth | undefined) {
  if (runtime.spec.sli.kind !== 'prometheus') return undefined;
  return {
    read_through: iso(health?.doneThroughMs ?? null),
    last_success_at: iso(health?.lastSuccessAtMs ?? null),
    last_error: health?.lastError ?? null,
    last_error_at: iso(health?.lastErrorAtMs ?? null),
  };
}

/** A JSON array, or NDJSON (one JSON object per line); problems name the line. */
function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'string') {
    const items: unknown[] = [];
    body.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        items.push(JSON.parse(line));
      } catch {
        throw new ValidationError([{ field: `line ${index + 1}`, message: 'is not valid JSON' }]);
      }
    });
    return items;
  }
  if (body !== null && typeof body === 'object') return [body];
  throw new ValidationError([{ field: 'body', message: 'must be a JSON array of events or NDJSON (application/x-ndjson)' }]);
}

export async function registerSloRoutes(app: FastifyInstance, deps: { slos: SloEngine; store: Store; clock: Clock }): Promise<void> {
  const toResource = (runtime: SloRuntime) => ({
    ...sloDocumentFromSpec(runtime.spec),
    status: statusJson(runtime.status),
    sli_source_status: sourceStatusJson(runtime, deps.slos.sourceHealth(runtime.spec.name)),
  });
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service } = deps.slos;
  const tags = ['slos'];

  api.get('/api/v1/slos', { schema: { tags, summary: 'List SLOs with their status now', querystring: ListQuery } }, async (request) => {
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await service.list({ limit: limit + 1, afterName: decodeCursor(request.query.cursor, 'string'), service: request.query.service });
    const page = pageOf(rows, limit, (runtime) => runtime.spec.name);
    return { items: page.items.map(toResource), next_cursor: page.next_cursor };
  });

  api.post('/api/v1/slos', { config: { requiredRole: 'admin' }, schema: { tags, summary: 'Create an SLO', body: SloDocument } }, async (request, reply) => {
    const created = await service.create(request.body, request.actor);
    return reply.code(201).header('location', `/api/v1/slos/${created.spec.name}`).send(toResource(created));
  });

  api.get('/api/v1/slos/:name', { schema: { tags, summary: 'An SLO: SLI, budget, burn rates, alerts and policy now', params: NameParams } }, (request) =>
    Promise.resolve(toResource(service.get(request.params.name))),
  );

  api.put('/api/v1/slos/:name', { config: { requiredRole: 'admin' }, schema: { tags, summary: 'Replace an SLO', params: NameParams, body: SloDocument } }, async (request) =>
    toResource(await service.replace(request.params.name, request.body, request.actor)),
  );

  api.delete('/api/v1/slos/:name', { config: { requiredRole: 'admin' }, schema: { tags, summary: 'Delete an SLO with its counts and history', params: NameParams } }, async (request, reply) => {
    await service.delete(request.params.name, request.actor);
    return reply.code(204).send();
  });

  api.get('/api/v1/slos/:name/budget', { schema: { tags, summary: 'Error budget now', params: NameParams } }, (request) => {
    const runtime = service.get(request.params.name);
    const status = statusJson(runtime.status);
    return Promise.resolve({ slo: runtime.spec.name, objective: runtime.spec.objectiveRatio, error_budget: status?.error_budget ?? null, level: status?.level ?? null, policy: status?.policy ?? null });
  });

  api.get('/api/v1/slos/:name/history', {
    schema: { tags, summary: 'Kept evaluations (changes, and at least every 15 minutes); default the whole window', params: NameParams, querystring: Type.Object(TimeRangeQuery, { additionalProperties: false }) },
  }, async (request) => {
    const runtime = service.get(request.params.name);
    // The latest evaluation may be stamped with the step boundary just ahead of the clock.
    const { fromMs, toMs } = parseTimeRange(request.query, Math.max(deps.clock.nowMs(), runtime.status?.atMs ?? 0), runtime.status?.window.lengthMs ?? 30 * dayMs, 400 * dayMs);
    const [start, points] = await Promise.all([
      deps.store.sloHistory.latestAtOrBefore(runtime.spec.name, fromMs),
      deps.store.sloHistory.list(runtime.spec.name, fromMs, toMs, 10_000),
    ]);
    return { slo: runtime.spec.name, from: iso(fromMs), to: iso(toMs), start: start === undefined ? null : { at: iso(start.atMs), ...start.data }, points: points.map((point) => ({ at: iso(point.atMs), ...point.data })) };
  });

  await app.register((scope) => {
    scope.addContentTypeParser(['application/x-ndjson', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/events', {
      config: { requiredRole: 'responder' },
      schema: { tags, summary: 'Push SLI events: counts {slo, at?, good, total} or outcomes {slo, at?, status?, latency_ms?, ok?}; acknowledged once durable' },
    }, async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (Array.isArray(key) || (key !== undefined && (key.length === 0 || key.length > 200))) {
        throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be one value of 1 to 200 characters' }]);
      }
      const result = await service.ingest(itemsOf(request.body), key ?? null);
      return reply.code(result.replayed ? 200 : 202).send(result);
    });
    return Promise.resolve();
  });

  api.get('/api/v1/gate', {
    schema: { tags: ['slos'], summary: 'Release gate: allow unless an SLO of the service is frozen or exhausted', querystring: Type.Object({ service: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }) },
  }, (request) => Promise.resolve(service.gate(request.query.service)));
}
