import { describe, expect, it } from 'vitest';
import type { AlertRuleSpec } from '../../../core/alerting/rules/index.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { prometheusRuleGroups } from './prometheus-rules-format.js';
import { createRuleEvaluator } from './rule-evaluator.js';

const t0 = Date.UTC(2026, 0, 1);

const rule = (name: string, intervalMs: number, forMs: number): AlertRuleSpec => ({
  name,
  expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: { monitor: 'api' }, windowMs: null }, op: '>', threshold: 500 },
  forMs,
  keepFiringForMs: 60_000,
  intervalMs,
  labels: { severity: 'page' },
  annotations: { summary: '{{ $value }}' },
});

describe("Prometheus' /api/v1/rules shape", () => {
  it('lists one group per interval with rules, health and the pending and firing alerts', async () => {
    const timers = createManualTimers(t0);
    const evaluator = createRuleEvaluator({
      rules: [rule('Slow', 60_000, 300_000), rule('Fast', 30_000, 0), rule('Never', 3_600_000, 0)],
      sources: { metric: { samples: () => Promise.resolve([{ labels: { monitor: 'api' }, value: 900 }]) } },
      sink: () => Promise.resolve(),
      clock: timers.clock,
      timers,
    });
    evaluator.start();
    await timers.advanceMs(60_000);
    await evaluator.stop();
    const { groups } = prometheusRuleGroups(evaluator.rules());
    expect(groups.map((group) => [group.name, group.interval, group.rules.map((entry) => entry.name)])).toEqual([
      ['every 30s', 30, ['Fast']],
      ['every 1m', 60, ['Slow']],
      ['every 1h', 3600, ['Never']],
    ]);
    expect(groups[1]).toMatchObject({ file: 'alerting.rules', limit: 0, lastEvaluation: '2026-01-01T00:01:00.000Z' });
    expect(groups[1]?.rules[0]).toEqual({
      type: 'alerting',
      name: 'Slow',
      query: 'monitor_latency_ms{monitor="api"} > 500',
      duration: 300,
      keepFiringFor: 60,
      labels: { severity: 'page' },
      annotations: { summary: '{{ $value }}' },
      alerts: [{ labels: { alertname: 'Slow', monitor: 'api', severity: 'page' }, annotations: { summary: '900' }, state: 'pending', activeAt: '2026-01-01T00:01:00.000Z', value: '9e+02' }],
      state: 'pending',
      health: 'ok',
      evaluationTime: 0,
      lastEvaluation: '2026-01-01T00:01:00.000Z',
    });
    expect(groups[0]?.rules[0]).toMatchObject({ state: 'firing', alerts: [{ state: 'firing', activeAt: '2026-01-01T00:00:30.000Z' }] });
    expect(groups[2]?.rules[0]).toMatchObject({ state: 'inactive', health: 'unknown', alerts: [], lastEvaluation: '0001-01-01T00:00:00Z' });
    expect(groups[2]?.lastEvaluation).toBe('0001-01-01T00:00:00Z');
  });
});
