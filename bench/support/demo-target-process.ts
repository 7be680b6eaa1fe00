/**
 * The monitored dependency as its own process: `dist/cli/main.js demo-target` on 127.0.0.1
 * and a free port, answering `/` after `latencyMs` +- `jitterMs` with a 500 at `failureRate`.
 * Its own process so its CPU is neither the server's nor the benchmark's.
 */
import { repoRoot } from './server-under-test.js';
import { spawnWatched, type WatchedChild } from './watched-child.js';

export interface TargetSettings {
  latencyMs: number;
  jitterMs: number;
  failureRate: number;
}

export interface TargetProcess {
  pid: number;
  /** http://127.0.0.1:PORT/ */
  url: string;
  stop(): Promise<number | string>;
}

export async function startTargetProcess(cli: string, settings: TargetSettings, track: (child: WatchedChild) => void): Promise<TargetProcess> {
  const args = [
    cli, 'demo-target', '--port', '0',
    '--latency', String(settings.latencyMs), '--jitter', String(settings.jitterMs), '--failure-rate', String(settings.failureRate),
  ];
  const child = spawnWatched(process.execPath, args, { cwd: repoRoot });
  track(child);
  try {
    const match = await child.waitFor(/listening at (http:\/\/127\.0\.0\.1:\d+)/, 15_000, 'demo target banner');
    return { pid: child.pid, url: `${match[1] ?? ''}/`, stop: () => child.stop(10_000) };
  } catch (error) {
    await child.stop(5_000);
    throw error;
  }
}
