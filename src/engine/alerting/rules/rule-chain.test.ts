/**
 * Rules over sre-monitor's own readings, end to end below the pipeline: scheduler-like views and
 * committed results -> readings -> metric source -> evaluator -> sink.
 */
import { describe, expect, it } from 'vitest';
import type { AlertInput } from '../../../core/alerting/alert.js';
import { alertRuleSpecsFromDocuments, type AlertRuleDocument } from '../../../core/alerting/rules/index.js';
import type { MonitorResult } from '../../../core/monitors/monitor.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { createMetricSampleSource } from './metric-sample-source.js';
import { createLatestMonitorResults, monitorReadingsFrom, type MonitorViewLike } from './readings.js';
import { createRuleEvaluator } from './rule-evaluator.js';

const minuteMs = 60_000;
const t0 = Date.UTC(2026, 0, 1);

const documents: AlertRuleDocument[] = [
  {
    alert: 'DiskFull',
    expr: { metric: 'host_disk_used_percent', selector: { path: '/data' }, op: '>', threshold: 90 },
    for: '2m',
    labels: { severity: 'P2' },
    annotations: { summary: '{{ $labels.monitor }}: {{ $labels.path }} is {{ $value }}% full' },
  },
  { alert: 'HeartbeatMissing', expr: { absent: { metric: 'monitor_up', selector: { monitor: 'batch' }, for: '5m' } }, labels: { severity: 'P3' } },
];

describe('rules over monitor readings', () => {
  it('fires a host disk rule after `for` and an absence rule once a monitor stopped reporting', async () => {
    const { specs, problems } = alertRuleSpecsFromDocuments(documents);
    expect(problems).toEqual([]);
    const timers = createManualTimers(t0);
    const latest = createLatestMonitorResults();
    const views: MonitorViewLike[] = [
      { monitor: { name: 'box', service: 'infra', kind: 'host' }, state: { status: { status: 'up' }, lastResultAtMs: null } },
      { monitor: { name: 'batch', service: 'jobs', kind: 'heartbeat' }, state: { status: { status: 'up' }, lastResultAtMs: t0 } },
    ];
    const host = (atMs: number, usedPercent: number): MonitorResult => ({
      monitor: 'box',
      atMs,
      status: 'up',
      latencyMs: 900,
      message: 'OK',
      timings: null,
      details: { cpuPercent: 10, memoryPercent: 20, disk: { path: '/data', usedPercent } },
      maintenance: false,
    });
    latest.record([host(t0, 95)]);
    const sent: AlertInput[] = [];
    const evaluator = createRuleEvaluator({
      rules: specs,
      sources: { metric: createMetricSampleSource({ monitors: monitorReadingsFrom({ views: () => views, latest, uptime: { summary: () => Promise.resolve({ uptimeRatio: null }) } }) }) },
      sink: (alerts) => {
        sent.push(...alerts);
        return Promise.resolve();
      },
      clock: timers.clock,
      timers,
    });
    evaluator.start();
    await timers.advanceMs(3 * minuteMs);
    expect(sent).toEqual([
      {
        labels: { alertname: 'DiskFull', monitor: 'box', service: 'infra', kind: 'host', path: '/data', severity: 'P2' },
        annotations: { summary: 'box: /data is 95% full' },
        startsAtMs: t0 + 3 * minuteMs,
        endsAtMs: t0 + 7 * minuteMs,
      },
    ]);
    // The heartbeat's last reading was at t0: 5 minutes later it counts as absent.
    await timers.advanceMs(2 * minuteMs);
    expect(sent.map((alert) => alert.labels.alertname)).toEqual(['DiskFull', 'DiskFull', 'HeartbeatMissing']);
    expect(sent[2]).toMatchObject({ labels: { alertname: 'HeartbeatMissing', monitor: 'batch', severity: 'P3' }, startsAtMs: t0 + 5 * minuteMs });
    await evaluator.stop();
  });
});
