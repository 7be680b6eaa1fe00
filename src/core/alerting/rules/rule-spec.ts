/**
 * The plain model of an alerting rule the engine runs (ms, parsed expressions), and the step from
 * the written form (AlertRuleDocument) to it: defaults, and the checks a schema cannot express
 * (durations in range, a window where the metric needs one, an http(s) Prometheus URL,
 * templates that compile, labels sre-monitor sets itself). Problems name the field as written
 * (`expr.window`, `annotations.summary`), relative to the rule.
 */
import { formatDurationMs, parseDurationMs } from '../../duration.js';
import type { FieldProblem } from '../../errors.js';
import type { LabelSet } from '../label-matcher.js';
import { formatPath } from '../../validation/field-path.js';
import { burnRateWindowsMs } from '../../slo/burn-rate.js';
import { windowedRuleMetrics, type AlertRuleDocument, type ComparisonOperator, type RuleExpressionDocument, type RuleMetric } from './rule-document.js';
import { templateProblem } from './template.js';
import { isHttpUrl } from '../../http-url.js';

/** Which series of an sre-monitor metric a rule reads. */
export interface MetricQuery {
  metric: RuleMetric;
  /** Label = value pairs that must all hold; `{}` selects every series. */
  selector: LabelSet;
  /** Window of windowed metrics (monitor_uptime_ratio, slo_burn_rate); null for the others. */
  windowMs: number | null;
}

export type RuleExpression =
  | { kind: 'threshold'; query: MetricQuery; op: ComparisonOperator; threshold: number }
  | { kind: 'promql'; promql: string; prometheusUrl: string }
  | { kind: 'absent'; query: MetricQuery; forMs: number };

export interface AlertRuleSpec {
  /** The `alertname` label of every alert of the rule. */
  name: string;
  expr: RuleExpression;
  /** Pending this long before firing; 0 fires at the first evaluation that finds the series. */
  forMs: number;
  /** A firing alert keeps firing this long after its series disappeared. */
  keepFiringForMs: number;
  /** Evaluation interval; evaluations happen at its multiples since the Unix epoch. */
  intervalMs: number;
  /** Label templates, applied over the series' labels. */
  labels: Record<string, string>;
  /** Annotation templates (summary, description, runbook_url ...). */
  annotations: Record<string, string>;
}

export interface AlertRuleSpecResult {
  spec: AlertRuleSpec;
  /** Problems with field names relative to the rule (`for`, `expr.window`, `labels.team`). */
  problems: FieldProblem[];
}

export const defaultRuleIntervalMs = 60_000;
export const minimumRuleIntervalMs = 1_000;
export const maximumRuleIntervalMs = 3_600_000;
/** Longest `for`, `keep_firing_for` and absence window accepted (a week). */
export const maximumRuleHoldMs = 7 * 86_400_000;
/** Longest window of monitor_uptime_ratio. */
export const maximumUptimeWindowMs = 90 * 86_400_000;

/** Labels sre-monitor sets on rule alerts itself. */
export const reservedRuleLabels: readonly string[] = ['alertname'];

/** Turns a schema-valid document into a spec and lists what is still wrong with it. */
export function alertRuleSpecFromDocument(document: AlertRuleDocument): AlertRuleSpecResult {
  const problems: FieldProblem[] = [];
  const labels: Record<string, string> = { ...(document.labels ?? {}) };
  if (document.incident !== undefined) {
    labels.incident = document.incident.create ? 'true' : 'false';
    if (document.incident.severity !== undefined) labels.incident_severity = document.incident.severity;
  }
  for (const name of Object.keys(document.labels ?? {})) {
    if (reservedRuleLabels.includes(name)) problems.push({ field: `labels.${name}`, message: 'is set to the rule name (alert:) by sre-monitor; pick another label' });
  }
  checkTemplates(problems, 'labels', document.labels ?? {});
  checkTemplates(problems, 'annotations', document.annotations ?? {});
  return {
    spec: {
      name: document.alert,
      expr: expressionFrom(document.expr, problems),
      forMs: durationIn(problems, 'for', document.for, 0, maximumRuleHoldMs),
      keepFiringForMs: durationIn(problems, 'keep_firing_for', document.keep_firing_for, 0, maximumRuleHoldMs),
      intervalMs: durationIn(problems, 'interval', document.interval, minimumRuleIntervalMs, maximumRuleIntervalMs, defaultRuleIntervalMs),
      labels,
      annotations: { ...(document.annotations ?? {}) },
    },
    problems,
  };
}

