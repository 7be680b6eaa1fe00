import { describe, expect, it } from 'vitest';
import type { AlertInput } from '../../../core/alerting/alert.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { createFiringAlertKeeper } from './firing-alert-keeper.js';

const t0 = Date.UTC(2026, 0, 1);

describe('firing alert keeper', () => {
  it('re-sends firing alerts each refresh with endsAt = now + 4 refreshes, keeps retrying after a failed hand-over', async () => {
    const timers = createManualTimers(t0);
    const sent: Array<[number, number | undefined]> = [];
    const errors: string[] = [];
    let failing = false;
    const keeper = createFiringAlertKeeper({
      sink: (alerts: readonly AlertInput[]) => {
        if (failing) return Promise.reject(new Error('down'));
        for (const alert of alerts) sent.push([(timers.clock.nowMs() - t0) / 1000, ((alert.endsAtMs ?? 0) - t0) / 1000]);
        return Promise.resolve();
      },
      source: 'monitor',
      clock: timers.clock,
      timers,
      refreshIntervalMs: 30_000,
      onError: (_error, context) => errors.push(context),
    });
    keeper.start();
    await keeper.fire('a', { labels: { alertname: 'A' } });
    failing = true;
    await timers.advanceMs(30_000);
    failing = false;
    await timers.advanceMs(30_000);
    expect(sent).toEqual([
      [0, 120],
      [60, 180],
    ]);
    expect(errors).toEqual(['re-sending 1 firing monitor alerts']);
    expect(await keeper.resolve('a')).toBe(true);
    expect(await keeper.resolve('a')).toBe(false);
    expect(sent[2]).toEqual([60, 60]);
    expect(keeper.firing().size).toBe(0);
    keeper.stop();
    expect(timers.pendingCount()).toBe(0);
  });

  it('firing again keeps the first start', async () => {
    const timers = createManualTimers(t0);
    const starts: Array<number | undefined> = [];
    const keeper = createFiringAlertKeeper({
      sink: (alerts: readonly AlertInput[]) => {
        starts.push(...alerts.map((alert) => alert.startsAtMs));
        return Promise.resolve();
      },
      source: 'slo',
      clock: timers.clock,
      timers,
    });
    await keeper.fire('a', { labels: { alertname: 'A' } });
    timers.clock.advanceMs(5_000);
    await keeper.fire('a', { labels: { alertname: 'A' }, annotations: { summary: 'updated' } });
    expect(starts).toEqual([t0, t0]);
  });
});
