/**
 * SLO gauges, computed at scrape time from the evaluator's latest statuses: SLI ratio over the
 * window, error budget remaining, and burn rate per standard window (the series a Grafana
 * board or a Prometheus alert reads).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface SloMetricsRow {
  slo: string;
  service: string;
  sliRatio: number | null;
  budgetRemainingRatio: number;
  burnRates: Array<{ window: string; burnRate: number | null }>;
}

export function registerSloMetrics(registry: Registry, rows: () => Iterable<SloMetricsRow>): void {
  new Gauge({
    name: 'sre_monitor_slo_sli_ratio',
    help: 'Good / total events over the SLO window (absent before any event).',
    labelNames: ['slo', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of rows()) if (row.sliRatio !== null) this.set({ slo: row.slo, service: row.service }, row.sliRatio);
    },
  });
  new Gauge({
    name: 'sre_monitor_slo_error_budget_remaining_ratio',
    help: 'Share of the error budget left over the SLO window (negative when overspent).',
    labelNames: ['slo', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of rows()) this.set({ slo: row.slo, service: row.service }, row.budgetRemainingRatio);
    },
  });
  new Gauge({
    name: 'sre_monitor_slo_burn_rate',
    help: 'Error ratio over the window divided by the error budget (1 = burning exactly the budget).',
    labelNames: ['slo', 'service', 'window'],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of rows()) {
        for (const rate of row.burnRates) if (rate.burnRate !== null) this.set({ slo: row.slo, service: row.service, window: rate.window }, rate.burnRate);
      }
    },
  });
}

/** Failed PromQL reads per SLO (a step that will be asked again, or was skipped). */
export function registerSloSourceMetrics(registry: Registry): { failed(slo: string): void } {
  const errors = new Counter({
    name: 'sre_monitor_slo_source_errors_total',
    help: 'Failed reads of an SLO\'s PromQL SLI (unreachable Prometheus, HTTP or query errors, bad answers, timeouts).',
    labelNames: ['slo'],
    registers: [registry],
  });
  return { failed: (slo) => errors.inc({ slo }) };
}
