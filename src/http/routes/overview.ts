/**
 * `GET /api/v1/overview`: every service with its health score, monitors by status, alerts
 * firing and SLO budgets left, worst first, and the firing alerts of the whole installation
 * (with those that no service of the catalog claims). One read for the dashboard's first page,
 * so it does not have to page through every monitor, SLO and alert to sort the services.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../core/clock.js';
import { healthScore } from '../../core/services/health-score.js';
import type { Service } from '../../core/services/service.js';
import type { Monitoring } from '../../engine/monitors/monitoring.js';
import type { ServiceCatalog } from '../../engine/service-catalog.js';
import type { SloEngine } from '../../engine/slos/slo-engine.js';
import type { AlertsApi } from '../alerting-api.js';

export interface OverviewDeps {
  catalog: ServiceCatalog;
  monitoring: Monitoring;
  slos: SloEngine;
  alerts: AlertsApi;
  clock: Clock;
}

const monitorStatuses = ['up', 'degraded', 'down', 'pending', 'paused', 'maintenance'] as const;
type MonitorCounts = Record<(typeof monitorStatuses)[number], number>;
/** Severities that wake someone up (Prometheus, PagerDuty and SLO page alerts). */
const pagingSeverity = /^(critical|page|p1|p2)$/i;
const everything = 1_000_000;

interface SloSummary {
  name: string;
  objective: number;
  budget_remaining_ratio: number | null;
  level: string | null;
  policy: string | null;
}

interface AlertCounts {
  firing: number;
  suppressed: number;
  page: number;
}

function emptyAlertCounts(): AlertCounts {
  return { firing: 0, suppressed: 0, page: 0 };
}

/** A firing alert is `suppressed` when silenced, inhibited or muted; `page` counts paging ones not suppressed. */
function count(counts: AlertCounts, muted: boolean, paging: boolean): void {
  if (muted) counts.suppressed += 1;
  else {
    counts.firing += 1;
    if (paging) counts.page += 1;
  }
}

function emptyCounts(): MonitorCounts {
  return { up: 0, degraded: 0, down: 0, pending: 0, paused: 0, maintenance: 0 };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function registerOverviewRoute(app: FastifyInstance, deps: OverviewDeps): void {
  // The dashboard's monitor list: every monitor in one answer with only what a row shows, from
  // the scheduler's memory. The full resources of /api/v1/monitors are ~1 KB each (5 MB for
  // 5,000 monitors, in pages of 500); these rows are a fifth of that and need no paging.
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/overview/monitors', {
    schema: { tags: ['monitors'], summary: 'Every monitor with its status now, one short row each (name order)' },
  }, () => {
    const items = deps.monitoring.scheduler.views()
      .map(({ monitor, state }) => ({
        name: monitor.name,
        service: monitor.service,
        kind: monitor.kind,
        tags: monitor.tags,
        paused: monitor.paused,
        status: state.status.status,
        since: iso(state.status.since),
        message: state.status.lastMessage,
        last_check_at: iso(state.lastResultAtMs),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Promise.resolve({ items });
  });

  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/overview', {
    schema: { tags: ['services'], summary: 'Every service with health score, monitors by status, firing alerts and SLO budgets, worst first' },
  }, async () => {
    const [services, slos] = await Promise.all([deps.catalog.list({ limit: everything }), deps.slos.service.list({ limit: everything })]);
    // The scheduler holds every monitor with its live state in memory; reading thousands of
    // rows from the store on each refresh would cost far more.
    const monitors = deps.monitoring.scheduler.views();
    const monitorsBy = new Map<string, MonitorCounts>();
    for (const view of monitors) {
      const counts = monitorsBy.get(view.monitor.service) ?? emptyCounts();
      counts[view.state.status.status] += 1;
      monitorsBy.set(view.monitor.service, counts);
    }
    const slosBy = new Map<string, SloSummary[]>();
    for (const runtime of slos) {
      const list = slosBy.get(runtime.spec.service) ?? [];
      list.push({
        name: runtime.spec.name,
        objective: runtime.spec.objectiveRatio,
        budget_remaining_ratio: runtime.status?.errorBudget.remainingRatio ?? null,
        level: runtime.status?.level ?? null,
        policy: runtime.status?.policy ?? null,
      });
      slosBy.set(runtime.spec.service, list);
    }
    // Totals count every firing alert: alerts from Prometheus or by hand often carry no
    // `service` label (or one the catalog does not know), and an on-call reading "0 firing" on
    // the first page while such alerts fire would be misled.
    const known = new Set(services.map((service) => service.name));
    const totals = { ...emptyAlertCounts(), without_service: 0 };
    const alertsBy = new Map<string, AlertCounts>();
    for (const alert of deps.alerts.list({ state: 'firing' })) {
      const disposition = deps.alerts.disposition(alert);
      const muted = disposition.silencedBy.length + disposition.inhibitedBy.length + disposition.mutedBy.length > 0;
      const paging = pagingSeverity.test(alert.labels.severity ?? '');
      count(totals, muted, paging);
      const service = alert.labels.service;
      if (service === undefined || !known.has(service)) {
        if (!muted) totals.without_service += 1;
        continue;
      }
      const counts = alertsBy.get(service) ?? emptyAlertCounts();
      count(counts, muted, paging);
      alertsBy.set(service, counts);
    }
    const items = services.map((service) => summarize(service, monitorsBy.get(service.name) ?? emptyCounts(), slosBy.get(service.name) ?? [], alertsBy.get(service.name)));
    items.sort((a, b) => a.health_score - b.health_score || a.name.localeCompare(b.name));
    return { generated_at: new Date(deps.clock.nowMs()).toISOString(), alerts: totals, items };
  });
}

function summarize(service: Service, monitors: MonitorCounts, slos: SloSummary[], alerts: AlertCounts | undefined) {
  const firing = alerts ?? emptyAlertCounts();
  const budgets = slos.map((slo) => slo.budget_remaining_ratio).filter((ratio) => ratio !== null);
  const health = healthScore({ monitors, budgetRemainingRatios: budgets, firingAlerts: { page: firing.page, other: firing.firing - firing.page } });
  return {
    name: service.name,
    display_name: service.displayName,
    team: service.team,
    criticality: service.criticality,
    health_score: health.score,
    health_worst: health.worst,
    monitors: { ...monitors, total: monitorStatuses.reduce((sum, status) => sum + monitors[status], 0) },
    alerts: { firing: firing.firing, suppressed: firing.suppressed },
    slos,
    lowest_budget_remaining_ratio: budgets.length === 0 ? null : Math.min(...budgets),
  };
}
