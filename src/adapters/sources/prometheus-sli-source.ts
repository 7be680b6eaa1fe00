/**
 * The `prometheus` SLI source: the good and total events of one evaluation step, read with
 * instant queries (`GET {url}/api/v1/query?query=...&time=<step end>`) against any
 * Prometheus-compatible HTTP API.
 *
 * What the user's PromQL means (docs/slos.md says the same):
 * - Every query is evaluated at the step's end, with `{{.window}}` (Sloth's placeholder; `{{ .window }}`
 *   too) replaced by the step as a Prometheus duration (`1m` for the default step). A query
 *   without the placeholder is sent unchanged and must itself cover exactly one step.
 * - `good`/`bad`/`total` are counts: their value is the number of events in the step ending then,
 *   e.g. `sum(increase(http_requests_total{code!~"5.."}[{{.window}}]))`. Several series are
 *   added up, as `sum()` would; no series is zero events; bad_total gives good = total - bad.
 *   Values may be fractional (increase() extrapolates) but never negative, and good (or bad)
 *   may not exceed total beyond floating-point noise.
 * - `error_ratio` is one value in [0, 1]; the step weighs as one event: good = 1 - ratio, total = 1.
 * - `threshold` is one value; the step is one event, good when `value <op> threshold`.
 * - For these two, no series is a step without events, and several series are refused (a ratio
 *   or a latency per series does not add up): aggregate in the query (`max(...)`, `sum(a)/sum(b)`).
 * - NaN or ±Inf (a 0/0 ratio in a quiet step, say) skips the step with a message, as does any
 *   failure: HTTP errors, Prometheus' `errorType: error`, non-JSON, a range vector, timeouts, an
 *   unreachable host. Messages name the query and the URL with its password as `***`.
 */
import type { SliSource, ThresholdOperator } from '../../core/slo/slo.js';
import { redactSecrets, redactUrl, secretsOfUrl } from '../secret-redaction.js';
import { formatLabels, runInstantQuery, type PrometheusSample } from './prometheus-instant-query.js';
import { renderWindowPlaceholder } from './promql-step-window.js';

export type PrometheusSliSourceSpec = Extract<SliSource, { kind: 'prometheus' }>;

/** Events of one step; fractional counts are possible. A failure means: skip this step. */
export type PrometheusStepCounts = { ok: true; good: number; total: number } | { ok: false; message: string };

export interface PrometheusSliSource {
  /**
   * The events of the step `(stepEndMs - stepMs, stepEndMs]` (Unix ms; stepMs a positive whole
   * number of ms). Never throws: every failure, including an abort through `signal`, is a message.
   */
  countsForStep(source: PrometheusSliSourceSpec, stepEndMs: number, stepMs: number, signal?: AbortSignal): Promise<PrometheusStepCounts>;
}

export interface PrometheusSliSourceOptions {
  /** Default: the global fetch (undici). */
  fetch?: typeof fetch;
  /** Per query, body included; default DEFAULT_PROMETHEUS_QUERY_TIMEOUT_MS. */
  timeoutMs?: number;
}

export const DEFAULT_PROMETHEUS_QUERY_TIMEOUT_MS = 10_000;

/** Relative slack for good <= total and for ratios in [0, 1]: sums of floats are not exact. */
const FLOAT_TOLERANCE = 1e-9;

type Evaluated<T> = { ok: true; value: T } | { ok: false; message: string };

interface QueryContext {
  source: PrometheusSliSourceSpec;
  stepEndMs: number;
  stepMs: number;
  signal: AbortSignal | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
}

export function createPrometheusSliSource(options: PrometheusSliSourceOptions = {}): PrometheusSliSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROMETHEUS_QUERY_TIMEOUT_MS;
  return {
    async countsForStep(source, stepEndMs, stepMs, signal) {
      const context: QueryContext = { source, stepEndMs, stepMs, signal, timeoutMs, fetch: options.fetch ?? globalThis.fetch };
      try {
        if (!Number.isSafeInteger(stepMs) || stepMs <= 0 || !Number.isFinite(stepEndMs)) {
          return failure(source, null, `invalid step: end ${stepEndMs} ms, length ${stepMs} ms (a positive whole number of ms)`);
        }
        return await countsFor(context);
      } catch (error) {
        // Nothing above should throw; this keeps the "never throws" promise if something does.
        return failure(source, null, error instanceof Error ? error.message : String(error));
      }
    },
  };
}

