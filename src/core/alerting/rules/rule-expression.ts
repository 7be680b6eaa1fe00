/**
 * From the samples a source read to the series that are active at one evaluation, per expression
 * form: a threshold keeps the samples that match the selector and pass the comparison; a PromQL
 * expression is active for every series the query returned (as a Prometheus alerting rule is);
 * an absence is one series when no matching sample had a reading within `for`, labelled with
 * the selector's pairs (as Prometheus' `absent()` takes the equality matchers' labels).
 */
import { formatDurationMs } from '../../duration.js';
import type { LabelSet } from '../label-matcher.js';
import type { ComparisonOperator } from './rule-document.js';
import type { MetricQuery, RuleExpression } from './rule-spec.js';

/** One series read by a source at an evaluation. */
export interface RuleSample {
  labels: LabelSet;
  value: number;
  /** When the reading was taken (ms); absence rules ignore older readings. Unknown: taken now. */
  timestampMs?: number;
}

/** A series for which the rule's condition holds at this evaluation. */
export interface ActiveSeries {
  labels: LabelSet;
  value: number;
}

/** Samples whose labels hold every pair of `selector` (a missing label reads as ""). */
export function selectSamples<T extends { labels: LabelSet }>(selector: LabelSet, samples: readonly T[]): T[] {
  const pairs = Object.entries(selector);
  return samples.filter((sample) => pairs.every(([name, value]) => (sample.labels[name] ?? '') === value));
}

/** Prometheus' comparison semantics: NaN compares false with everything except `!=`. */
export function compare(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** The active series of `expr` at `nowMs` given what the source read. */
export function activeSeries(expr: RuleExpression, samples: readonly RuleSample[], nowMs: number): ActiveSeries[] {
  switch (expr.kind) {
    case 'promql':
      return samples.map(({ labels, value }) => ({ labels, value }));
    case 'threshold':
      return selectSamples(expr.query.selector, samples)
        .filter((sample) => compare(sample.value, expr.op, expr.threshold))
        .map(({ labels, value }) => ({ labels, value }));
    case 'absent': {
      const fresh = selectSamples(expr.query.selector, samples).filter((sample) => (sample.timestampMs ?? nowMs) > nowMs - expr.forMs);
      return fresh.length > 0 ? [] : [{ labels: absentLabels(expr.query), value: 1 }];
    }
  }
}

function absentLabels(query: MetricQuery): LabelSet {
  return Object.fromEntries(Object.entries(query.selector).filter(([, value]) => value !== ''));
}

function formatQuery(query: MetricQuery): string {
  const pairs = Object.keys(query.selector)
    .sort()
    .map((name) => `${name}=${JSON.stringify(query.selector[name])}`);
  const window = query.windowMs === null ? '' : `[${formatDurationMs(query.windowMs)}]`;
  return `${query.metric}${pairs.length === 0 ? '' : `{${pairs.join(', ')}}`}${window}`;
}

/**
 * The expression in one line, PromQL-like, for listings and logs:
 * `monitor_uptime_ratio{service="shop"}[1h] < 0.99`, `absent(monitor_up{monitor="a"}) for 10m`,
 * or the PromQL query itself.
 */
export function formatRuleExpression(expr: RuleExpression): string {
  switch (expr.kind) {
    case 'promql':
      return expr.promql;
    case 'threshold':
      return `${formatQuery(expr.query)} ${expr.op} ${String(expr.threshold)}`;
    case 'absent':
      return `absent(${formatQuery(expr.query)}) for ${formatDurationMs(expr.forMs)}`;
  }
}
