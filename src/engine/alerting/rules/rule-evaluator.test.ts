import { describe, expect, it } from 'vitest';
import type { AlertInput, AlertSource } from '../../../core/alerting/alert.js';
import type { AlertRuleSpec, RuleSample } from '../../../core/alerting/rules/index.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { createRuleEvaluator, type RuleHealth } from './rule-evaluator.js';
import { RuleSourceError, type RuleSampleSource } from './rule-sample-source.js';

const minuteMs = 60_000;
const t0 = Date.UTC(2026, 0, 1);

function latencyRule(overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec {
  return {
    name: 'CheckoutSlow',
    expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: { monitor: 'checkout' }, windowMs: null }, op: '>', threshold: 500 },
    forMs: 2 * minuteMs,
    keepFiringForMs: 0,
    intervalMs: minuteMs,
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.monitor }} answers in {{ $value }} ms' },
    ...overrides,
  };
}

/** A metric source whose answer the test sets; `fail` makes it throw. */
function controlledSource() {
  const state = { samples: [] as RuleSample[], fail: null as string | null, reads: [] as number[] };
  const source: RuleSampleSource = {
    samples(_expr, nowMs) {
      state.reads.push(nowMs);
      if (state.fail !== null) return Promise.reject(new RuleSourceError(state.fail));
      return Promise.resolve(state.samples);
    },
  };
  return { state, source };
}

function recordingSink() {
  const calls: Array<{ atMs: number; source: AlertSource; alerts: AlertInput[] }> = [];
  let failing = false;
  return {
    calls,
    setFailing: (value: boolean) => {
      failing = value;
    },
    sink: (clock: { nowMs(): number }) => (alerts: readonly AlertInput[], source: AlertSource) => {
      if (failing) return Promise.reject(new Error('registry unavailable'));
      calls.push({ atMs: clock.nowMs(), source, alerts: [...alerts] });
      return Promise.resolve();
    },
  };
}

function setup(rules: AlertRuleSpec[], startMs = t0) {
  const timers = createManualTimers(startMs);
  const metric = controlledSource();
  const recorder = recordingSink();
  const health: Array<{ rule: string; health: RuleHealth; lastError: string | null }> = [];
  const errors: string[] = [];
  const evaluator = createRuleEvaluator({
    rules,
    sources: { metric: metric.source },
    sink: recorder.sink(timers.clock),
    clock: timers.clock,
    timers,
    onRuleHealth: (rule, state, lastError) => health.push({ rule, health: state, lastError }),
    onError: (_error, context) => errors.push(context),
  });
  return { timers, metric, recorder, health, errors, evaluator };
}

const slow = (value: number): RuleSample => ({ labels: { monitor: 'checkout', service: 'shop', kind: 'http' }, value });

