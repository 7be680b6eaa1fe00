import { describe, expect, it } from 'vitest';
import type { MonitorResult } from '../../../core/monitors/monitor.js';
import type { ErrorBudget } from '../../../core/slo/error-budget.js';
import type { ScheduledMonitorView } from '../../monitors/monitor-scheduler.js';
import type { UptimeQuery } from '../../monitors/uptime-query.js';
import type { SloRuntime } from '../../slos/slo-evaluator.js';
import { createLatestMonitorResults, monitorReadingsFrom, sloReadingsFrom, type MonitorReadingsSources, type MonitorViewLike, type SloRuntimeLike } from './readings.js';

// The existing engine types fit the narrow ones, so app.ts passes them as they are.
type Fits<A, B> = A extends B ? true : false;
const viewsFit: Fits<ScheduledMonitorView, MonitorViewLike> = true;
const uptimeFits: Fits<UptimeQuery, MonitorReadingsSources['uptime']> = true;
const runtimeFits: Fits<SloRuntime, SloRuntimeLike> = true;

const nowMs = Date.UTC(2026, 0, 1, 12);

function result(monitor: string, atMs: number, latencyMs: number | null, details: Record<string, unknown> | null = null): MonitorResult {
  return { monitor, atMs, status: 'up', latencyMs, message: 'OK', timings: null, details, maintenance: false };
}

const view = (name: string, kind: string, status: string): MonitorViewLike => ({ monitor: { name, service: 'shop', kind }, state: { status: { status }, lastResultAtMs: nowMs - 1000 } });

describe('readings from the monitors and SLO features', () => {
  it('types fit', () => {
    expect([viewsFit, uptimeFits, runtimeFits]).toEqual([true, true, true]);
  });

  it('monitor readings combine the scheduler view with the newest result', async () => {
    const latest = createLatestMonitorResults();
    latest.record([result('api', nowMs - 5000, 300), result('api', nowMs - 1000, 120), result('api', nowMs - 9000, 999)]);
    latest.record([result('box', nowMs - 1000, 1000, { cpuPercent: 91.5, memoryPercent: 40, disk: { path: '/', usedPercent: 70, totalBytes: 1 } })]);
    const asked: string[] = [];
    const readings = monitorReadingsFrom({
      views: () => [view('api', 'http', 'up'), view('box', 'host', 'degraded'), view('new', 'tcp', 'pending')],
      latest,
      uptime: {
        summary: (monitors, fromMs, toMs) => {
          asked.push(`${monitors.join()} ${toMs - fromMs}`);
          return Promise.resolve({ uptimeRatio: 0.98 });
        },
      },
    });
    expect(readings.list()).toEqual([
      { name: 'api', service: 'shop', kind: 'http', status: 'up', lastResultAtMs: nowMs - 1000, lastLatencyMs: 120, host: null },
      { name: 'box', service: 'shop', kind: 'host', status: 'degraded', lastResultAtMs: nowMs - 1000, lastLatencyMs: 1000, host: { cpuPercent: 91.5, memoryPercent: 40, disks: [{ path: '/', usedPercent: 70 }] } },
      { name: 'new', service: 'shop', kind: 'tcp', status: 'pending', lastResultAtMs: nowMs - 1000, lastLatencyMs: null, host: null },
    ]);
    expect(await readings.uptimeRatio('api', 3_600_000, nowMs)).toBe(0.98);
    expect(asked).toEqual(['api 3600000']);
  });

  it('SLO readings take the latest status and leave the whole-window burn rate out', () => {
    const runtimes: SloRuntimeLike[] = [
      {
        spec: { name: 'checkout', service: 'shop', labels: { team: 'payments' } },
        status: {
          atMs: nowMs,
          sli: { good: 999, total: 1000, ratio: 0.999 },
          errorBudget: { remainingRatio: 0.5 } as ErrorBudget,
          burnRates: [
            { window: '1d', windowMs: 86_400_000, good: 1, total: 1, errorRatio: 0, burnRate: 0 },
            { window: 'window', windowMs: 86_400_000, good: 1, total: 2, errorRatio: 0.5, burnRate: 500 },
          ],
        },
      },
      { spec: { name: 'new', service: 'shop', labels: {} }, status: null },
    ];
    const readings = sloReadingsFrom(() => runtimes);
    expect(readings.list()).toEqual([
      { slo: 'checkout', service: 'shop', labels: { team: 'payments' }, evaluatedAtMs: nowMs, sliRatio: 0.999, budgetRemainingRatio: 0.5, burnRates: [{ windowMs: 86_400_000, burnRate: 0 }] },
      { slo: 'new', service: 'shop', labels: {}, evaluatedAtMs: null, sliRatio: null, budgetRemainingRatio: null, burnRates: [] },
    ]);
  });
});
