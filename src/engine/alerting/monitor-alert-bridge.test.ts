import { describe, expect, it } from 'vitest';
import type { AlertInput, AlertSource } from '../../core/alerting/alert.js';
import type { MonitorStatusEvent } from '../../core/events/domain-events.js';
import type { MonitorStatus } from '../../core/monitors/monitor-status.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { createEventBus } from '../event-bus.js';
import { createMonitorAlertBridge, type MonitorAlertBridgeOptions } from './monitor-alert-bridge.js';

const minuteMs = 60_000;
const t0 = Date.UTC(2026, 0, 1);

function harness() {
  const timers = createManualTimers(t0);
  const bus = createEventBus({ clock: timers.clock });
  const sent: Array<{ atMs: number; source: AlertSource; alert: AlertInput }> = [];
  const sink = (alerts: readonly AlertInput[], source: AlertSource) => {
    for (const alert of alerts) sent.push({ atMs: timers.clock.nowMs(), source, alert });
    return Promise.resolve();
  };
  return { timers, bus, sent, sink };
}

function statusEvent(monitor: string, from: MonitorStatus, to: MonitorStatus, message = ''): MonitorStatusEvent {
  return { monitor, service: 'shop', kind: 'http', from, to, reason: `${from} -> ${to}`, cause: 'threshold_reached' as MonitorStatusEvent['cause'], message };
}

describe('monitor alert bridge', () => {
  async function started(options: Partial<MonitorAlertBridgeOptions> = {}) {
    const h = harness();
    const bridge = createMonitorAlertBridge({ bus: h.bus, sink: h.sink, clock: h.timers.clock, timers: h.timers, ...options });
    await bridge.start();
    const publish = async (event: MonitorStatusEvent) => {
      h.bus.publish(`monitor.${event.to}`, event);
      await h.timers.settle();
    };
    return { ...h, bridge, publish };
  }

  it('monitor.down raises MonitorDown; coming back up resolves it', async () => {
    const { timers, sent, publish, bridge } = await started();
    await publish(statusEvent('checkout-http', 'up', 'down', 'HTTP 503 (expected 200-299)'));
    expect(sent).toEqual([
      {
        atMs: t0,
        source: 'monitor',
        alert: {
          labels: { alertname: 'MonitorDown', monitor: 'checkout-http', service: 'shop', kind: 'http', severity: 'critical' },
          annotations: { summary: 'Monitor checkout-http (http) of shop is down', description: 'HTTP 503 (expected 200-299)' },
          startsAtMs: t0,
          endsAtMs: t0 + 4 * minuteMs,
        },
      },
    ]);
    await timers.advanceMs(90_000);
    await publish(statusEvent('checkout-http', 'down', 'up'));
    expect(sent.map((entry) => [entry.alert.labels.alertname, (entry.atMs - t0) / 1000, ((entry.alert.endsAtMs ?? 0) - t0) / 1000])).toEqual([
      ['MonitorDown', 0, 240],
      ['MonitorDown', 60, 300],
      ['MonitorDown', 90, 90],
    ]);
    expect(sent[2]?.alert.annotations?.summary).toBe('Monitor checkout-http (http) of shop is up');
    bridge.stop();
  });

  it.each([
    ['paused', 1],
    ['maintenance', 1],
    ['pending', 1],
  ] as const)('leaving down for %s resolves the alert', async (to, resolved) => {
    const { sent, publish, bridge } = await started();
    await publish(statusEvent('a', 'up', 'down'));
    await publish(statusEvent('a', 'down', to));
    expect(sent.slice(1).filter((entry) => entry.alert.endsAtMs === t0)).toHaveLength(resolved);
    bridge.stop();
  });

  it('degraded alerts only when asked; down after degraded resolves one and fires the other', async () => {
    const quiet = await started();
    await quiet.publish(statusEvent('a', 'up', 'degraded'));
    expect(quiet.sent).toEqual([]);
    quiet.bridge.stop();

    const { sent, publish, bridge } = await started({ degraded: { severity: 'warning' }, severity: (monitor) => (monitor === 'a' ? 'P1' : 'P3') });
    await publish(statusEvent('a', 'up', 'degraded', 'slow: 900 ms'));
    await publish(statusEvent('a', 'degraded', 'down', 'timeout'));
    expect(sent.map((entry) => [entry.alert.labels.alertname, entry.alert.labels.severity, entry.alert.endsAtMs === t0 ? 'resolved' : 'firing'])).toEqual([
      ['MonitorDegraded', 'warning', 'firing'],
      ['MonitorDegraded', 'warning', 'resolved'],
      ['MonitorDown', 'P1', 'firing'],
    ]);
    bridge.stop();
  });

  it('monitors down at start are alerted from their own start time', async () => {
    const { sent, bridge } = await started({ initiallyDown: () => [{ monitor: 'db', service: 'shop', kind: 'postgres', status: 'down', message: 'connect ECONNREFUSED', sinceMs: t0 - 3_600_000 }] });
    expect(sent).toMatchObject([{ alert: { labels: { alertname: 'MonitorDown', monitor: 'db' }, startsAtMs: t0 - 3_600_000 } }]);
    bridge.stop();
  });
});
