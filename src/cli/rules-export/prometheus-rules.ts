/**
 * Sloth-style Prometheus rules for one SLO with a `prometheus` SLI: one rule group with the error
 * ratio over every window the server reports (`slo:sli_error:ratio_rate<window>`), metadata
 * (objective, error budget, burn rates) and one `SLOBurnRate` alert per severity implementing the
 * SLO's multi-window conditions, so a team that keeps Prometheus pages on the same conditions
 * sre-monitor evaluates. Pure: the caller reads the config and writes the files.
 *
 * How each PromQL form is widened to a window (docs/slos.md, "Exporting Prometheus rules"):
 * - `good`/`bad`/`total` are counts with the `{{.window}}` placeholder (Sloth's `errorQuery`/
 *   `totalQuery` habit), rendered with each window. The ratio is written `(total - good) / total`
 *   (the engine's own arithmetic, so equal counts give bit-equal ratios, not `1 - good/total`),
 *   series are added up with `sum()` as the server adds them, and a missing good or bad series
 *   counts as 0 (`or vector(0)`), as the server counts "no series" as no events.
 * - `error_ratio` and `threshold` weigh every step the same in the server, so their rules record
 *   the step's error (`slo:sli_error:ratio_step`, group interval = the step) and average it over
 *   each window, which no rendering of the user's query over the window would do.
 */
import { formatPrometheusDuration, hasWindowPlaceholder, renderWindowPlaceholder } from '../../adapters/sources/promql-step-window.js';
import { formatDurationMs } from '../../core/duration.js';
import { alertSeverities, alertWindowsMs, type AlertSeverity, type BurnRateCondition } from '../../core/slo/burn-rate-alerting.js';
import { formatObjectivePercent } from '../../core/slo/objective.js';
import type { PrometheusSliQuery, SloSpec, ThresholdOperator } from '../../core/slo/slo.js';
import { dayMs, describeSloWindow, hourMs, minuteMs } from '../../core/slo/slo-window.js';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type PrometheusRule = RecordingRule | AlertingRule;

/** One entry of a rules file's `groups:` list. */
export interface RuleGroup {
  name: string;
  /** The server's evaluation step, so step series get one sample per step and alerts change when ours do. */
  interval: string;
  rules: PrometheusRule[];
}

/** The group, or why this SLO cannot be expressed as rules (printed as a note). */
export type SloRules = { ok: true; group: RuleGroup } | { ok: false; reason: string };

export interface SloRulesOptions {
  /** The service's runbook link: the alerts' `runbook_url` annotation. */
  runbookUrl?: string | null;
  /** The server's evaluation step in ms (default 1m): `{{.window}}` of error_ratio and threshold queries. */
  stepMs?: number;
}

/** The windows every SLO status reports burn rates for; the SLO's alert windows are added. */
export const reportedWindowsMs: readonly number[] = [5 * minuteMs, 30 * minuteMs, hourMs, 2 * hourMs, 6 * hourMs, dayMs, 3 * dayMs];

/** The window the server calls the current burn (budget level, time to exhaustion). */
const currentBurnWindowMs = hourMs;

export const sloAlertName = 'SLOBurnRate';
export const sloNameLabel = 'sre_monitor_slo';
export const sloServiceLabel = 'sre_monitor_service';
/** Error of one step (error_ratio and threshold SLIs), averaged by the window rules. */
export const stepErrorRatioMetric = 'slo:sli_error:ratio_step';

/** `slo:sli_error:ratio_rate5m`, `..._rate1h`, `..._rate30d`. */
export function errorRatioMetric(windowMs: number): string {
  return `slo:sli_error:ratio_rate${formatPrometheusDuration(windowMs)}`;
}

/** Every window an SLO's group records, shortest first: the reported ones, the alert windows, a rolling SLO window. */
export function recordedWindowsMs(spec: SloSpec): number[] {
  const windows = new Set([...reportedWindowsMs, ...alertWindowsMs(spec.alerting)]);
  if (spec.window.kind === 'rolling') windows.add(spec.window.durationMs);
  return [...windows].sort((a, b) => a - b);
}

