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
import { burnRateWindowsMs } from '../../slo/burn-rate.js';
import { windowedRuleMetrics, type AlertRuleDocument, type ComparisonOperator, type RuleMetric } from './rule-document.js';
import { templateProblem } from './template.js';

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

function expressionDocument(expr: RuleExpression): AlertRuleDocument['expr'] {
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

function checkTemplates(problems: FieldProblem[], field: string, templates: Record<string, string>): void {
  for (const [name, text] of Object.entries(templates)) {
    const problem = templateProblem(text);
    if (problem !== null) problems.push({ field: `${field}.${name}`, message: `template does not compile: ${problem}` });
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

function expressionFrom(written: AlertRuleDocument['expr'], problems: FieldProblem[]): RuleExpression {
  if ('promql' in written) {
    if (!isHttpUrl(written.prometheus_url)) problems.push({ field: 'expr.prometheus_url', message: `must be an http:// or https:// URL, got ${JSON.stringify(written.prometheus_url)}` });
    if (written.promql.trim() === '') problems.push({ field: 'expr.promql', message: 'must not be empty' });
    return { kind: 'promql', promql: written.promql, prometheusUrl: written.prometheus_url };
  }
  if ('absent' in written) {
    const absent = written.absent;
    const forMs = durationIn(problems, 'expr.absent.for', absent.for, 1_000, maximumRuleHoldMs);
    return { kind: 'absent', query: metricQueryFrom(absent, 'expr.absent', problems), forMs };
  }
  if (!Number.isFinite(written.threshold)) problems.push({ field: 'expr.threshold', message: 'must be a finite number' });
  return { kind: 'threshold', query: metricQueryFrom(written, 'expr', problems), op: written.op, threshold: written.threshold };
}

function metricQueryFrom(written: { metric: RuleMetric; selector?: Record<string, string>; window?: string }, field: string, problems: FieldProblem[]): MetricQuery {
  const windowed = windowedRuleMetrics.includes(written.metric);
  let windowMs: number | null = null;
  if (!windowed && written.window !== undefined) {
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

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
