/**
 * The SLO compliance report (`GET /api/v1/reports/slo`): for each SLO of a service, or of all,
 * the stored counts over a range summed from hour and minute buckets, and the alert firings
 * from the kept evaluations. Reads the store only; the arithmetic lives in core.
 */
import { ValidationError } from '../../core/errors.js';
import { alertFirings, complianceRow, reportBuckets, type AlertStatePoint, type ComplianceRow } from '../../core/slo/compliance-report.js';
import type { Store } from '../../adapters/store/store.js';
import type { SloEvaluator } from './slo-evaluator.js';

/** Minute buckets are kept 4 days (slo-engine.ts); edges older than 3 days use whole hours, to be safe. */
const minuteEdgeMs = 3 * 86_400_000;
/** History points read per SLO: at most one a minute over 90 days is far below this in practice. */
const historyLimit = 200_000;

export interface SloReportQuery {
  service?: string;
  fromMs: number;
  toMs: number;
  nowMs: number;
}

export async function sloComplianceReport(store: Store, evaluator: SloEvaluator, query: SloReportQuery): Promise<ComplianceRow[]> {
  if (query.service !== undefined && (await store.services.get(query.service)) === undefined) {
    throw new ValidationError([{ field: 'service', message: `service '${query.service}' does not exist` }]);
  }
  const buckets = reportBuckets(query.fromMs, query.toMs, query.nowMs - minuteEdgeMs);
  const specs = [...evaluator.runtimes.values()]
    .map((runtime) => runtime.spec)
    .filter((spec) => query.service === undefined || spec.service === query.service)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows: ComplianceRow[] = [];
  for (const spec of specs) {
    let good = 0;
    let total = 0;
    for (const range of buckets.hours) {
      for (const row of await store.sloCounts.hours(spec.name, range.fromMs, range.toMs)) {
        good += row.good;
        total += row.total;
      }
    }
    for (const range of buckets.minutes) {
      for (const row of await store.sloCounts.minutes(spec.name, range.fromMs, range.toMs)) {
        good += row.good;
        total += row.total;
      }
    }
    const [start, points] = await Promise.all([
      store.sloHistory.latestAtOrBefore(spec.name, buckets.fromMs),
      store.sloHistory.list(spec.name, buckets.fromMs, buckets.toMs, historyLimit),
    ]);
    rows.push(complianceRow(spec, buckets, { good, total }, alertFirings(start === undefined ? undefined : alertState(start), points.map(alertState))));
  }
  return rows;
}

function alertState(point: { atMs: number; data: Record<string, unknown> }): AlertStatePoint {
  const state = (value: unknown) => (typeof value === 'string' ? value : 'resolved');
  return { atMs: point.atMs, page: state(point.data['page']), ticket: state(point.data['ticket']) };
}