async function countsFor(context: QueryContext): Promise<PrometheusStepCounts> {
  const query = context.source.query;
  switch (query.kind) {
    case 'good_total': {
      const [good, total] = await Promise.all([count(context, query.good), count(context, query.total)]);
      if (!good.ok) return good;
      if (!total.ok) return total;
      const problem = exceedsTotal('good', good.value, total.value);
      if (problem !== null) return failure(context.source, [render(context, query.good), render(context, query.total)], problem);
      return { ok: true, good: Math.min(good.value, total.value), total: total.value };
    }
    case 'bad_total': {
      const [bad, total] = await Promise.all([count(context, query.bad), count(context, query.total)]);
      if (!bad.ok) return bad;
      if (!total.ok) return total;
      const problem = exceedsTotal('bad', bad.value, total.value);
      if (problem !== null) return failure(context.source, [render(context, query.bad), render(context, query.total)], problem);
      return { ok: true, good: Math.max(0, total.value - bad.value), total: total.value };
    }
    case 'error_ratio': {
      const ratio = await singleValue(context, query.errorRatio);
      if (!ratio.ok) return ratio;
      if (ratio.value === null) return { ok: true, good: 0, total: 0 };
      if (ratio.value < -FLOAT_TOLERANCE || ratio.value > 1 + FLOAT_TOLERANCE) {
        return failure(context.source, [render(context, query.errorRatio)], `error ratio ${ratio.value} is outside [0, 1]`);
      }
      return { ok: true, good: 1 - clamp(ratio.value, 0, 1), total: 1 };
    }
    case 'threshold': {
      const value = await singleValue(context, query.query);
      if (!value.ok) return value;
      if (value.value === null) return { ok: true, good: 0, total: 0 };
      return { ok: true, good: holds(value.value, query.operator, query.threshold) ? 1 : 0, total: 1 };
    }
  }
}

/** The sum of all series of a count query; zero for no series. */
async function count(context: QueryContext, promql: string): Promise<Evaluated<number>> {
  const samples = await evaluate(context, promql);
  if (!samples.ok) return samples;
  let sum = 0;
  for (const sample of samples.value) {
    const problem = nonFiniteProblem(sample);
    if (problem !== null) return failure(context.source, [render(context, promql)], problem);
    sum += sample.value;
  }
  if (sum < 0 && sum >= -FLOAT_TOLERANCE) sum = 0;
  if (sum < 0) {
    return failure(context.source, [render(context, promql)], `negative event count ${sum} (use increase() on counters)`);
  }
  return { ok: true, value: sum };
}

/** The value of a query that must answer one series; null for none. */
async function singleValue(context: QueryContext, promql: string): Promise<Evaluated<number | null>> {
  const samples = await evaluate(context, promql);
  if (!samples.ok) return samples;
  const rendered = [render(context, promql)];
  const [first, second] = samples.value;
  if (first === undefined) return { ok: true, value: null };
  if (second !== undefined) {
    const shown = samples.value.slice(0, 3).map((sample) => formatLabels(sample.labels));
    const more = samples.value.length > 3 ? ', …' : '';
    return failure(
      context.source,
      rendered,
      `${samples.value.length} series (${shown.join(', ')}${more}) where one value is needed: aggregate them in the query, e.g. max(...) or sum(...) / sum(...)`,
    );
  }
  const problem = nonFiniteProblem(first);
  if (problem !== null) return failure(context.source, rendered, problem);
  return { ok: true, value: first.value };
}

async function evaluate(context: QueryContext, promql: string): Promise<Evaluated<PrometheusSample[]>> {
  const rendered = render(context, promql);
  const result = await runInstantQuery({
    baseUrl: context.source.url,
    promql: rendered,
    timeMs: context.stepEndMs,
    timeoutMs: context.timeoutMs,
    signal: context.signal,
    fetch: context.fetch,
  });
  if (!result.ok) return failure(context.source, [rendered], result.reason);
  return { ok: true, value: result.samples };
}

function render(context: QueryContext, promql: string): string {
  return renderWindowPlaceholder(promql, context.stepMs);
}

function nonFiniteProblem(sample: PrometheusSample): string | null {
  if (Number.isFinite(sample.value)) return null;
  const labels = Object.keys(sample.labels).length === 0 ? '' : ` for ${formatLabels(sample.labels)}`;
  return `value ${formatNonFinite(sample.value)}${labels}; step skipped`;
}

function formatNonFinite(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

function exceedsTotal(name: 'good' | 'bad', part: number, total: number): string | null {
  if (part <= total + FLOAT_TOLERANCE * Math.max(1, total)) return null;
  return `${name} (${part}) exceeds total (${total})`;
}

function holds(value: number, operator: ThresholdOperator, threshold: number): boolean {
  switch (operator) {
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * ``Prometheus query `<promql>` at <url>: <reason>``, the query in backticks because PromQL is
 * full of double quotes; the URL's password shown as `***`.
 */
function failure(source: PrometheusSliSourceSpec, queries: string[] | null, reason: string): { ok: false; message: string } {
  const shown = (queries ?? []).map((query) => `\`${truncate(query)}\``);
  const subject = shown.length === 0 ? 'Prometheus' : `Prometheus ${shown.length === 1 ? 'query' : 'queries'} ${shown.join(' and ')}`;
  const message = `${subject} at ${redactUrl(source.url)}: ${reason}`;
  return { ok: false, message: redactSecrets(message, secretsOfUrl(source.url)) };
}

function truncate(query: string): string {
  return query.length > 300 ? `${query.slice(0, 300)}…` : query;
}
