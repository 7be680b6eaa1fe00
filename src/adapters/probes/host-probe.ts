/**
 * The `host` monitor kind: CPU, memory and disk of the machine sre-monitor runs on, each against
 * an optional threshold. Any threshold exceeded makes the result `degraded` (the machine still
 * works, it is under pressure) naming every one exceeded with its value; a reading that cannot be
 * taken (a disk path that does not exist) is `down`. `details` carries every reading, with or
 * without thresholds, so the dashboard can chart them. How each is read: see host-readers.ts.
 */
import { performance } from 'node:perf_hooks';
import type { Probe, ProbeResult } from '../../core/monitors/probe.js';
import { formatBytes } from './format-bytes.js';
import { createHostReaders, diskUsedPercent, type HostReaders, memoryUsedPercent } from './host-readers.js';
import { describeTimeout } from './probe-timeout.js';
import { runAttempt } from './settle-once.js';

export interface HostProbeSpec {
  /** Busy CPU across all cores, percent 0-100. */
  maxCpuPercent?: number;
  /** Memory in use (total minus available), percent 0-100. */
  maxMemoryPercent?: number;
  /** The file system holding `path`, used share as `df` shows it, percent 0-100. */
  disk?: { path: string; maxUsedPercent: number };
}

export interface HostProbeOptions {
  /** Where readings come from; default the real machine (`createHostReaders()`). */
  readers?: HostReaders;
}

export function createHostProbe(options: HostProbeOptions = {}): Probe<HostProbeSpec> {
  const readers = options.readers ?? createHostReaders();
  return { kind: 'host', check: (spec, signal) => checkHost(readers, spec, signal) };
}

function checkHost(readers: HostReaders, spec: HostProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
  const startAt = performance.now();
  const elapsedMs = (): number => Math.round((performance.now() - startAt) * 10) / 10;
  const down = (message: string): ProbeResult => ({ status: 'down', latencyMs: null, message, timings: { totalMs: elapsedMs() } });
  const onAbort = (): ProbeResult => down(describeTimeout(signal, performance.now() - startAt, 'reading CPU, memory and disk'));
  const onThrow = (error: unknown): ProbeResult => down(errorText(error));

  return runAttempt<ProbeResult>(signal, { onAbort, onThrow }, (attempt) => {
    // The CPU sample waits; its own controller stops that wait when the attempt ends early.
    const sampling = new AbortController();
    attempt.onCleanup(() => sampling.abort());
    const disk = spec.disk;
    const readings = Promise.all([
      readers.readCpuPercent(sampling.signal).catch((error: unknown) => Promise.reject(new Error(`CPU: ${errorText(error)}`))),
      readers.readMemory().catch((error: unknown) => Promise.reject(new Error(`memory: ${errorText(error)}`))),
      disk === undefined
        ? Promise.resolve(null)
        : readers.readDisk(disk.path).catch((error: unknown) => Promise.reject(new Error(`disk ${disk.path}: ${errorText(error)}`))),
    ]);
    void readings.then(
      ([cpuPercent, memory, diskReading]) => {
        const latencyMs = elapsedMs();
        const memoryPercent = round(memoryUsedPercent(memory));
        const details: Record<string, unknown> = {
          cpuPercent: round(cpuPercent),
          memoryPercent,
          memoryTotalBytes: memory.totalBytes,
          memoryAvailableBytes: memory.availableBytes,
        };
        const shown = [`CPU ${round(cpuPercent)}%`, `memory ${memoryPercent}% of ${formatBytes(memory.totalBytes)}`];
        const exceeded: string[] = [];
        if (spec.maxCpuPercent !== undefined && cpuPercent > spec.maxCpuPercent) {
          exceeded.push(`CPU ${round(cpuPercent)}% above ${spec.maxCpuPercent}%`);
        }
        if (spec.maxMemoryPercent !== undefined && memoryPercent > spec.maxMemoryPercent) {
          exceeded.push(`memory ${memoryPercent}% above ${spec.maxMemoryPercent}%`);
        }
        if (disk !== undefined && diskReading !== null) {
          const usedPercent = round(diskUsedPercent(diskReading));
          details.disk = { path: disk.path, usedPercent, ...diskReading };
          shown.push(`disk ${disk.path} ${usedPercent}% used`);
          if (usedPercent > disk.maxUsedPercent) {
            const free = formatBytes(diskReading.availableBytes);
            exceeded.push(`disk ${disk.path} ${usedPercent}% used above ${disk.maxUsedPercent}% (${free} free)`);
          }
        }
        const timings = { totalMs: latencyMs };
        const status = exceeded.length > 0 ? 'degraded' : 'up';
        const message = exceeded.length > 0 ? exceeded.join('; ') : shown.join(', ');
        attempt.settle({ status, latencyMs, message, timings, details });
      },
      (error: unknown) => attempt.settle(down(errorText(error))),
    );
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Percentages to one decimal: finer is noise in a monitor message. */
function round(percent: number): number {
  return Math.round(percent * 10) / 10;
}
