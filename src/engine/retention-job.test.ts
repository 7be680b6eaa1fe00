import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../../test/support/manual-timers.js';
import { createRetentionJob } from './retention-job.js';

describe('retention job', () => {
  it('deletes in bounded batches until a batch comes back short, once per period', async () => {
    const timers = createManualTimers();
    let rows = 12_345;
    const batches: number[] = [];
    const job = createRetentionJob({
      clock: timers.clock,
      timers,
      everyMs: 60_000,
      batchSize: 5_000,
      tasks: [{ name: 'rows', deleteBatch: (_nowMs, limit) => { const removed = Math.min(limit, rows); rows -= removed; batches.push(removed); return Promise.resolve(removed); } }],
    });
    job.start();
    await timers.advanceMs(59_000);
    expect(batches).toEqual([]);
    await timers.advanceMs(1_000);
    expect(batches).toEqual([5_000, 5_000, 2_345]);
    expect(await job.runOnce()).toEqual({ rows: 0 });
    await job.stop();
    await timers.advanceMs(120_000);
    expect(batches).toEqual([5_000, 5_000, 2_345, 0]);
  });
});
