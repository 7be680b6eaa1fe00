/**
 * A tiny text format for rule tests, after Prometheus' rule unit tests (`load` / `eval at`):
 * series given as values per step, then the alerts expected after the evaluation at a time, and
 * what was handed to the sink there. The rule is evaluated at every multiple of its interval from
 * 0 up to the last `eval at`, so `for` and resend timing play out as in the server.
 *
 *     load 1m
 *       {monitor="api"} 100 600x3 _ 100
 *     eval at 2m
 *       pending {alertname="Slow", monitor="api"} 600
 *     eval at 4m
 *       firing {alertname="Slow", monitor="api"} 600
 *       sent {alertname="Slow", monitor="api"} starts=4m ends=8m
 *
 * Values: numbers, `_` (no new reading: the latest one stands, with its time, as sre-monitor's
 * sources report latest readings), `stale` (the series is gone), `vxN` (v, N more times),
 * `a+bxN` / `a-bxN` (N more steps of b), `_xN` (N steps without reading). Alert lines list every alert after the evaluation (`none` for none); `sent` lines list
 * every alert sent at it (`sent none`); an evaluation without `sent` lines does not check sends.
 */
import { parseDurationMs } from '../../duration.js';
import type { LabelSet } from '../label-matcher.js';
import { createAlertingRule, type AlertingRuleOptions, type RuleAlert } from './alerting-rule.js';
import { activeSeries, type RuleSample } from './rule-expression.js';
import type { AlertRuleSpec } from './rule-spec.js';

interface FixtureSeries {
  labels: LabelSet;
  /** null: no new reading at the step; 'stale': the series ends. */
  values: Array<number | null | 'stale'>;
}

interface FixtureEval {
  atMs: number;
  alerts: string[] | null;
  sent: string[] | null;
}

interface Fixture {
  stepMs: number;
  series: FixtureSeries[];
  evals: FixtureEval[];
}

/** Runs the fixture against a rule built from `spec`; returns one line per mismatch (none: passed). */
export function runRuleFixture(spec: AlertRuleSpec, text: string, options: AlertingRuleOptions = {}): string[] {
  const fixture = parseFixture(text);
  const rule = createAlertingRule(spec, options);
  const mismatches: string[] = [];
  const lastMs = Math.max(0, ...fixture.evals.map((entry) => entry.atMs));
  const checks = new Map(fixture.evals.map((entry) => [entry.atMs, entry]));
  for (const atMs of fixture.evals.map((entry) => entry.atMs)) {
    if (atMs % spec.intervalMs !== 0) mismatches.push(`eval at ${atMs}ms is not a multiple of the interval ${spec.intervalMs}ms`);
  }
  for (let atMs = 0; atMs <= lastMs; atMs += spec.intervalMs) {
    const samples = samplesAt(fixture, atMs);
    const { alerts } = rule.eval(atMs, activeSeries(spec.expr, samples, atMs));
    const sent = rule.alertsToSend(atMs);
    rule.markSent(atMs);
    const check = checks.get(atMs);
    if (check === undefined) continue;
    if (check.alerts !== null) compareLines(mismatches, `alerts at ${atMs / 1000}s`, check.alerts, alerts.map(describeAlert));
    if (check.sent !== null) {
      const lines = sent.map((input) => `sent ${formatLabels(input.labels)} starts=${formatTime(input.startsAtMs ?? 0)} ends=${formatTime(input.endsAtMs ?? 0)}`);
      compareLines(mismatches, `sent at ${atMs / 1000}s`, check.sent, lines);
    }
  }
  return mismatches;
}

function compareLines(mismatches: string[], what: string, expected: string[], actual: string[]): void {
  const want = [...expected].sort();
  const got = [...actual].sort();
  if (want.join('\n') !== got.join('\n')) mismatches.push(`${what}: expected\n  ${want.join('\n  ') || '(none)'}\ngot\n  ${got.join('\n  ') || '(none)'}`);
}

