/**
 * The server under test for the monitors benchmark: a config with N identical HTTP monitors
 * (all on one service) appended to a bench workspace, and `dist/cli/main.js start` with a
 * start-up deadline long enough for a first start that creates 10,000 monitors (the shared
 * `startServer` allows 30 s, which such a start exceeds). Start-up times are recorded: they
 * are a figure of their own.
 */
import { appendFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './server-under-test.js';
import { spawnWatched, type WatchedChild } from './watched-child.js';

export interface FleetSpec {
  monitors: number;
  intervalS: number;
  timeoutS: number;
  /** Every monitor GETs this URL; it must be on 127.0.0.1. */
  url: string;
  /** monitoring.max_concurrency; undefined keeps the server's default. */
  maxConcurrency: number | undefined;
}

export const fleetService = 'bench-target';

/** Zero-padded so names sort in creation order and hash to well-spread phases. */
export function monitorName(index: number): string {
  return `bench-${String(index).padStart(5, '0')}`;
}

/** Appends services, monitoring and monitors sections to a workspace config (which has none). */
export async function appendFleet(configFile: string, spec: FleetSpec): Promise<void> {
  if (new URL(spec.url).hostname !== '127.0.0.1') throw new Error(`refusing to monitor ${spec.url}: benchmarks only target 127.0.0.1`);
  const lines = [
    'services:',
    `  - name: ${fleetService}`,
    '    team: bench',
    '    criticality: low',
    ...(spec.maxConcurrency === undefined ? [] : ['monitoring:', `  max_concurrency: ${spec.maxConcurrency}`]),
    'monitors:',
  ];
  const url = JSON.stringify(spec.url);
  for (let index = 0; index < spec.monitors; index += 1) {
    lines.push(`  - { name: ${monitorName(index)}, service: ${fleetService}, kind: http, interval: ${spec.intervalS}s, timeout: ${spec.timeoutS}s, http: { url: ${url} } }`);
  }
  await appendFile(configFile, `${lines.join('\n')}\n`, 'utf8');
}

export interface FleetServer {
  pid: number;
  baseUrl: string;
  /** Seconds from spawn to the start-up banner (config applied, monitors created). */
  bannerS: number;
  /** Seconds from spawn to the first 200 from /health/ready. */
  readyS: number;
  output(): string;
  stop(): Promise<number | string>;
}

export interface FleetServerOptions {
  configFile: string;
  cli: string;
  nodeFlags: string[];
  startTimeoutMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startFleetServer(options: FleetServerOptions, track: (child: WatchedChild) => void): Promise<FleetServer> {
  const startedAt = performance.now();
  const child = spawnWatched(process.execPath, [...options.nodeFlags, options.cli, 'start', '--config', options.configFile], { cwd: repoRoot });
  track(child);
  const stop = () => child.stop(60_000);
  try {
    const banner = await child.waitFor(/is running at http:\/\/[^\s/]+:(\d+)/, options.startTimeoutMs, 'server start-up banner');
    const bannerS = (performance.now() - startedAt) / 1000;
    const baseUrl = `http://127.0.0.1:${banner[1] ?? ''}`;
    const deadline = performance.now() + 60_000;
    for (;;) {
      const status = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (child.exitedWith() !== undefined) throw new Error(`server exited with ${child.exitedWith()}:\n${child.output()}`);
      if (performance.now() > deadline) throw new Error(`/health/ready not 200 within 60 s of the banner (last status ${status})`);
      await sleep(250);
    }
    return { pid: child.pid, baseUrl, bannerS, readyS: (performance.now() - startedAt) / 1000, output: () => child.output(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
