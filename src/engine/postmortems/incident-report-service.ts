/**
 * The incident report of `GET /api/v1/reports/incidents`: the pure report over the incidents of
 * the range (src/core/reports/incident-report.ts) plus the postmortem action items overdue now,
 * which the issue wants visible in reports.
 */
import type { ActionItemRepository } from '../../adapters/store/postmortem-repositories.js';
import type { Clock } from '../../core/clock.js';
import type { ActionItem } from '../../core/postmortems/action-item.js';
import { buildIncidentReport, type IncidentReport, type IncidentTargets } from '../../core/reports/incident-report.js';
import type { ReportBucketSize } from '../../core/reports/period-buckets.js';
import type { IncidentReader } from '../incidents/incident-ports.js';

export interface IncidentReportServiceOptions {
  incidents: Pick<IncidentReader, 'between' | 'get'>;
  actionItems: Pick<ActionItemRepository, 'list'>;
  clock: Clock;
  /** Default: seeds 001/004, MTTR < 30 min and MTBF > 7 days. */
  targets?: IncidentTargets;
  /** Most overdue items listed in one report (default 500). */
  maxOverdueItems?: number;
}

export interface IncidentReportQuery {
  fromMs: number;
  toMs: number;
  service?: string;
  bucket: ReportBucketSize;
}

export interface IncidentReportWithActions {
  report: IncidentReport;
  overdueActionItems: ActionItem[];
  /** True when more items are overdue than listed. */
  overdueActionItemsTruncated: boolean;
}

export interface IncidentReportService {
  report(query: IncidentReportQuery): Promise<IncidentReportWithActions>;
}

export function createIncidentReportService(options: IncidentReportServiceOptions): IncidentReportService {
  const maxItems = options.maxOverdueItems ?? 500;
  return {
    async report(query) {
      const nowMs = options.clock.nowMs();
      const incidents = await options.incidents.between(query.fromMs, query.toMs, query.service);
      const report = buildIncidentReport(incidents, { ...query, targets: options.targets });
      const overdue = await options.actionItems.list({ status: ['open', 'in_progress'], dueBeforeMs: nowMs, limit: maxItems + 1 });
      let listed = overdue.slice(0, maxItems);
      if (query.service !== undefined) {
        const service = query.service;
        const known = new Map(incidents.map((incident) => [incident.id, incident]));
        const affects = async (incidentId: string) => {
          const incident = known.get(incidentId) ?? (await options.incidents.get(incidentId));
          if (incident !== null) known.set(incidentId, incident);
          return incident?.services.includes(service) ?? false;
        };
        const kept: ActionItem[] = [];
        for (const item of listed) if (await affects(item.incidentId)) kept.push(item);
        listed = kept;
      }
      return { report, overdueActionItems: listed, overdueActionItemsTruncated: overdue.length > maxItems };
    },
  };
}