function describeAlert(alert: RuleAlert): string {
  return `${alert.state} ${formatLabels(alert.labels)} ${String(alert.value)}`;
}

function formatTime(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/** `{a="1", b="2"}`, names sorted. */
export function formatLabels(labels: LabelSet): string {
  return `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(', ')}}`;
}

function samplesAt(fixture: Fixture, atMs: number): RuleSample[] {
  const index = Math.floor(atMs / fixture.stepMs);
  const samples: RuleSample[] = [];
  for (const series of fixture.series) {
    // The latest reading at or before the step, with its time (`_` adds none, `stale` ends the series).
    for (let at = Math.min(index, series.values.length - 1); at >= 0; at -= 1) {
      const value = series.values[at];
      if (value === null || value === undefined) continue;
      if (value !== 'stale') samples.push({ labels: series.labels, value, timestampMs: at * fixture.stepMs });
      break;
    }
  }
  return samples;
}

function parseFixture(text: string): Fixture {
  const fixture: Fixture = { stepMs: 60_000, series: [], evals: [] };
  let section: 'none' | 'load' | 'eval' = 'none';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const load = /^load\s+(\S+)$/.exec(line);
    const evalAt = /^eval at\s+(\S+)$/.exec(line);
    if (load !== null) {
      fixture.stepMs = durationOf(load[1] ?? '');
      section = 'load';
    } else if (evalAt !== null) {
      fixture.evals.push({ atMs: durationOf(evalAt[1] ?? ''), alerts: null, sent: null });
      section = 'eval';
    } else if (section === 'load') {
      fixture.series.push(parseSeries(line));
    } else if (section === 'eval') {
      addExpectation(fixture.evals[fixture.evals.length - 1], line);
    } else {
      throw new Error(`fixture line outside load/eval: ${line}`);
    }
  }
  return fixture;
}

function addExpectation(entry: FixtureEval | undefined, line: string): void {
  if (entry === undefined) throw new Error(`expectation before any eval: ${line}`);
  if (line === 'none') entry.alerts ??= [];
  else if (line === 'sent none') entry.sent ??= [];
  else if (line.startsWith('sent ')) (entry.sent ??= []).push(normalizeLine(line));
  else (entry.alerts ??= []).push(normalizeLine(line));
}

/** Re-prints the label set of an expectation line so spacing and label order do not matter. */
function normalizeLine(line: string): string {
  const match = /^(\w+)\s+(\{[^}]*\})\s*(.*)$/.exec(line);
  if (match === null) throw new Error(`expected "<state> {labels} ..." in: ${line}`);
  const rest = (match[3] ?? '').trim();
  return `${match[1] ?? ''} ${formatLabels(parseLabels(match[2] ?? '{}'))}${rest === '' ? '' : ` ${rest}`}`;
}

function parseLabels(text: string): LabelSet {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*")/g)) labels[match[1] ?? ''] = JSON.parse(match[2] ?? '""') as string;
  return labels;
}

function parseSeries(line: string): FixtureSeries {
  const match = /^(\{[^}]*\})\s+(.*)$/.exec(line);
  if (match === null) throw new Error(`expected "{labels} values..." in: ${line}`);
  const values: FixtureSeries['values'] = [];
  for (const word of (match[2] ?? '').split(/\s+/)) {
    const repeat = /^(_|[-+]?[\d.]+)(?:([-+])([\d.]+))?x(\d+)$/.exec(word);
    if (repeat === null) {
      values.push(word === '_' ? null : word === 'stale' ? 'stale' : Number(word));
      continue;
    }
    const [, start = '', sign, step = '0', times = '0'] = repeat;
    for (let index = 0; index <= Number(times) - (start === '_' ? 1 : 0); index += 1) {
      values.push(start === '_' ? null : Number(start) + (sign === '-' ? -1 : 1) * Number(step) * index);
    }
  }
  return { labels: parseLabels(match[1] ?? '{}'), values };
}

function durationOf(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}
