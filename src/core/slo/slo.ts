/**
 * The SLO model: what is measured (the SLI source), the objective, the window, how the budget is
 * counted, and how burn is alerted. This is the normalised form every written form (the
 * `slos:` config section, `/api/v1/slos` bodies, OpenSLO documents) turns into; times in ms,
 * objectives as ratios.
 */
import type { BurnRateAlerting } from './burn-rate-alerting.js';
import type { SloWindow } from './slo-window.js';

export const sliMonitorMetrics = ['availability', 'latency'] as const;
export type SliMonitorMetric = (typeof sliMonitorMetrics)[number];

export const thresholdOperators = ['lt', 'lte', 'gt', 'gte'] as const;
export type ThresholdOperator = (typeof thresholdOperators)[number];

/** PromQL that yields the SLI each step. */
export type PrometheusSliQuery =
  /** Counts (increases over the step) of good and of all events. */
  | { kind: 'good_total'; good: string; total: string }
  /** Counts of bad and of all events (OpenSLO's `bad`/`total`). */
  | { kind: 'bad_total'; bad: string; total: string }
  /** A ratio of bad events in [0, 1]; the step counts as that share of one event. */
  | { kind: 'error_ratio'; errorRatio: string }
  /** A value judged per step (OpenSLO thresholdMetric): one good event when `value op threshold` holds. */
  | { kind: 'threshold'; query: string; operator: ThresholdOperator; threshold: number };

export type SliSource =
  /** A monitor's results per minute: availability (up or degraded = good) or latency (<= threshold = good). */
  | { kind: 'monitor'; monitor: string; metric: 'availability' }
  | { kind: 'monitor'; monitor: string; metric: 'latency'; thresholdMs: number }
  /**
   * Pushed events: counts `{good, total}`, or raw outcomes classified by `goodWhen` (an
   * expression over status, latency_ms and ok); null accepts counts only.
   */
  | { kind: 'events'; goodWhen: string | null }
  /** PromQL against a Prometheus-compatible HTTP API, evaluated every step. */
  | { kind: 'prometheus'; url: string; query: PrometheusSliQuery };

export type SliSourceKind = SliSource['kind'];

/** How the budget is counted (OpenSLO `budgetingMethod`). */
export type Budgeting =
  /** Good events / all events. */
  | { kind: 'occurrences' }
  /** Good slices / slices with events; a slice is good when its own good ratio >= the target. */
  | { kind: 'timeslices'; sliceMs: number; sliceTargetRatio: number };

export interface SloSpec {
  /** Unique slug; the `slo` label of its alerts. */
  name: string;
  /** Service (catalog name) it belongs to. */
  service: string;
  description: string | null;
  /** Ratio in (0, 1), e.g. 0.999. */
  objectiveRatio: number;
  window: SloWindow;
  budgeting: Budgeting;
  /** Extra labels on its alerts and metrics. */
  labels: Record<string, string>;
  /** Null: no burn-rate alerts. Otherwise the resolved table (defaults filled in). */
  alerting: BurnRateAlerting | null;
  sli: SliSource;
}
