/**
 * `slo replay` against Prometheus: the same minute counts go through our replay and, as counters
 * sampled every minute, through the rules `rules export` writes for the same SLO, evaluated by
 * promtool (`promtool test rules`, an `alert_rule_test` at every minute). Page and ticket must be
 * firing at exactly the same minutes.
 *
 * When this holds (docs/slos.md, "Exporting Prometheus rules"): counters sampled exactly at the
 * evaluation minutes from a sample of 0 at the start, evaluated by Prometheus 2.x. Then
 * `increase(x[w])` at minute t reads the samples at t - w and t (2.x ranges are closed), so it is
 * the exact sum of the minutes in (t - w, t] with no extrapolation (before the series has filled
 * the window, the 0 sample stops extrapolation at the start), and `(total - good) / total`
 * divides the same integers the engine divides: bit-equal ratios, identical thresholds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenarios, replayT0 } from '../../src/cli/slo-replay/replay-scenarios.contract.js';
import { replaySlos, type ReplayTransition } from '../../src/cli/slo-replay/replay.js';
import { rulesFileText } from '../../src/cli/rules-export/export-rules.js';
import { prometheusRulesForSlo, type AlertingRule } from '../../src/cli/rules-export/prometheus-rules.js';
import { baseSlo, parseSeries } from '../../src/core/slo/slo-builders.contract.js';
import type { SloSpec } from '../../src/core/slo/slo.js';
import { promtoolSkipReason, runPromtool } from '../support/promtool.js';

const skip = promtoolSkipReason();

const spec: SloSpec = baseSlo({
  name: 'checkout',
  service: 'api',
  objectiveRatio: 0.999,
  sli: {
    kind: 'prometheus',
    url: 'http://127.0.0.1:9090',
    query: { kind: 'good_total', good: 'sum(increase(sli_good_total[{{.window}}]))', total: 'sum(increase(sli_total[{{.window}}]))' },
  },
});

interface Scenario {
  name: string;
  /** [minute, good, total]; minutes count from replayT0, missing minutes have no events. */
  rows: Array<[number, number, number]>;
}

/** Seeded episodes of random traffic (sometimes none) and error ratios from 0 to 100%. */
function randomScenario(seed: number, minutes: number): Scenario {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: small, seeded, good enough to vary the data.
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const rows: Scenario['rows'] = [];
  let minute = 1;
  while (minute <= minutes) {
    const length = 5 + Math.floor(random() * 55);
    const traffic = pick([0, 3, 40, 100, 1000]);
    const errorRatio = pick([0, 0, 0.0005, 0.002, 0.01, 0.05, 0.5, 1]);
    for (let end = Math.min(minutes, minute + length - 1); minute <= end; minute++) {
      if (traffic === 0) continue;
      const total = Math.max(1, Math.round(traffic * (0.5 + random())));
      const bad = Math.min(total, Math.round(total * errorRatio * 2 * random()));
      rows.push([minute, total - bad, total]);
    }
  }
  return { name: `random traffic (seed ${seed})`, rows };
}

const scenarios: Scenario[] = [
  ...replayScenarios.map((scenario) => ({ name: scenario.name, rows: parseSeries(scenario.rows) })),
  randomScenario(20_260_101, 900),
  randomScenario(42, 900),
];

/** Per minute 1..last: the severities firing after our replay's evaluation at that minute. */
function replayedFiring(scenario: Scenario): Array<Set<string>> {
  const rows = scenario.rows.map(([minute, good, total], index) => ({ line: index + 2, timestamp: replayT0 + minute * 60, slo: spec.name, good, total }));
  const transitions: ReplayTransition[] = replaySlos([spec], rows, { stepMs: 60_000, fromMs: (replayT0 + 60) * 1000 });
  const last = Math.max(...scenario.rows.map(([minute]) => minute));
  const firing = new Set<string>();
  const perMinute: Array<Set<string>> = [];
  let next = 0;
  for (let minute = 1; minute <= last; minute++) {
    while (next < transitions.length && transitions[next]!.t === replayT0 + minute * 60) {
      const transition = transitions[next]!;
      if (transition.state === 'firing') firing.add(transition.severity);
      else firing.delete(transition.severity);
      next++;
    }
    perMinute[minute] = new Set(firing);
  }
  return perMinute;
}

/** Running totals sampled at minutes 0..last (the counters a scrape every minute would see). */
function counterValues(scenario: Scenario, pick: (good: number, total: number) => number): string {
  const last = Math.max(...scenario.rows.map(([minute]) => minute));
  const increments = new Array<number>(last + 1).fill(0);
  for (const [minute, good, total] of scenario.rows) increments[minute] = (increments[minute] ?? 0) + pick(good, total);
  let running = 0;
  return increments.map((increment) => (running += increment)).join(' ');
}

function promtoolTest(scenario: Scenario, alerts: AlertingRule[]): unknown {
  const firing = replayedFiring(scenario);
  const expected = (severities: Set<string>): unknown[] =>
    alerts
      .filter((alert) => severities.has(alert.labels.severity ?? ''))
      .map((alert) => ({ exp_labels: { ...alert.labels, sre_monitor_slo: spec.name, sre_monitor_service: spec.service }, exp_annotations: alert.annotations }));
  return {
    name: scenario.name,
    interval: '1m',
    input_series: [
      { series: 'sli_good_total', values: counterValues(scenario, (good) => good) },
      { series: 'sli_total', values: counterValues(scenario, (_good, total) => total) },
    ],
    alert_rule_test: firing.flatMap((severities, minute) => (minute === 0 ? [] : [{ eval_time: `${minute}m`, alertname: 'SLOBurnRate', exp_alerts: expected(severities) }])),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sre-monitor-replay-prometheus-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('slo replay agrees with Prometheus evaluating the exported rules', () => {
  it('the scenarios fire at least once, so agreeing is not trivial', () => {
    for (const scenario of scenarios) expect(replayedFiring(scenario).some((severities) => severities.size > 0), scenario.name).toBe(true);
  });

  it.skipIf(skip !== '')(`fires and resolves page and ticket at the same minutes in ${scenarios.length} scenarios${skip}`, async () => {
    const rules = prometheusRulesForSlo(spec);
    if (!rules.ok) throw new Error(rules.reason);
    const alerts = rules.group.rules.filter((rule): rule is AlertingRule => 'alert' in rule);
    await writeFile(path.join(dir, 'checkout.rules.yaml'), rulesFileText([rules.group], 'replay-prometheus'));
    const tests = { rule_files: ['checkout.rules.yaml'], evaluation_interval: '1m', tests: scenarios.map((scenario) => promtoolTest(scenario, alerts)) };
    // JSON is YAML: promtool reads it as is.
    await writeFile(path.join(dir, 'replay.test.yaml'), JSON.stringify(tests));
    const run = runPromtool(['test', 'rules', 'replay.test.yaml'], dir);
    expect(run.output.slice(0, 20_000)).not.toMatch(/FAILED/);
    expect(run.status).toBe(0);
  }, 180_000);
});
