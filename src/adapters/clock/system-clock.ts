/** The wall clock. The only place in src that may read Date.now(). */
import type { Clock } from '../../core/clock.js';

export const systemClock: Clock = {
  nowMs: () => Date.now(),
};
