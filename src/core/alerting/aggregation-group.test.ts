import { describe, expect, it } from 'vitest';
import { newGroupTiming, partitionAlerts, timingAfterFlush, timingAfterInsert } from './aggregation-group.js';

const second = 1000;

describe('aggregation group timing', () => {
  it('first flush group_wait after creation, then every group_interval', () => {
    const created = newGroupTiming(1000 * second, 30 * second);
    expect(created.nextFlushAtMs).toBe(1030 * second);
    const flushed = timingAfterFlush(created, 1030 * second, 300 * second);
    expect(flushed).toEqual({ createdAtMs: 1000 * second, nextFlushAtMs: 1330 * second, lastFlushAtMs: 1030 * second, flushCount: 1 });
  });

  it.each([
    ['a fresh alert keeps group_wait', 995, 30, 1000, 1030],
    ['an alert older than group_wait flushes at once', 900, 30, 1000, 1000],
    ['exactly group_wait old still waits', 970, 30, 1000, 1030],
  ])('%s', (_name, startsAtSeconds, waitSeconds, nowSeconds, expectedSeconds) => {
    const timing = newGroupTiming(nowSeconds * second, waitSeconds * second);
    expect(timingAfterInsert(timing, startsAtSeconds * second, waitSeconds * second, nowSeconds * second).nextFlushAtMs).toBe(expectedSeconds * second);
  });

  it('after the first flush new alerts wait for group_interval', () => {
    const flushed = timingAfterFlush(newGroupTiming(0, 30 * second), 30 * second, 300 * second);
    expect(timingAfterInsert(flushed, 0, 30 * second, 100 * second).nextFlushAtMs).toBe(330 * second);
  });

  it('partitions alerts by their end at now', () => {
    const alerts = [{ id: 'a', endsAtMs: 10 }, { id: 'b', endsAtMs: 11 }, { id: 'c', endsAtMs: 9 }];
    const { firing, resolved } = partitionAlerts(alerts, 10);
    expect(firing.map((alert) => alert.id)).toEqual(['b']);
    expect(resolved.map((alert) => alert.id)).toEqual(['a', 'c']);
  });
});
