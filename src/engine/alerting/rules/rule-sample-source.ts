/**
 * Where alerting rules read their samples: one small interface, two implementations (the
 * sre-monitor metric source over monitors and SLOs, and the PromQL source over any Prometheus
 * HTTP API). A source throws `RuleSourceError` when it cannot answer; the evaluator stores the
 * message as the rule's health and leaves the rule's alerts as they were, as Prometheus does
 * when a query fails.
 */
import type { RuleExpression, RuleSample } from '../../../core/alerting/rules/index.js';

export interface RuleSampleSource {
  /** The samples `expr` needs at `nowMs` (ms since the epoch). */
  samples(expr: RuleExpression, nowMs: number): Promise<RuleSample[]>;
}

/** The sources by expression form: `metric` serves threshold and absence rules, `promql` PromQL rules. */
export interface RuleSampleSources {
  metric?: RuleSampleSource;
  promql?: RuleSampleSource;
}

/** A source could not answer; `message` is shown as the rule's last error. */
export class RuleSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuleSourceError';
  }
}

/** The source for `expr`, or a RuleSourceError saying which one is not configured. */
export function sourceFor(sources: RuleSampleSources, expr: RuleExpression): RuleSampleSource {
  const source = expr.kind === 'promql' ? sources.promql : sources.metric;
  if (source === undefined) throw new RuleSourceError(`no ${expr.kind === 'promql' ? 'PromQL' : 'sre-monitor metric'} source is configured for this rule`);
  return source;
}
