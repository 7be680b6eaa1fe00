import { describe, expect, it } from 'vitest';
import { restoredActiveAtMs } from './for-state-restore.js';

const minute = 60_000;

describe('restoredActiveAtMs (Prometheus RestoreForState)', () => {
  // The process went down at minute 100 and the first evaluation after the restart is at `now`.
  it.each([
    ['pending 10 of 30 min, down 5 min: the downtime does not count', { activeAtMs: 90 * minute, lastSeenAtMs: 100 * minute }, 105 * minute, 30 * minute, 95 * minute],
    ['pending 25 of 30 min: gets the 10 min grace period from now', { activeAtMs: 75 * minute, lastSeenAtMs: 100 * minute }, 105 * minute, 30 * minute, 105 * minute + 10 * minute - 30 * minute],
    ['already firing (waited 40 of 30 min): keeps activeAt, fires at once', { activeAtMs: 60 * minute, lastSeenAtMs: 100 * minute }, 105 * minute, 30 * minute, 60 * minute],
    ['exactly the whole for waited: fires at once', { activeAtMs: 70 * minute, lastSeenAtMs: 100 * minute }, 105 * minute, 30 * minute, 70 * minute],
    ['down longer than the 1 h outage tolerance: not restored', { activeAtMs: 90 * minute, lastSeenAtMs: 100 * minute }, 161 * minute, 30 * minute, null],
    ['down exactly the outage tolerance: still restored', { activeAtMs: 90 * minute, lastSeenAtMs: 100 * minute }, 160 * minute, 30 * minute, 150 * minute],
    ['for shorter than the grace period: not restored', { activeAtMs: 98 * minute, lastSeenAtMs: 100 * minute }, 101 * minute, 5 * minute, null],
    ['no for: nothing to restore', { activeAtMs: 98 * minute, lastSeenAtMs: 100 * minute }, 101 * minute, 0, null],
    ['a state from the future (clock moved back): not restored', { activeAtMs: 98 * minute, lastSeenAtMs: 110 * minute }, 101 * minute, 30 * minute, null],
  ])('%s', (_name, stored, nowMs, forMs, expected) => {
    expect(restoredActiveAtMs(stored, nowMs, forMs)).toBe(expected);
  });

  it('honours other settings', () => {
    expect(restoredActiveAtMs({ activeAtMs: 0, lastSeenAtMs: 4 * minute }, 5 * minute, 5 * minute, { outageToleranceMs: minute, gracePeriodMs: 2 * minute })).toBe(5 * minute + 2 * minute - 5 * minute);
  });
});
