/**
 * Reports: `GET /api/v1/reports/slo?service=&from=&to=&format=json|csv`, SLO compliance over a
 * range for SLA reporting. CSV when `format=csv` or the client accepts `text/csv` (and not
 * JSON first); one header row, RFC 4180 quoting.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import Type from 'typebox';
import type { Clock } from '../../core/clock.js';
import type { ComplianceRow } from '../../core/slo/compliance-report.js';
import type { SloEngine } from '../../engine/slos/slo-engine.js';
import { sloComplianceReport } from '../../engine/slos/slo-report.js';
import type { Store } from '../../adapters/store/store.js';
import { TimeRangeQuery, parseTimeRange } from '../time-range.js';

const dayMs = 86_400_000;
const ReportQuery = Type.Object(
  {
    ...TimeRangeQuery,
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only the SLOs of this service.' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'json (default) or csv; Accept: text/csv also gives CSV.' })),
  },
  { additionalProperties: false },
);

const iso = (ms: number) => new Date(ms).toISOString();

function rowJson(row: ComplianceRow) {
  return {
    slo: row.slo,
    service: row.service,
    objective: row.objective,
    sli_source: row.sliSource,
    from: iso(row.fromMs),
    to: iso(row.toMs),
    good: row.good,
    total: row.total,
    sli: row.sli,
    objective_met: row.objectiveMet,
    budget_events: row.budgetEvents,
    bad_events: row.badEvents,
    budget_consumed_ratio: row.budgetConsumedRatio,
    budget_remaining_ratio: row.budgetRemainingRatio,
    allowed_downtime_minutes: row.allowedDowntimeMinutes,
    page_alerts: row.pageAlerts,
    ticket_alerts: row.ticketAlerts,
  };
}

const csvColumns = Object.keys(rowJson({ slo: '', service: '', objective: 0, sliSource: '', fromMs: 0, toMs: 0, good: 0, total: 0, sli: null, objectiveMet: null, budgetEvents: 0, badEvents: 0, budgetConsumedRatio: null, budgetRemainingRatio: null, allowedDowntimeMinutes: 0, pageAlerts: 0, ticketAlerts: 0 }));

function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  if (accept === undefined) return false;
  const csvAt = accept.indexOf('text/csv');
  const jsonAt = accept.indexOf('application/json');
  return csvAt >= 0 && (jsonAt < 0 || csvAt < jsonAt);
}

export function registerReportRoutes(app: FastifyInstance, deps: { slos: SloEngine; store: Store; clock: Clock }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/v1/reports/slo',
    { schema: { tags: ['reports'], summary: 'SLO compliance over a range (default the last 30 days): events, SLI, objective met, budget spent, alert firings; JSON or CSV', querystring: ReportQuery } },
    async (request, reply) => {
      const nowMs = deps.clock.nowMs();
      const { fromMs, toMs } = parseTimeRange(request.query, nowMs, 30 * dayMs, 400 * dayMs);
      const rows = (await sloComplianceReport(deps.store, deps.slos.evaluator, { service: request.query.service, fromMs, toMs, nowMs })).map(rowJson);
      if (!wantsCsv(request.query.format, request.headers.accept)) return { from: iso(fromMs), to: iso(toMs), items: rows };
      const text = stringify(rows, { header: true, columns: csvColumns, cast: { boolean: (value) => String(value) } });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="slo-report-${iso(fromMs).slice(0, 10)}-${iso(toMs).slice(0, 10)}.csv"`)
        .send(text);
    },
  );
}
