/**
 * `GET /api/v1/reports/incidents?from=&to=&service=&bucket=day|week|month`: MTTA, MTTR (from
 * detection, and from the start), MTBF per service, counts by service, severity and calendar
 * period, the MTTR/MTBF targets met or missed, and the action items overdue now. Beside
 * `/api/v1/reports/slo` (reports.ts). Durations are in seconds, as the Prometheus metrics;
 * definitions in docs/postmortems.md.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import type { DurationStats } from '../../core/reports/duration-stats.js';
import type { MeanTimeBetweenFailures, TargetCheck } from '../../core/reports/incident-report.js';
import { reportBucketSizes } from '../../core/reports/period-buckets.js';
import type { IncidentReportService } from '../../engine/postmortems/incident-report-service.js';
import { TimeRangeQuery, parseTimeRange } from '../time-range.js';
import { actionItemJson } from './action-items.js';

const dayMs = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

const ReportQuery = Type.Object(
  {
    ...TimeRangeQuery,
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only incidents affecting this service.' })),
    bucket: Type.Optional(Type.Enum([...reportBucketSizes], { description: 'Calendar buckets (UTC; weeks start Monday) of the counts by period; default week.' })),
  },
  { additionalProperties: false },
);

function statsJson(stats: DurationStats, definition: string) {
  return { definition, count: stats.count, mean_seconds: seconds(stats.meanMs), p50_seconds: seconds(stats.p50Ms), p90_seconds: seconds(stats.p90Ms) };
}

function mtbfJson(mtbf: MeanTimeBetweenFailures) {
  return { incidents: mtbf.incidents, mean_seconds: seconds(mtbf.meanMs), p50_seconds: seconds(mtbf.gaps.p50Ms), p90_seconds: seconds(mtbf.gaps.p90Ms), reason: mtbf.reason };
}

const targetJson = (check: TargetCheck) => ({ target_seconds: check.targetMs / 1000, value_seconds: seconds(check.valueMs), status: check.status });

export function registerIncidentReportRoutes(app: FastifyInstance, deps: { reports: IncidentReportService; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/v1/reports/incidents',
    { schema: { tags: ['reports'], summary: 'Incident metrics over a range (default the last 30 days): MTTA, MTTR, MTBF, counts by service, severity and period, targets, overdue action items', querystring: ReportQuery } },
    async (request) => {
      const nowMs = deps.clock.nowMs();
      const { fromMs, toMs } = parseTimeRange(request.query, nowMs, 30 * dayMs, 400 * dayMs);
      const { report, overdueActionItems, overdueActionItemsTruncated } = await deps.reports.report({ fromMs, toMs, service: request.query.service, bucket: request.query.bucket ?? 'week' });
      return {
        from: iso(report.fromMs),
        to: iso(report.toMs),
        service: report.service,
        bucket: report.bucket,
        totals: {
          started: report.totals.started,
          open: report.totals.open,
          resolved: report.totals.resolved,
          acknowledged: report.totals.acknowledged,
          reopened: report.totals.reopened,
          carried_over: report.totals.carriedOver,
        },
        mtta: statsJson(report.timeToAcknowledge, 'detected -> acknowledged'),
        mttr: statsJson(report.timeToResolve, 'detected -> resolved (open incidents excluded)'),
        mttr_from_start: statsJson(report.timeToResolveFromStart, 'started -> resolved (open incidents excluded)'),
        mtbf: mtbfJson(report.timeBetweenFailures),
        by_severity: report.bySeverity.map((row) => ({ severity: row.severity, count: row.count, open: row.open, resolved: row.resolved, mttr: statsJson(row.timeToResolve, 'detected -> resolved') })),
        by_service: report.byService.map((row) => ({ service: row.service, count: row.count, open: row.open, resolved: row.resolved, mttr: statsJson(row.timeToResolve, 'detected -> resolved'), mtbf: mtbfJson(row.timeBetweenFailures) })),
        by_period: report.byPeriod.map((row) => ({ start: iso(row.startMs), end: iso(row.endMs), count: row.count, by_severity: row.bySeverity })),
        targets: {
          mttr: targetJson(report.targets.mttr),
          mtbf: { ...targetJson(report.targets.mtbf), services: report.targets.mtbf.services.map((row) => ({ service: row.service, ...targetJson(row) })) },
        },
        overdue_action_items: overdueActionItems.map((item) => actionItemJson(item, nowMs)),
        overdue_action_items_truncated: overdueActionItemsTruncated,
      };
    },
  );
}