/** Checks a list of rules: each one's problems under `[i]`, plus names used twice with the same labels. */
export function alertRuleSpecsFromDocuments(documents: readonly AlertRuleDocument[]): { specs: AlertRuleSpec[]; problems: FieldProblem[] } {
  const specs: AlertRuleSpec[] = [];
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  documents.forEach((document, index) => {
    const result = alertRuleSpecFromDocument(document);
    for (const problem of result.problems) problems.push({ field: `[${index}].${problem.field}`, message: problem.message });
    const key = alertRuleKey(result.spec);
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ field: `[${index}].alert`, message: `rule ${result.spec.name} with the same labels is already defined at [${earlier}]` });
    seen.set(key, index);
    specs.push(result.spec);
  });
  return { specs, problems };
}

/** The written form of a spec, as the API answers it (defaults filled in, incident labels left in `labels`). */
export function alertRuleDocumentFromSpec(spec: AlertRuleSpec): AlertRuleDocument {
  return {
    alert: spec.name,
    expr: expressionDocument(spec.expr),
    for: formatDurationMs(spec.forMs),
    keep_firing_for: formatDurationMs(spec.keepFiringForMs),
    interval: formatDurationMs(spec.intervalMs),
    labels: { ...spec.labels },
    annotations: { ...spec.annotations },
  };
}

function expressionDocument(expr: RuleExpression): RuleExpressionDocument {
  if (expr.kind === 'promql') return { promql: expr.promql, prometheus_url: expr.prometheusUrl };
  const query = {
    metric: expr.query.metric,
    selector: { ...expr.query.selector },
    ...(expr.query.windowMs === null ? {} : { window: formatDurationMs(expr.query.windowMs) }),
  };
  if (expr.kind === 'absent') return { absent: { ...query, for: formatDurationMs(expr.forMs) } };
  return { ...query, op: expr.op, threshold: expr.threshold };
}

/** Identity of a rule across reloads, as Prometheus keeps it: name plus labels. */
export function alertRuleKey(spec: Pick<AlertRuleSpec, 'name' | 'labels'>): string {
  const labels = Object.keys(spec.labels)
    .sort()
    .map((name) => [name, spec.labels[name]]);
  return JSON.stringify([spec.name, labels]);
}

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkTemplates(problems: FieldProblem[], field: string, templates: Record<string, string>): void {
  for (const [name, text] of Object.entries(templates)) {
    if (!labelNamePattern.test(name)) {
      problems.push({ field: formatPath([field, name]), message: 'is not a valid label name (letters, digits and _, not starting with a digit)' });
      continue;
    }
    const problem = templateProblem(text);
    if (problem !== null) problems.push({ field: formatPath([field, name]), message: `template does not compile: ${problem}` });
  }
}

function durationIn(problems: FieldProblem[], field: string, written: string | undefined, minMs: number, maxMs: number, defaultMs = 0): number {
  if (written === undefined) return defaultMs;
  const ms = parseDurationMs(written);
  if (ms === undefined || ms < minMs || ms > maxMs) {
    problems.push({ field, message: `must be a duration from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)}, got ${JSON.stringify(written)}` });
    return defaultMs;
  }
  return ms;
}

const forms = '{metric, op, threshold} (a threshold on an sre-monitor metric), {promql, prometheus_url}, or {absent: {metric, for}}';
const thresholdKeys = ['metric', 'selector', 'window', 'op', 'threshold'] as const;

