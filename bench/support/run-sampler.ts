/**
 * Readings over one measured window: CPU of the measured process and of the target (from
 * /proc/PID/stat), the whole machine's busy share (/proc/stat), and the measured process's RSS
 * sampled at a fixed interval, kept so both peak and median can be reported (a window of at
 * most an hour at 1 s is 3,600 numbers).
 */
import { performance } from 'node:perf_hooks';
import { readCpuSeconds } from './process-cpu.js';
import { readRssBytes } from './process-memory.js';
import { readSystemCpu, systemBusyPercent } from './system-cpu.js';

export interface RunSamples {
  wallS: number;
  /** CPU seconds of the measured process in the window. */
  cpuSeconds: number | undefined;
  /** Same, as % of one core. */
  cpuPercent: number | undefined;
  targetCpuPercent: number | undefined;
  /** % of all cores of the machine busy (every process). */
  machineBusyPercent: number | undefined;
  rssPeakBytes: number | undefined;
  rssMedianBytes: number | undefined;
  rssSampleCount: number;
}

export interface RunSampler {
  stop(): RunSamples;
}

const maxRssSamples = 100_000;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function createRunSampler(options: { pid: number; targetPid: number | undefined; rssIntervalMs: number }): RunSampler {
  const startedAt = performance.now();
  const cpuBefore = readCpuSeconds(options.pid);
  const targetBefore = options.targetPid === undefined ? undefined : readCpuSeconds(options.targetPid);
  const machineBefore = readSystemCpu();
  const rss: number[] = [];
  const sample = () => {
    const bytes = readRssBytes(options.pid);
    if (bytes !== undefined && rss.length < maxRssSamples) rss.push(bytes);
  };
  sample();
  const timer = setInterval(sample, options.rssIntervalMs);
  let stopped: RunSamples | undefined;
  return {
    stop() {
      if (stopped !== undefined) return stopped;
      clearInterval(timer);
      sample();
      const wallS = (performance.now() - startedAt) / 1000;
      const cpuAfter = readCpuSeconds(options.pid);
      const targetAfter = options.targetPid === undefined ? undefined : readCpuSeconds(options.targetPid);
      const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      stopped = {
        wallS,
        cpuSeconds,
        cpuPercent: cpuSeconds === undefined ? undefined : (100 * cpuSeconds) / wallS,
        targetCpuPercent: targetBefore === undefined || targetAfter === undefined ? undefined : (100 * (targetAfter - targetBefore)) / wallS,
        machineBusyPercent: systemBusyPercent(machineBefore, readSystemCpu()),
        rssPeakBytes: rss.length === 0 ? undefined : rss.reduce((a, b) => Math.max(a, b)),
        rssMedianBytes: median(rss),
        rssSampleCount: rss.length,
      };
      return stopped;
    },
  };
}
