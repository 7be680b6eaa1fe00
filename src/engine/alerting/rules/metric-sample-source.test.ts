import { describe, expect, it } from 'vitest';
import type { MetricQuery, RuleExpression, RuleMetric } from '../../../core/alerting/rules/index.js';
import { createMetricSampleSource, type MonitorReading, type SloReading } from './metric-sample-source.js';

const nowMs = Date.UTC(2026, 0, 1, 12);

const monitors: MonitorReading[] = [
  { name: 'api', service: 'shop', kind: 'http', status: 'up', lastResultAtMs: nowMs - 10_000, lastLatencyMs: 120 },
  { name: 'db', service: 'shop', kind: 'postgres', status: 'down', lastResultAtMs: nowMs - 5_000, lastLatencyMs: null },
  { name: 'web', service: 'site', kind: 'http', status: 'degraded', lastResultAtMs: nowMs - 1_000, lastLatencyMs: 900 },
  { name: 'old', service: 'site', kind: 'http', status: 'paused', lastResultAtMs: nowMs - 86_400_000, lastLatencyMs: 50 },
  { name: 'new', service: 'site', kind: 'tcp', status: 'pending', lastResultAtMs: null, lastLatencyMs: null },
  {
    name: 'box',
    service: 'infra',
    kind: 'host',
    status: 'up',
    lastResultAtMs: nowMs - 2_000,
    lastLatencyMs: 1000,
    host: { cpuPercent: 91.5, memoryPercent: 40, disks: [{ path: '/', usedPercent: 71 }, { path: '/data', usedPercent: 96 }] },
  },
];

const slos: SloReading[] = [
  {
    slo: 'checkout-availability',
    service: 'shop',
    labels: { team: 'payments' },
    evaluatedAtMs: nowMs - 30_000,
    sliRatio: 0.9991,
    budgetRemainingRatio: 0.1,
    burnRates: [
      { windowMs: 3_600_000, burnRate: 15.2 },
      { windowMs: 300_000, burnRate: null },
    ],
  },
  { slo: 'quiet', service: 'site', labels: {}, evaluatedAtMs: null, sliRatio: null, budgetRemainingRatio: 1, burnRates: [{ windowMs: 3_600_000, burnRate: null }] },
];

const uptimeReads: string[] = [];
const source = createMetricSampleSource({
  monitors: {
    list: () => monitors,
    uptimeRatio: (monitor, windowMs) => {
      uptimeReads.push(`${monitor}/${windowMs}`);
      return Promise.resolve(monitor === 'new' ? null : monitor === 'db' ? 0.5 : 1);
    },
  },
  slos: { list: () => slos },
});

const threshold = (metric: RuleMetric, selector: Record<string, string> = {}, windowMs: number | null = null): RuleExpression => ({
  kind: 'threshold',
  query: { metric, selector, windowMs } satisfies MetricQuery,
  op: '>',
  threshold: 0,
});

describe('sre-monitor metric source', () => {
  it.each([
    ['monitor_latency_ms', {}, null, [['api', 120], ['web', 900], ['box', 1000]]],
    ['monitor_up', {}, null, [['api', 1], ['db', 0], ['web', 1], ['box', 1]]],
    ['monitor_up', { service: 'shop' }, null, [['api', 1], ['db', 0]]],
    ['monitor_uptime_ratio', { kind: 'http' }, 3_600_000, [['api', 1], ['web', 1], ['old', 1]]],
    ['host_cpu_percent', {}, null, [['box', 91.5]]],
    ['host_memory_percent', {}, null, [['box', 40]]],
  ] as const)('%s %j', async (metric, selector, windowMs, expected) => {
    const samples = await source.samples(threshold(metric, selector, windowMs), nowMs);
    expect(samples.map((sample) => [sample.labels.monitor, sample.value])).toEqual(expected);
  });

  it('labels monitor samples with monitor, service and kind, and the time of the reading', async () => {
    const [sample] = await source.samples(threshold('monitor_latency_ms', { monitor: 'api' }), nowMs);
    expect(sample).toEqual({ labels: { monitor: 'api', service: 'shop', kind: 'http' }, value: 120, timestampMs: nowMs - 10_000 });
  });

  it('reads uptime only for the monitors the selector keeps', async () => {
    uptimeReads.length = 0;
    await source.samples(threshold('monitor_uptime_ratio', { monitor: 'db' }, 86_400_000), nowMs);
    expect(uptimeReads).toEqual(['db/86400000']);
  });

  it('gives one disk sample per path', async () => {
    const samples = await source.samples(threshold('host_disk_used_percent', { path: '/data' }), nowMs);
    expect(samples).toEqual([{ labels: { monitor: 'box', service: 'infra', kind: 'host', path: '/data' }, value: 96, timestampMs: nowMs - 2_000 }]);
  });

  it.each([
    ['slo_burn_rate', 3_600_000, [[{ team: 'payments', slo: 'checkout-availability', service: 'shop', window: '1h' }, 15.2]]],
    ['slo_burn_rate', 300_000, []],
    ['slo_sli_ratio', null, [[{ team: 'payments', slo: 'checkout-availability', service: 'shop' }, 0.9991]]],
    [
      'slo_error_budget_remaining_ratio',
      null,
      [
        [{ team: 'payments', slo: 'checkout-availability', service: 'shop' }, 0.1],
        [{ slo: 'quiet', service: 'site' }, 1],
      ],
    ],
  ] as const)('%s (window %s): a window without events is no sample', async (metric, windowMs, expected) => {
    const samples = await source.samples(threshold(metric, {}, windowMs), nowMs);
    expect(samples.map((sample) => [sample.labels, sample.value])).toEqual(expected);
  });

  it('says which feature is missing, and refuses PromQL', async () => {
    const bare = createMetricSampleSource({});
    await expect(bare.samples(threshold('slo_sli_ratio'), nowMs)).rejects.toThrow('slo_sli_ratio needs the SLO feature');
    await expect(bare.samples(threshold('monitor_up'), nowMs)).rejects.toThrow('monitor_up needs the monitors feature');
    await expect(source.samples({ kind: 'promql', promql: 'up', prometheusUrl: 'http://127.0.0.1:9' }, nowMs)).rejects.toThrow('cannot run PromQL');
  });
});
