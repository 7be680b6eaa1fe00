/**
 * The one placeholder sre-monitor fills in a user's PromQL: `{{.window}}` (Sloth's spelling; Go
 * template spacing such as `{{ .window }}` is accepted too), replaced by a duration in Prometheus
 * syntax. For an SLI source that is the evaluation step (`1m` by default), so
 * `sum(increase(http_requests_total[{{.window}}]))` at the step end counts the step's events;
 * `rules export` can fill the same queries with alert windows (`5m`, `1h`, `3d`).
 */

const windowPlaceholder = /\{\{\s*\.window\s*\}\}/g;

const units: ReadonlyArray<readonly [suffix: string, ms: number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * `durationMs` (a positive whole number of ms) as one Prometheus duration in the largest unit that
 * divides it exactly: 60000 -> `1m`, 90000 -> `90s`, 86400000 -> `1d`, 1500 -> `1500ms`. Single
 * units only, because compound durations (`1h30m`) need Prometheus >= 2.24.
 */
export function formatPrometheusDuration(durationMs: number): string {
  if (!Number.isSafeInteger(durationMs) || durationMs <= 0) {
    throw new RangeError(`a Prometheus duration needs a positive whole number of ms, got ${durationMs}`);
  }
  for (const [suffix, unitMs] of units) {
    if (durationMs % unitMs === 0) return `${durationMs / unitMs}${suffix}`;
  }
  return `${durationMs}ms`;
}

/** True when `promql` contains the `{{.window}}` placeholder. */
export function hasWindowPlaceholder(promql: string): boolean {
  return new RegExp(windowPlaceholder.source).test(promql);
}

/** `promql` with every `{{.window}}` replaced by `windowMs` as a Prometheus duration. */
export function renderWindowPlaceholder(promql: string, windowMs: number): string {
  const duration = formatPrometheusDuration(windowMs);
  return promql.replace(windowPlaceholder, duration);
}
