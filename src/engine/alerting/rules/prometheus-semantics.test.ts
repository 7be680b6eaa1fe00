/**
 * Differential test of the rule state machine against Prometheus itself: a generated corpus of
 * series and rules (`for`, `keep_firing_for`, series that cross the threshold, go stale and come
 * back) is evaluated by sre-monitor's AlertingRule, and the firing alerts it has at every step,
 * with their labels and rendered annotations, are written as the expectations of a
 * `promtool test rules` file. promtool (Debian package prometheus) evaluates the same rules on
 * the same series; the test passes only when Prometheus agrees at every step.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAlertingRule, type AlertRuleSpec, type RuleSample } from '../../../core/alerting/rules/index.js';
import { activeSeries } from '../../../core/alerting/rules/rule-expression.js';
import { promtoolSkipReason, runPromtool } from '../../../../test/support/promtool.js';

const skipReason = promtoolSkipReason();
const minuteMs = 60_000;
const steps = 12;

type Value = number | 'stale';

interface Scenario {
  name: string;
  forMinutes: number;
  keepFiringMinutes: number;
  series: Array<{ monitor: string; values: Value[] }>;
}

/** mulberry32: a fixed seed gives the same corpus on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(count: number): Scenario[] {
  const next = random(20261206);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return Array.from({ length: count }, (_unused, index) => ({
    name: `S${index}`,
    forMinutes: pick([0, 0, 1, 2, 3]),
    keepFiringMinutes: pick([0, 0, 1, 2]),
    series: ['a', 'b'].map((monitor) => ({
      monitor,
      values: Array.from({ length: steps }, (): Value => {
        const roll = next();
        if (roll < 0.1) return 'stale';
        if (roll < 0.55) return 100 + Math.floor(next() * 400);
        // Above the threshold, from just above to large, with fractions that print in several ways.
        return pick([501 + Math.floor(next() * 2000) / 4, 1234567.5, 999999.999, 1e9 + 0.5, 86461.125, 3e15]);
      }),
    })),
  }));
}

function specOf(scenario: Scenario): AlertRuleSpec {
  return {
    name: scenario.name,
    expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: {}, windowMs: null }, op: '>', threshold: 500 },
    forMs: scenario.forMinutes * minuteMs,
    keepFiringForMs: scenario.keepFiringMinutes * minuteMs,
    intervalMs: minuteMs,
    labels: { severity: 'page' },
    annotations: {
      summary: '{{ $labels.monitor }} at {{ $value }} ({{ humanize $value }})',
      details: '{{ $value | humanizePercentage }} {{ humanizeDuration $value }} {{ humanize1024 $value }} {{ printf "%.3f|%8.1f|%g|%e|%d" $value $value $value $value 7 }}',
      names: '{{ .Labels.monitor | toUpper }} {{ title "hello world" }} {{ .Value }} [{{ $labels.nothing }}] {{ index $labels "monitor" }}',
    },
  };
}

/** Firing alerts of sre-monitor's rule after each step, as promtool expectations. */
function expectations(scenario: Scenario): Array<{ eval_time: string; alertname: string; exp_alerts: unknown[] }> {
  const spec = specOf(scenario);
  const rule = createAlertingRule(spec);
  const tests = [];
  for (let step = 0; step < steps; step += 1) {
    const samples: RuleSample[] = [];
    for (const series of scenario.series) {
      const value = series.values[step];
      if (typeof value === 'number') samples.push({ labels: { monitor: series.monitor }, value });
    }
    const { alerts } = rule.eval(step * minuteMs, activeSeries(spec.expr, samples, step * minuteMs));
    const firing = alerts.filter((alert) => alert.state === 'firing');
    tests.push({
      eval_time: `${step}m`,
      alertname: scenario.name,
      exp_alerts: firing.map((alert) => ({
        exp_labels: Object.fromEntries(Object.entries(alert.labels).filter(([name]) => name !== 'alertname')),
        exp_annotations: alert.annotations,
      })),
    });
  }
  return tests;
}

describe(`rule state machine equals Prometheus (promtool test rules)${skipReason}`, () => {
  it.skipIf(skipReason !== '')('fires the same alerts with the same labels and annotations at every step of a generated corpus', async () => {
    const scenarios = corpus(60);
    const directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-rule-semantics-'));
    try {
      // Each scenario reads its own metric so that the rules do not see each other's series.
      const rules = {
        groups: [
          {
            name: 'corpus',
            rules: scenarios.map((scenario) => ({
              alert: scenario.name,
              expr: `latency_${scenario.name} > 500`,
              for: `${scenario.forMinutes}m`,
              keep_firing_for: `${scenario.keepFiringMinutes}m`,
              labels: specOf(scenario).labels,
              annotations: specOf(scenario).annotations,
            })),
          },
        ],
      };
      const tests = {
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: scenarios.flatMap((scenario) =>
              scenario.series.map((series) => ({ series: `latency_${scenario.name}{monitor="${series.monitor}"}`, values: series.values.join(' ') })),
            ),
            alert_rule_test: scenarios.flatMap(expectations),
          },
        ],
      };
      await writeFile(path.join(directory, 'rules.yml'), JSON.stringify(rules, null, 1));
      await writeFile(path.join(directory, 'tests.yml'), JSON.stringify(tests, null, 1));
      const firingSteps = tests.tests[0]?.alert_rule_test.filter((test) => test.exp_alerts.length > 0).length ?? 0;
      // The corpus exercises firing as well as quiet steps.
      expect(firingSteps).toBeGreaterThan(100);
      const run = runPromtool(['test', 'rules', 'tests.yml'], directory);
      expect(run.output).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