describe('rule evaluator', () => {
  it('evaluates at multiples of the interval since the epoch, one `now` per evaluation', async () => {
    const { timers, metric, evaluator } = setup([latencyRule(), latencyRule({ name: 'Fast', intervalMs: 15_000 })], t0 + 20_000);
    evaluator.start();
    await timers.advanceMs(100_000);
    expect(metric.state.reads.map((ms) => (ms - t0) / 1000)).toEqual([30, 45, 60, 60, 75, 90, 105, 120, 120]);
    await evaluator.stop();
    expect(timers.pendingCount()).toBe(0);
  });

  it('sends a rule alert once it fires, with startsAt = firedAt and endsAt = now + 4 intervals, then resolved', async () => {
    const { timers, metric, recorder, evaluator } = setup([latencyRule()]);
    metric.state.samples = [slow(900)];
    evaluator.start();
    await timers.advanceMs(2 * minuteMs);
    expect(recorder.calls).toEqual([]);
    expect(evaluator.rules()[0]).toMatchObject({ state: 'pending', health: 'ok', alerts: [{ state: 'pending', activeAtMs: t0 + minuteMs }] });
    await timers.advanceMs(minuteMs);
    expect(recorder.calls).toEqual([
      {
        atMs: t0 + 3 * minuteMs,
        source: 'rule',
        alerts: [
          {
            labels: { alertname: 'CheckoutSlow', monitor: 'checkout', service: 'shop', kind: 'http', severity: 'page' },
            annotations: { summary: 'checkout answers in 900 ms' },
            startsAtMs: t0 + 3 * minuteMs,
            endsAtMs: t0 + 7 * minuteMs,
          },
        ],
      },
    ]);
    metric.state.samples = [];
    await timers.advanceMs(minuteMs);
    expect(recorder.calls[1]?.alerts).toMatchObject([{ startsAtMs: t0 + 3 * minuteMs, endsAtMs: t0 + 4 * minuteMs }]);
    expect(evaluator.rules()[0]).toMatchObject({ state: 'inactive', alerts: [{ state: 'resolved', resolvedAtMs: t0 + 4 * minuteMs }] });
    await evaluator.stop();
  });

  it('a failing source marks the rule unhealthy and keeps its alerts; it recovers', async () => {
    const { timers, metric, recorder, health, evaluator } = setup([latencyRule({ forMs: 0 })]);
    metric.state.samples = [slow(900)];
    evaluator.start();
    await timers.advanceMs(minuteMs);
    metric.state.fail = 'monitors are not loaded';
    await timers.advanceMs(2 * minuteMs);
    expect(evaluator.rules()[0]).toMatchObject({ health: 'err', lastError: 'monitors are not loaded', state: 'firing', lastEvaluationAtMs: t0 + 3 * minuteMs });
    // Still firing while the source fails: Prometheus keeps re-sending its last known alerts.
    expect(recorder.calls.map((call) => (call.atMs - t0) / minuteMs)).toEqual([1, 3]);
    metric.state.fail = null;
    await timers.advanceMs(minuteMs);
    expect(health).toEqual([
      { rule: 'CheckoutSlow', health: 'ok', lastError: null },
      { rule: 'CheckoutSlow', health: 'err', lastError: 'monitors are not loaded' },
      { rule: 'CheckoutSlow', health: 'ok', lastError: null },
    ]);
    await evaluator.stop();
  });

  it('a rule without its kind of source is unhealthy and says which source is missing', async () => {
    const { timers, evaluator } = setup([latencyRule({ name: 'Up', expr: { kind: 'promql', promql: 'up == 0', prometheusUrl: 'http://127.0.0.1:9' } })]);
    evaluator.start();
    await timers.advanceMs(minuteMs);
    expect(evaluator.rules()[0]).toMatchObject({ health: 'err', lastError: 'no PromQL source is configured for this rule' });
    await evaluator.stop();
  });

  it('colliding labels are the rule error; a template failure sends the raw text and is recorded', async () => {
    const { timers, metric, recorder, evaluator } = setup([
      latencyRule({ name: 'Collide', forMs: 0, labels: { monitor: 'all' }, expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: {}, windowMs: null }, op: '>', threshold: 500 } }),
      latencyRule({ name: 'BadTemplate', forMs: 0, annotations: { summary: '{{ humanize $labels.monitor }}' }, expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: {}, windowMs: null }, op: '>', threshold: 500 } }),
    ]);
    metric.state.samples = [slow(900), { labels: { monitor: 'cart', service: 'shop', kind: 'http' }, value: 800 }];
    evaluator.start();
    await timers.advanceMs(minuteMs);
    const [collide, bad] = evaluator.rules();
    expect(collide).toMatchObject({ health: 'err', lastError: expect.stringContaining('same labelset after applying alert labels') as string });
    expect(bad).toMatchObject({ health: 'ok', lastTemplateError: expect.stringContaining(`can't convert "checkout" to a number`) as string });
    expect(recorder.calls[0]?.alerts.map((alert) => alert.annotations?.summary)).toEqual(['{{ humanize $labels.monitor }}', '{{ humanize $labels.monitor }}']);
    await evaluator.stop();
  });

  it('alerts the sink refused are offered again at the next evaluation', async () => {
    const { timers, metric, recorder, errors, evaluator } = setup([latencyRule({ forMs: 0 })]);
    metric.state.samples = [slow(900)];
    recorder.setFailing(true);
    evaluator.start();
    await timers.advanceMs(minuteMs);
    expect(errors).toEqual([expect.stringContaining('retried at the next evaluation')]);
    recorder.setFailing(false);
    await timers.advanceMs(minuteMs);
    expect(recorder.calls).toMatchObject([{ atMs: t0 + 2 * minuteMs, alerts: [{ startsAtMs: t0 + minuteMs }] }]);
    await evaluator.stop();
  });

  it('reconfigure keeps the state of rules with the same name and labels, even in another group', async () => {
    const { timers, metric, recorder, evaluator } = setup([latencyRule(), latencyRule({ name: 'Other', labels: { severity: 'ticket' } })]);
    metric.state.samples = [slow(900)];
    evaluator.start();
    await timers.advanceMs(2 * minuteMs);
    evaluator.reconfigure([
      latencyRule({ annotations: { summary: 'changed' }, intervalMs: 30_000 }),
      latencyRule({ name: 'Other', labels: { severity: 'page' } }),
    ]);
    const [kept, renamed] = evaluator.rules();
    expect(kept).toMatchObject({ state: 'pending', health: 'ok', alerts: [{ activeAtMs: t0 + minuteMs }] });
    expect(renamed).toMatchObject({ state: 'inactive', health: 'unknown', alerts: [] });
    await timers.advanceMs(30_000);
    expect(evaluator.rules()[0]).toMatchObject({ state: 'pending' });
    await timers.advanceMs(30_000);
    expect(recorder.calls[0]).toMatchObject({ atMs: t0 + 3 * minuteMs, alerts: [{ annotations: { summary: 'changed' }, startsAtMs: t0 + 3 * minuteMs, endsAtMs: t0 + 7 * minuteMs }] });
    await evaluator.stop();
  });

  it('an evaluation slower than its interval skips the boundaries it missed', async () => {
    const timers = createManualTimers(t0);
    const reads: number[] = [];
    const source: RuleSampleSource = {
      async samples(_expr, nowMs) {
        reads.push(nowMs);
        await new Promise<void>((resolve) => timers.after(150_000, resolve));
        return [];
      },
    };
    const groups: Array<[number, number, number]> = [];
    const evaluator = createRuleEvaluator({
      rules: [latencyRule()],
      sources: { metric: source },
      sink: () => Promise.resolve(),
      clock: timers.clock,
      timers,
      onGroupEvaluated: (info) => groups.push([(info.atMs - t0) / minuteMs, info.durationMs, info.missed]),
    });
    evaluator.start();
    await timers.advanceMs(6 * minuteMs);
    expect(reads.map((ms) => (ms - t0) / minuteMs)).toEqual([1, 4]);
    expect(groups).toEqual([[1, 150_000, 0]]);
    expect(evaluator.rules()[0]?.lastEvaluationDurationMs).toBe(150_000);
    // stop() waits for the evaluation still running (until 6.5m), then no more start.
    const stopping = evaluator.stop();
    await timers.advanceMs(3 * minuteMs);
    await stopping;
    expect(reads).toHaveLength(2);
    expect(groups).toEqual([
      [1, 150_000, 0],
      [4, 150_000, 2],
    ]);
    expect(timers.pendingCount()).toBe(0);
  });
});