/** The rule group of one SLO, or the reason it has none. */
export function prometheusRulesForSlo(spec: SloSpec, options: SloRulesOptions = {}): SloRules {
  const stepMs = options.stepMs ?? minuteMs;
  if (spec.sli.kind !== 'prometheus') return { ok: false, reason: `its SLI source is ${spec.sli.kind}; only prometheus SLIs export to Prometheus rules` };
  if (spec.budgeting.kind === 'timeslices') return { ok: false, reason: 'it budgets timeslices, which these rules do not express (only occurrences)' };
  const query = spec.sli.query;
  const missing = countQueriesWithoutWindow(query);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `its ${missing.join(' and ')} ${missing.length === 1 ? 'query has' : 'queries have'} no {{.window}} placeholder to widen to the alert windows; write e.g. sum(increase(http_requests_total[{{.window}}]))`,
    };
  }
  const labels = seriesLabels(spec);
  const selector = seriesSelector(spec);
  const rules: PrometheusRule[] = [];
  if (query.kind === 'error_ratio' || query.kind === 'threshold') {
    rules.push({ record: stepErrorRatioMetric, expr: stepErrorExpression(query, stepMs), labels });
  }
  for (const windowMs of recordedWindowsMs(spec)) {
    const expr = query.kind === 'good_total' || query.kind === 'bad_total' ? countErrorRatioExpression(query, windowMs) : averageStepExpression(selector, windowMs, stepMs);
    rules.push({ record: errorRatioMetric(windowMs), expr, labels });
  }
  rules.push(...metadataRules(spec, labels, selector));
  for (const severity of alertSeverities) {
    const conditions = spec.alerting?.[severity] ?? [];
    if (conditions.length > 0) rules.push(alertRule(spec, severity, conditions, selector, options.runbookUrl ?? null));
  }
  return { ok: true, group: { name: `sre-monitor-slo-${spec.name}`, interval: formatPrometheusDuration(stepMs), rules } };
}

function countQueriesWithoutWindow(query: PrometheusSliQuery): string[] {
  const counts: Array<[string, string]> =
    query.kind === 'good_total' ? [['good', query.good], ['total', query.total]] : query.kind === 'bad_total' ? [['bad', query.bad], ['total', query.total]] : [];
  return counts.filter(([, promql]) => !hasWindowPlaceholder(promql)).map(([field]) => field);
}

/** The SLO's own labels, then ours (which win: they identify the SLO). */
function seriesLabels(spec: SloSpec): Record<string, string> {
  return { ...spec.labels, [sloNameLabel]: spec.name, [sloServiceLabel]: spec.service };
}

function seriesSelector(spec: SloSpec): string {
  return `{${sloNameLabel}=${promqlString(spec.name)}, ${sloServiceLabel}=${promqlString(spec.service)}}`;
}

/** `(total - good) / total` or `bad / total` over the window, series added up, a missing good/bad series = 0. */
function countErrorRatioExpression(query: Extract<PrometheusSliQuery, { kind: 'good_total' | 'bad_total' }>, windowMs: number): string {
  const summed = (promql: string): string => sumOf(renderWindowPlaceholder(promql, windowMs));
  const total = summed(query.total);
  if (query.kind === 'bad_total') return `(\n${indent(summed(query.bad))}\n  or\n  vector(0)\n)\n/\n${total}`;
  return `(\n${indent(total)}\n  -\n  (\n${indent(summed(query.good), 4)}\n    or\n    vector(0)\n  )\n)\n/\n${total}`;
}

/** How far outside [0, 1] the server accepts (and clamps) an error ratio: float sums are not exact. */
const ratioTolerance = 1e-9;

/**
 * The error of one step: the error ratio as the server takes it (NaN, ±Inf and values beyond
 * [0, 1] ± 1e-9 dropped: the server skips those steps; the rest clamped to [0, 1]), or 1/0 for a
 * threshold value breaking/keeping the objective (NaN and ±Inf dropped likewise).
 */
function stepErrorExpression(query: Extract<PrometheusSliQuery, { kind: 'error_ratio' | 'threshold' }>, stepMs: number): string {
  if (query.kind === 'error_ratio') {
    const accepted = `(\n${indent(renderWindowPlaceholder(query.errorRatio, stepMs))}\n) >= ${promqlNumber(-ratioTolerance)} <= ${promqlNumber(1 + ratioTolerance)}`;
    return `clamp(\n${indent(accepted)},\n  0, 1\n)`;
  }
  const finite = `(\n${indent(renderWindowPlaceholder(query.query, stepMs))}\n) > -Inf < +Inf`;
  return `(\n${indent(finite)}\n) ${breakingOperator[query.operator]} bool ${promqlNumber(query.threshold)}`;
}

/** A step is bad when `value op threshold` does not hold. */
const breakingOperator: Record<ThresholdOperator, string> = { lt: '>=', lte: '>', gt: '<=', gte: '<' };

/**
 * The mean step error over the window. The range is half a step short of the window: the step
 * series has one sample per group evaluation, exactly a step apart, and Prometheus before 3.0
 * includes a sample sitting exactly at the range start, so `[w]` would average w/step + 1 steps
 * there and w/step in Prometheus 3; `[w - step/2]` holds w/step samples in both.
 */
