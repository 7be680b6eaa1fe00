/**
 * An alerting rule as written under `alerting.rules` in the config file: one TypeBox schema,
 * snake_case, durations in Prometheus syntax, field names as in a Prometheus rule file (`alert`,
 * `expr`, `for`, `keep_firing_for`, `labels`, `annotations`). The expression is sre-monitor's
 * own: a threshold on a metric sre-monitor has, a PromQL query against any Prometheus HTTP API,
 * or the absence of data. The schema checks shapes; `alertRuleSpecFromDocument` (rule-spec.ts)
 * checks values and names the field of each problem.
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern } from '../../duration.js';

const strict = { additionalProperties: false } as const;

const Duration = (description: string) =>
  Type.String({ pattern: durationSchemaPattern, description: `${description} (Prometheus duration: 30s, 5m, 1h)` });

/** Metrics a threshold or absence rule can read; `host_*` come from host monitors' latest check. */
export const ruleMetrics = [
  'monitor_latency_ms',
  'monitor_uptime_ratio',
  'monitor_up',
  'slo_burn_rate',
  'slo_error_budget_remaining_ratio',
  'slo_sli_ratio',
  'host_cpu_percent',
  'host_memory_percent',
  'host_disk_used_percent',
] as const;
export type RuleMetric = (typeof ruleMetrics)[number];

/** Metrics that are read over a window and need `window:`. */
export const windowedRuleMetrics: readonly RuleMetric[] = ['monitor_uptime_ratio', 'slo_burn_rate'];

export const comparisonOperators = ['>', '<', '>=', '<=', '==', '!='] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

const LabelName = Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', maxLength: 100 });
const Labels = (description: string) => Type.Record(LabelName, Type.String({ maxLength: 10_000 }), { description });

const Metric = Type.Enum([...ruleMetrics], { description: 'An sre-monitor metric: monitor_latency_ms, monitor_uptime_ratio, monitor_up, slo_burn_rate, slo_error_budget_remaining_ratio, slo_sli_ratio, host_cpu_percent, host_memory_percent, host_disk_used_percent.' });
const Selector = Labels('Series to read: label = value pairs that must all hold (monitor, service, slo, kind, path, window ...). Empty: every series.');
const Window = Duration('Window of monitor_uptime_ratio and slo_burn_rate (slo_burn_rate: 5m, 30m, 1h, 2h, 6h, 1d or 3d)');

export const AbsentDocument = Type.Object(
  {
    metric: Metric,
    selector: Type.Optional(Selector),
    window: Type.Optional(Window),
    for: Duration('Active when no series matching the selector had a reading within this long'),
  },
  { ...strict, description: 'No data: like absent_over_time(metric{selector}[for]).' },
);

/**
 * One object for the three forms, so a mistake gets a message about the field (`expr.op: must
 * be one of ...`) rather than "matches none of the forms"; rule-spec.ts checks that exactly one
 * form is given and complete.
 */
export const RuleExpressionDocument = Type.Object(
  {
    metric: Type.Optional(Metric),
    selector: Type.Optional(Selector),
    window: Type.Optional(Window),
    op: Type.Optional(Type.Enum([...comparisonOperators], { description: 'Comparison: a series is active while `value op threshold` holds.' })),
    threshold: Type.Optional(Type.Number({ description: 'The number the value is compared with (ratios as 0.99, latency in ms, percent as 0-100).' })),
    promql: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'Instant query; every series it returns is active, as in a Prometheus alerting rule (write the comparison into the query).' })),
    prometheus_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Base URL of a Prometheus-compatible HTTP API, e.g. http://127.0.0.1:9090.' })),
    absent: Type.Optional(AbsentDocument),
  },
  {
    ...strict,
    description: 'What makes the alert active, one form: {metric, selector, window, op, threshold} (a threshold on an sre-monitor metric), {promql, prometheus_url}, or {absent: {metric, selector, for}}.',
  },
);

export const AlertRuleDocument = Type.Object(
  {
    alert: Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_:]*$', maxLength: 200, description: 'Alert name: the alertname label (a Prometheus metric name).' }),
    expr: RuleExpressionDocument,
    for: Type.Optional(Duration('How long a series must stay active before the alert fires; pending until then (default 0)')),
    keep_firing_for: Type.Optional(Duration('How long a firing alert keeps firing after its condition cleared (default 0)')),
    interval: Type.Optional(Duration('Evaluation interval, at multiples of it since the Unix epoch (default 1m)')),
    labels: Type.Optional(Labels('Labels added to each alert (templates allowed); they override labels of the series.')),
    annotations: Type.Optional(Labels('summary, description, runbook_url or any other; templates allowed: {{ $labels.monitor }}, {{ $value | humanize }}.')),
    incident: Type.Optional(Type.Object(
      {
        create: Type.Boolean({ description: 'Open an incident when the alert fires (sets the label incident="true").' }),
        severity: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Incident severity, e.g. P1 (sets the label incident_severity).' })),
      },
      { ...strict, description: 'Passed through as labels for the incident feature.' },
    )),
  },
  { ...strict, description: 'An alerting rule with Prometheus semantics.' },
);

export type AlertRuleDocument = Static<typeof AlertRuleDocument>;
export type RuleExpressionDocument = Static<typeof RuleExpressionDocument>;
