/**
 * `/api/v1/monitors`: monitors over HTTP (the same snake_case shape as the config file), their
 * results, uptime and roll-up buckets, pause/resume and "check now"; plus uptime per service.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import { monitorKinds } from '../../core/monitors/monitor.js';
import { MonitorDocument, editableMonitorFields } from '../../core/monitors/monitor-document.js';
import { monitorDocumentFromSpec } from '../../core/monitors/monitor-spec.js';
import { summarizeWindow, type UptimeBucket } from '../../core/monitors/uptime.js';
import type { Monitoring } from '../../engine/monitors/monitoring.js';
import type { ServiceCatalog } from '../../engine/service-catalog.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';
import { TimeRangeQuery, parseTimeRange } from '../time-range.js';
import { MonitorResource, ResultResource, SummaryResource, toMonitorResource, toResultResource, toSummaryResource } from './monitor-resource.js';

const dayMs = 86_400_000;
const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });
const ListQuery = Type.Object(
  {
    ...PaginationQuery,
    service: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(Type.Enum([...monitorKinds])),
    tag: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
const MonitorPage = Type.Object({ items: Type.Array(MonitorResource), next_cursor: Type.Union([Type.String(), Type.Null()]) });
const PatchBody = Type.Partial(Type.Object({ ...editableMonitorFields, paused: Type.Boolean() }, { additionalProperties: false }));
const ResultsQuery = Type.Object({ ...TimeRangeQuery, ...PaginationQuery }, { additionalProperties: false });
const ResultPage = Type.Object({ items: Type.Array(ResultResource), next_cursor: Type.Union([Type.String(), Type.Null()]) });
const UptimeQuery = Type.Object(TimeRangeQuery, { additionalProperties: false });
const UptimeResponse = Type.Object({
  name: Type.String(),
  windows: Type.Object({ '24h': SummaryResource, '7d': SummaryResource, '30d': SummaryResource, '90d': SummaryResource }),
  range: Type.Union([SummaryResource, Type.Null()], { description: 'The from/to range asked for, if any.' }),
});
const BucketsQuery = Type.Object(
  { ...TimeRangeQuery, size: Type.Optional(Type.Enum(['1m', '1h'], { description: 'Bucket size (default 1h).' })) },
  { additionalProperties: false },
);
const BucketResource = Type.Object({
  end: Type.String({ format: 'date-time' }),
  checks: Type.Object({ up: Type.Integer(), down: Type.Integer(), degraded: Type.Integer(), maintenance: Type.Integer() }),
  uptime: Type.Union([Type.Number(), Type.Null()]),
  latency_p50_ms: Type.Union([Type.Number(), Type.Null()]),
  latency_p95_ms: Type.Union([Type.Number(), Type.Null()]),
  latency_p99_ms: Type.Union([Type.Number(), Type.Null()]),
});

export function registerMonitorRoutes(app: FastifyInstance, deps: { monitoring: Monitoring; catalog: ServiceCatalog; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service, query } = deps.monitoring;
  const tags = ['monitors'];
  const nowMs = () => deps.clock.nowMs();

  async function uptimeWindows(name: string, monitors: readonly string[], range: { from?: string; to?: string }) {
    const now = nowMs();
    const window = async (days: number) => toSummaryResource(await query.summary(monitors, now - days * dayMs, now), now - days * dayMs, now);
    const [day, week, month, quarter] = await Promise.all([window(1), window(7), window(30), window(90)]);
    let custom = null;
    if (range.from !== undefined || range.to !== undefined) {
      const { fromMs, toMs } = parseTimeRange(range, now, dayMs);
      custom = toSummaryResource(await query.summary(monitors, fromMs, toMs), fromMs, toMs);
    }
    return { name, windows: { '24h': day, '7d': week, '30d': month, '90d': quarter }, range: custom };
  }

  api.get('/api/v1/monitors', {
    schema: { tags, summary: 'List monitors with their live status', querystring: ListQuery, response: { 200: MonitorPage } },
  }, async (request) => {
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await service.list({
      limit: limit + 1,
      afterName: decodeCursor(request.query.cursor, 'string'),
      service: request.query.service,
      kind: request.query.kind,
      tag: request.query.tag,
    });
    const page = pageOf(rows, limit, (view) => view.monitor.name);
    return { items: page.items.map(toMonitorResource), next_cursor: page.next_cursor };
  });

  api.post('/api/v1/monitors', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Create a monitor; its first check runs at once', body: MonitorDocument, response: { 201: MonitorResource } },
  }, async (request, reply) => {
    const created = await service.create(request.body, request.actor);
    return reply.code(201).header('location', `/api/v1/monitors/${created.monitor.name}`).send(toMonitorResource(created));
  });

  api.get('/api/v1/monitors/:name', {
    schema: { tags, summary: 'Get a monitor with its live status', params: NameParams, response: { 200: MonitorResource } },
  }, async (request) => toMonitorResource(await service.get(request.params.name)));

  api.put('/api/v1/monitors/:name', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Replace a monitor', params: NameParams, body: MonitorDocument, response: { 200: MonitorResource } },
  }, async (request) => toMonitorResource(await service.replace(request.params.name, request.body, request.actor)));

  api.patch('/api/v1/monitors/:name', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Change some fields of a monitor (a kind block given replaces the stored one)', params: NameParams, body: PatchBody, response: { 200: MonitorResource } },
  }, async (request) => {
    const current = await service.get(request.params.name);
    const document: Record<string, unknown> = { ...monitorDocumentFromSpec(current.monitor), paused: current.monitor.paused };
    const kindChanges = request.body.kind !== undefined && request.body.kind !== current.monitor.kind;
    if (kindChanges) delete document[current.monitor.kind];
    Object.assign(document, Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined)));
    return toMonitorResource(await service.replace(request.params.name, document as MonitorDocument, request.actor));
  });

  api.delete('/api/v1/monitors/:name', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Delete a monitor with its history', params: NameParams },
  }, async (request, reply) => {
    await service.delete(request.params.name, request.actor);
    return reply.code(204).send();
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    api.post(`/api/v1/monitors/:name/${action}`, {
      config: { requiredRole: 'responder' },
      schema: { tags, summary: paused ? 'Pause a monitor (config monitors too)' : 'Resume a paused monitor; it is checked at once', params: NameParams, response: { 200: MonitorResource } },
    }, async (request) => toMonitorResource(await service.setPaused(request.params.name, paused, request.actor)));
  }

  api.post('/api/v1/monitors/:name/check', {
    config: { requiredRole: 'responder' },
    schema: { tags, summary: 'Run a check now and return its stored result', params: NameParams, response: { 200: ResultResource } },
  }, async (request) => toResultResource(await service.runNow(request.params.name)));

  api.get('/api/v1/monitors/:name/results', {
    schema: { tags, summary: 'Raw check results, newest first (default: the last 24 hours)', params: NameParams, querystring: ResultsQuery, response: { 200: ResultPage } },
  }, async (request) => {
    await service.get(request.params.name);
    const { fromMs, toMs } = parseTimeRange(request.query, nowMs(), dayMs);
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await service.results({
      monitor: request.params.name,
      fromMs,
      toMs,
      beforeId: decodeCursor(request.query.cursor, 'number'),
      limit: limit + 1,
    });
    const page = pageOf(rows, limit, (row) => row.id);
    return { items: page.items.map(toResultResource), next_cursor: page.next_cursor };
  });

  api.get('/api/v1/monitors/:name/uptime', {
    schema: { tags, summary: 'Uptime and latency over 24h, 7d, 30d, 90d and an optional from/to range', params: NameParams, querystring: UptimeQuery, response: { 200: UptimeResponse } },
  }, async (request) => {
    await service.get(request.params.name);
    return uptimeWindows(request.params.name, [request.params.name], request.query);
  });

  api.get('/api/v1/monitors/:name/buckets', {
    schema: {
      tags,
      summary: 'Uptime and latency per 1-minute or 1-hour bucket (status bars, charts); default the last 24 hours',
      params: NameParams,
      querystring: BucketsQuery,
      response: { 200: Type.Object({ size: Type.String(), items: Type.Array(BucketResource) }) },
    },
  }, async (request) => {
    await service.get(request.params.name);
    const size = request.query.size ?? '1h';
    const { fromMs, toMs } = parseTimeRange(request.query, nowMs(), dayMs, size === '1m' ? 2 * dayMs : 366 * dayMs);
    const buckets = await query.buckets([request.params.name], size, fromMs, toMs);
    return {
      size,
      items: buckets.map((bucket) => {
        const summary = toSummaryResource(summarizeOne(bucket), bucket.endMs, bucket.endMs);
        return { end: summary.to, checks: summary.checks, uptime: summary.uptime, latency_p50_ms: summary.latency_p50_ms, latency_p95_ms: summary.latency_p95_ms, latency_p99_ms: summary.latency_p99_ms };
      }),
    };
  });

  api.get('/api/v1/services/:name/uptime', {
    schema: { tags: ['services', 'monitors'], summary: 'Uptime and latency of all monitors of a service together', params: NameParams, querystring: UptimeQuery, response: { 200: UptimeResponse } },
  }, async (request) => {
    await deps.catalog.get(request.params.name);
    const monitors = (await service.list({ service: request.params.name, limit: 100_000 })).map((view) => view.monitor.name);
    return uptimeWindows(request.params.name, monitors, request.query);
  });
}

function summarizeOne(bucket: UptimeBucket) {
  return summarizeWindow([bucket], bucket.endMs - 1, bucket.endMs);
}