function expressionFrom(written: RuleExpressionDocument, problems: FieldProblem[]): RuleExpression {
  const given = {
    threshold: thresholdKeys.some((key) => written[key] !== undefined),
    promql: written.promql !== undefined || written.prometheus_url !== undefined,
    absent: written.absent !== undefined,
  };
  const count = Object.values(given).filter(Boolean).length;
  if (count !== 1) {
    problems.push({ field: 'expr', message: count === 0 ? `must be one of ${forms}` : `mixes several forms; use exactly one of ${forms}` });
  }
  // Nothing more to say until the form is clear; the placeholder is never run (problems reported).
  if (count !== 1) return { kind: 'promql', promql: '', prometheusUrl: '' };
  if (given.promql) {
    const prometheusUrl = written.prometheus_url ?? '';
    const promql = written.promql ?? '';
    if (written.prometheus_url === undefined) problems.push({ field: 'expr.prometheus_url', message: 'is required with promql' });
    else if (!isHttpUrl(prometheusUrl)) problems.push({ field: 'expr.prometheus_url', message: `must be an http:// or https:// URL, got ${JSON.stringify(prometheusUrl)}` });
    if (written.promql === undefined || promql.trim() === '') problems.push({ field: 'expr.promql', message: 'is required with prometheus_url (a PromQL query)' });
    return { kind: 'promql', promql, prometheusUrl };
  }
  if (written.absent !== undefined) {
    const absent = written.absent;
    const forMs = durationIn(problems, 'expr.absent.for', absent.for, 1_000, maximumRuleHoldMs);
    return { kind: 'absent', query: metricQueryFrom(absent, 'expr.absent', problems), forMs };
  }
  for (const key of ['metric', 'op', 'threshold'] as const) {
    if (written[key] === undefined) problems.push({ field: `expr.${key}`, message: 'is required for a threshold rule' });
  }
  const threshold = written.threshold ?? Number.NaN;
  if (written.threshold !== undefined && !Number.isFinite(threshold)) problems.push({ field: 'expr.threshold', message: 'must be a finite number' });
  const query = metricQueryFrom({ metric: written.metric ?? 'monitor_up', selector: written.selector, window: written.window }, 'expr', problems, written.metric !== undefined);
  return { kind: 'threshold', query, op: written.op ?? '>', threshold };
}

function metricQueryFrom(written: { metric: RuleMetric; selector?: Record<string, string>; window?: string }, field: string, problems: FieldProblem[], known = true): MetricQuery {
  const windowed = windowedRuleMetrics.includes(written.metric);
  let windowMs: number | null = null;
  if (!known) {
    // No metric given (reported already): nothing to say about its window.
  } else if (!windowed && written.window !== undefined) {
    problems.push({ field: `${field}.window`, message: `${written.metric} has no window (only ${windowedRuleMetrics.join(' and ')} do)` });
  } else if (windowed && written.window === undefined) {
    problems.push({ field: `${field}.window`, message: `is required for ${written.metric}` });
  } else if (written.window !== undefined) {
    windowMs = windowFor(written.metric, written.window, `${field}.window`, problems);
  }
  return { metric: written.metric, selector: { ...(written.selector ?? {}) }, windowMs };
}

function windowFor(metric: RuleMetric, written: string, field: string, problems: FieldProblem[]): number | null {
  const ms = parseDurationMs(written);
  if (metric === 'slo_burn_rate') {
    if (ms !== undefined && burnRateWindowsMs.includes(ms)) return ms;
    problems.push({ field, message: `must be one of ${burnRateWindowsMs.map(formatDurationMs).join(', ')} (the windows every SLO reports a burn rate for), got ${JSON.stringify(written)}` });
    return null;
  }
  if (ms !== undefined && ms >= 60_000 && ms <= maximumUptimeWindowMs) return ms;
  problems.push({ field, message: `must be a duration from 1m to ${formatDurationMs(maximumUptimeWindowMs)}, got ${JSON.stringify(written)}` });
  return null;
}

