/**
 * Runs undici-loop.ts as a child process (node --import tsx) and collects its result, with the
 * child's RSS sampled by this process. Bounded: the child is stopped at warm-up + duration +
 * a minute whatever happens.
 */
import path from 'node:path';
import { repoRoot } from './server-under-test.js';
import { createRunSampler, type RunSamples } from './run-sampler.js';
import type { UndiciLoopResult, UndiciLoopSettings } from './undici-loop.js';
import { spawnWatched, type WatchedChild } from './watched-child.js';

export interface ReferenceOutcome {
  settings: UndiciLoopSettings;
  result: UndiciLoopResult;
  /** RSS of the loop process and CPU of the target during the window. */
  samples: RunSamples;
}

const loopFile = path.join(repoRoot, 'bench', 'support', 'undici-loop.ts');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runReferenceLoop(settings: UndiciLoopSettings, targetPid: number, track: (child: WatchedChild) => void): Promise<ReferenceOutcome> {
  const child = spawnWatched(process.execPath, ['--import', 'tsx', loopFile, JSON.stringify(settings)], { cwd: repoRoot });
  track(child);
  const deadline = Date.now() + (settings.warmupS + settings.durationS + 60) * 1000;
  let sampler: ReturnType<typeof createRunSampler> | undefined;
  try {
    for (;;) {
      for (const line of child.takeLines()) {
        if (!line.startsWith('{')) continue;
        const message = JSON.parse(line) as { event: string };
        if (message.event === 'window-start') sampler = createRunSampler({ pid: child.pid, targetPid, rssIntervalMs: 1000 });
        if (message.event === 'result') {
          const samples = (sampler ?? createRunSampler({ pid: child.pid, targetPid, rssIntervalMs: 1000 })).stop();
          sampler = undefined;
          await child.stop(10_000);
          return { settings, result: message as UndiciLoopResult, samples };
        }
      }
      if (child.exitedWith() !== undefined) throw new Error(`reference loop exited with ${child.exitedWith()} before its result:\n${child.output()}`);
      if (Date.now() > deadline) throw new Error(`reference loop gave no result in time:\n${child.output()}`);
      await sleep(50);
    }
  } finally {
    sampler?.stop();
    await child.stop(10_000);
  }
}