function averageStepExpression(selector: string, windowMs: number, stepMs: number): string {
  return `avg_over_time(${stepErrorRatioMetric}${selector}[${formatDurationMs(windowMs - stepMs / 2)}])`;
}

function metadataRules(spec: SloSpec, labels: Record<string, string>, selector: string): RecordingRule[] {
  const burnRate = (windowMs: number): string =>
    `${errorRatioMetric(windowMs)}${selector}\n/ on(${sloNameLabel}, ${sloServiceLabel}) group_left\nslo:error_budget:ratio${selector}`;
  const rules: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${promqlNumber(spec.objectiveRatio)})`, labels },
    // Written as PromQL computes it, so the recorded budget is the b of the alert thresholds.
    { record: 'slo:error_budget:ratio', expr: `vector(1 - ${promqlNumber(spec.objectiveRatio)})`, labels },
    { record: 'slo:current_burn_rate:ratio', expr: burnRate(currentBurnWindowMs), labels },
  ];
  if (spec.window.kind === 'rolling') {
    rules.push(
      { record: 'slo:time_period:days', expr: `vector(${promqlNumber(spec.window.durationMs / dayMs)})`, labels },
      { record: 'slo:period_burn_rate:ratio', expr: burnRate(spec.window.durationMs), labels },
      // A rolling window has always elapsed in full, so consumed = period burn rate.
      { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${selector}`, labels },
    );
  }
  return rules;
}

function alertRule(spec: SloSpec, severity: AlertSeverity, conditions: readonly BurnRateCondition[], selector: string, runbookUrl: string | null): AlertingRule {
  const objective = promqlNumber(spec.objectiveRatio);
  const threshold = (factor: number): string => `(${promqlNumber(factor)} * (1 - ${objective}))`;
  const holds = (condition: BurnRateCondition): string =>
    [
      '(',
      `  ${errorRatioMetric(condition.longWindowMs)}${selector} > ${threshold(condition.factor)}`,
      '  and',
      `  ${errorRatioMetric(condition.shortWindowMs)}${selector} > ${threshold(condition.factor)}`,
      ')',
    ].join('\n');
  const described = conditions.map(
    (condition) =>
      `above ${promqlNumber(condition.factor)} × the budget over both ${formatPrometheusDuration(condition.longWindowMs)} and ${formatPrometheusDuration(condition.shortWindowMs)}`,
  );
  const windowText = spec.window.kind === 'rolling' ? formatPrometheusDuration(spec.window.durationMs) : describeSloWindow(spec.window);
  const annotations: Record<string, string> = {
    summary: `SLO ${spec.name} of service ${spec.service} is burning its error budget too fast (${severity}).`,
    description: escapeTemplate(
      `${sentence(spec.description)}The error ratio is ${described.join(', or ')} ` +
        `(objective ${formatObjectivePercent(spec.objectiveRatio)} over ${windowText}, budget 1 - ${objective}).`,
    ),
  };
  if (runbookUrl !== null) annotations.runbook_url = escapeTemplate(runbookUrl);
  return {
    alert: sloAlertName,
    expr: conditions.map(holds).join('\nor\n'),
    labels: { severity, slo: spec.name, service: spec.service },
    annotations,
  };
}

/** The SLO's description as a sentence followed by a space, or nothing. */
function sentence(description: string | null): string {
  const text = description?.trim() ?? '';
  if (text === '') return '';
  return /[.!?]$/.test(text) ? `${text} ` : `${text}. `;
}

/** `sum(q)`, unless q is one whole `sum(...)` already (no `by`/`without`, no comment). */
function sumOf(promql: string): string {
  const text = promql.trim();
  if (isWholeCall(text, 'sum')) return text;
  // A `#` comment runs to the end of its line, so it must not share one with the closing parenthesis.
  return text.includes('\n') || text.includes('#') ? `sum(\n${indent(text)}\n)` : `sum(${text})`;
}

/** True when `text` is `name(...)` with the parenthesis opened after the name closing at the very end. */
function isWholeCall(text: string, name: string): boolean {
  if (!text.startsWith(`${name}(`) || text.includes('#')) return false;
  let depth = 0;
  let quote: string | null = null;
  for (let index = name.length; index < text.length; index++) {
    const char = text[index];
    if (quote !== null) {
      if (char === '\\' && quote !== '`') index++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth === 0) return index === text.length - 1;
    }
  }
  return false;
}

function indent(text: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return text
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${pad}${line}`))
    .join('\n');
}

/** A PromQL number literal that parses to exactly this float64 (shortest round-trip form, as Go reads it). */
export function promqlNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/** A PromQL double-quoted string (JSON escapes are a subset of Go's). */
function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** Annotations are Go templates in Prometheus: user text must not open an action. */
function escapeTemplate(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}
