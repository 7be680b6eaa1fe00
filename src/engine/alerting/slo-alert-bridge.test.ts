import { describe, expect, it } from 'vitest';
import type { AlertInput, AlertSource } from '../../core/alerting/alert.js';
import type { SloAlertEvent } from '../../core/events/domain-events.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import { createEventBus } from '../event-bus.js';
import { createSloAlertBridge } from './slo-alert-bridge.js';

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

const burning: SloAlertEvent = {
  labels: { alertname: 'SLOBurnRate', slo: 'checkout', service: 'shop', severity: 'page', team: 'payments' },
  slo: 'checkout',
  service: 'shop',
  severity: 'page',
  conditions: [{ long_window_ms: 3_600_000, short_window_ms: 300_000, factor: 14.4 }],
  budgetRemainingRatio: 0.125,
};

describe('SLO alert bridge', () => {
  it('turns burn-rate transitions into a firing alert kept alive every minute, then resolved with endsAt = now', async () => {
    const { timers, bus, sent, sink } = harness();
    const bridge = createSloAlertBridge({
      bus,
      sink,
      clock: timers.clock,
      timers,
      burnRatesOf: () => [
        { windowMs: 3_600_000, burnRate: 15.2 },
        { windowMs: 300_000, burnRate: 20 },
      ],
      sloUrlOf: (slo) => `http://sre.example/slos/${slo}`,
    });
    await bridge.start();
    bus.publish('slo.alert.firing', burning);
    await timers.settle();
    expect(sent).toEqual([
      {
        atMs: t0,
        source: 'slo',
        alert: {
          labels: burning.labels,
          annotations: {
            summary: 'SLO checkout of shop is burning its error budget too fast (page)',
            description: 'burn rate above 14.4 over 1h (now 15.20) and 5m (now 20.00). Error budget left: 12.5%.',
            budget_remaining_ratio: '0.125',
            dashboard_url: 'http://sre.example/slos/checkout',
          },
          generatorUrl: 'http://sre.example/slos/checkout',
          startsAtMs: t0,
          endsAtMs: t0 + 4 * minuteMs,
        },
      },
    ]);
    await timers.advanceMs(2 * minuteMs);
    expect(sent.map((entry) => [entry.atMs - t0, entry.alert.startsAtMs, (entry.alert.endsAtMs ?? 0) - t0])).toEqual([
      [0, t0, 4 * minuteMs],
      [minuteMs, t0, 5 * minuteMs],
      [2 * minuteMs, t0, 6 * minuteMs],
    ]);
    bus.publish('slo.alert.resolved', { ...burning, conditions: [], budgetRemainingRatio: 0.1 });
    await timers.settle();
    expect(sent[3]?.alert).toMatchObject({ labels: burning.labels, startsAtMs: t0, endsAtMs: t0 + 2 * minuteMs, annotations: { description: expect.stringContaining('Error budget left: 10%') as string } });
    await timers.advanceMs(3 * minuteMs);
    expect(sent).toHaveLength(4);
    bridge.stop();
    bus.publish('slo.alert.firing', burning);
    await timers.settle();
    expect(sent).toHaveLength(4);
  });

  it('keeps alerts that were firing before a restart alive, and resolves ones it never saw fire', async () => {
    const { timers, bus, sent, sink } = harness();
    const other = { ...burning, slo: 'search', labels: { ...burning.labels, slo: 'search' } };
    const bridge = createSloAlertBridge({ bus, sink, clock: timers.clock, timers, initiallyFiring: () => [burning] });
    await bridge.start();
    expect(sent.map((entry) => entry.alert.labels.slo)).toEqual(['checkout']);
    bus.publish('slo.alert.resolved', other);
    await timers.settle();
    expect(sent[1]?.alert).toMatchObject({ labels: { slo: 'search' }, endsAtMs: t0 });
    await timers.advanceMs(minuteMs);
    expect(sent.map((entry) => entry.alert.labels.slo)).toEqual(['checkout', 'search', 'checkout']);
    bridge.stop();
  });
});
