/**
 * Readings of the machine sre-monitor runs on, behind a three-method interface so the `host`
 * probe can be tested with fixed numbers. The real readers:
 * - CPU: busy share of all cores between two `os.cpus()` samples ~200 ms apart. Chosen over load
 *   average / cores because it is a percentage of what the machine can do right now, means the
 *   same on every OS (load average is 0 on Windows and counts blocked I/O on Linux), and does not
 *   lag a minute behind.
 * - Memory: on Linux `MemAvailable` from /proc/meminfo (what can be allocated without swapping,
 *   page cache included); elsewhere, or when unreadable, `os.freemem()`, which counts the page
 *   cache as used and so overstates pressure.
 * - Disk: `fs.promises.statfs(path)`, used as `df` computes it: blocks not free to unprivileged
 *   users count as neither used nor available.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';

export interface MemoryReading {
  totalBytes: number;
  availableBytes: number;
}

export interface DiskReading {
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
}

export interface HostReaders {
  /** Busy CPU in percent (0-100) of all cores; may take a sampling interval; stops on abort. */
  readCpuPercent(signal: AbortSignal): Promise<number>;
  readMemory(): Promise<MemoryReading>;
  /** The file system holding `path`; rejects when the path does not exist. */
  readDisk(path: string): Promise<DiskReading>;
}

export interface HostReadersOptions {
  /** Time between the two CPU samples in ms; default 200. */
  cpuSampleMs?: number;
  /** Where MemAvailable is read; default /proc/meminfo. */
  meminfoPath?: string;
}

export function createHostReaders(options: HostReadersOptions = {}): HostReaders {
  const cpuSampleMs = options.cpuSampleMs ?? 200;
  const meminfoPath = options.meminfoPath ?? '/proc/meminfo';
  return {
    async readCpuPercent(signal) {
      const first = sampleCpuTimes();
      await sleep(cpuSampleMs, signal);
      return busyPercent(first, sampleCpuTimes());
    },
    async readMemory() {
      const totalBytes = os.totalmem();
      const available = await readMemAvailable(meminfoPath);
      return { totalBytes, availableBytes: Math.min(available ?? os.freemem(), totalBytes) };
    },
    async readDisk(path) {
      const stats = await fs.statfs(path);
      const usedBytes = (stats.blocks - stats.bfree) * stats.bsize;
      const availableBytes = stats.bavail * stats.bsize;
      return { totalBytes: stats.blocks * stats.bsize, usedBytes, availableBytes };
    },
  };
}

/** Used share of a disk in percent, as `df` shows it: used / (used + available to users). */
export function diskUsedPercent(disk: DiskReading): number {
  const usable = disk.usedBytes + disk.availableBytes;
  return usable === 0 ? 0 : (disk.usedBytes / usable) * 100;
}

export function memoryUsedPercent(memory: MemoryReading): number {
  return memory.totalBytes === 0 ? 0 : ((memory.totalBytes - memory.availableBytes) / memory.totalBytes) * 100;
}

interface CpuTimes {
  idle: number;
  total: number;
}

function sampleCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/** Busy share between two samples; 0 when no time passed (counters tick every 10 ms). */
export function busyPercent(first: CpuTimes, second: CpuTimes): number {
  const total = second.total - first.total;
  if (total <= 0) return 0;
  const busy = total - (second.idle - first.idle);
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

/** MemAvailable in bytes, or null where /proc/meminfo is missing or has no such line. */
async function readMemAvailable(path: string): Promise<number | null> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return null;
  }
  const match = /^MemAvailable:\s+(\d+)\s*kB$/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
