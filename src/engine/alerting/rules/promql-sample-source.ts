/**
 * PromQL rules: an instant query at the evaluation time against the rule's Prometheus-compatible
 * API (Prometheus, Thanos, Mimir, VictoriaMetrics). Every series of the answer is a sample, as in
 * a Prometheus alerting rule; a scalar answer is one series without labels. Failures (HTTP
 * errors, `errorType: error`, timeouts, an unreachable host, a range vector) become a
 * RuleSourceError naming the URL with its password as `***`.
 */
import { runInstantQuery } from '../../../adapters/sources/prometheus-instant-query.js';
import { redactSecrets, redactUrl, secretsOfUrl } from '../../../adapters/secret-redaction.js';
import type { RuleSample } from '../../../core/alerting/rules/index.js';
import { RuleSourceError, type RuleSampleSource } from './rule-sample-source.js';

export interface PromqlSampleSourceOptions {
  /** Bounds each query (ms), default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createPromqlSampleSource(options: PromqlSampleSourceOptions = {}): RuleSampleSource {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetcher = options.fetch ?? globalThis.fetch;
  return {
    async samples(expr, nowMs) {
      if (expr.kind !== 'promql') throw new RuleSourceError(`the PromQL source cannot read a ${expr.kind} expression`);
      const result = await runInstantQuery({ baseUrl: expr.prometheusUrl, promql: expr.promql, timeMs: nowMs, timeoutMs, fetch: fetcher });
      if (!result.ok) {
        const message = `query ${JSON.stringify(expr.promql)} at ${redactUrl(expr.prometheusUrl)}: ${result.reason}`;
        throw new RuleSourceError(redactSecrets(message, secretsOfUrl(expr.prometheusUrl)));
      }
      return result.samples.map((sample): RuleSample => ({ labels: sample.labels, value: sample.value, timestampMs: nowMs }));
    },
  };
}
