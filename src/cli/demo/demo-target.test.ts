import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/clock.js';
import { startDemoTarget, type DemoTarget } from './demo-target.js';

describe('demo target', () => {
  let target: DemoTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('has its first /flaky outage one minute after it starts, for two minutes, then every quarter hour', async () => {
    // Started at an odd time of day: the outage follows the start, not the wall clock.
    const clock = createManualClock(Date.UTC(2026, 11, 6, 22, 47, 13));
    target = await startDemoTarget({ clock });
    const status = async (): Promise<number> => (await fetch(`${target!.url}/flaky`)).status;
    const seen: Array<[number, number]> = [];
    for (const atS of [0, 59, 60, 179, 180, 959, 960, 1079, 1080]) {
      clock.setMs(Date.UTC(2026, 11, 6, 22, 47, 13) + atS * 1000);
      seen.push([atS, await status()]);
    }
    expect(seen).toEqual([[0, 200], [59, 200], [60, 503], [179, 503], [180, 200], [959, 200], [960, 503], [1079, 503], [1080, 200]]);
  });

  it('answers /health, /api/orders and anything else', async () => {
    target = await startDemoTarget({ clock: createManualClock(), failureRate: 0 });
    expect((await fetch(`${target.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${target.url}/api/orders`)).json()).toEqual({ orders: [] });
    expect(await (await fetch(`${target.url}/other`)).text()).toBe('sre-monitor demo target');
    expect(target.requests()).toBe(3);
  });
});
