import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createHostProbe, type HostProbeSpec } from './host-probe.js';
import { busyPercent, createHostReaders, type DiskReading, type HostReaders, type MemoryReading } from './host-readers.js';
import { createProbeTimeoutSignal } from './probe-timeout.js';

const GB = 1024 ** 3;

interface FixedReadings {
  cpuPercent?: number;
  memory?: MemoryReading;
  disk?: DiskReading | Error;
}

/** Readers that answer fixed numbers at once: 20% CPU, 8 of 16 GB used, 40 of 100 GB used. */
function fixedReaders(overrides: FixedReadings = {}): HostReaders {
  return {
    readCpuPercent: () => Promise.resolve(overrides.cpuPercent ?? 20),
    readMemory: () => Promise.resolve(overrides.memory ?? { totalBytes: 16 * GB, availableBytes: 8 * GB }),
    readDisk: () => {
      const disk = overrides.disk ?? { totalBytes: 100 * GB, usedBytes: 40 * GB, availableBytes: 60 * GB };
      return disk instanceof Error ? Promise.reject(disk) : Promise.resolve(disk);
    },
  };
}

const check = (spec: HostProbeSpec, readings?: FixedReadings) =>
  createHostProbe({ readers: fixedReaders(readings) }).check(spec, AbortSignal.timeout(5_000));

const allThresholds: HostProbeSpec = { maxCpuPercent: 90, maxMemoryPercent: 90, disk: { path: '/', maxUsedPercent: 90 } };

describe('host probe', () => {
  it('is up with every reading when nothing exceeds its threshold', async () => {
    const result = await check(allThresholds);
    expect(result).toMatchObject({
      status: 'up',
      message: 'CPU 20%, memory 50% of 16 GB, disk / 40% used',
      details: {
        cpuPercent: 20,
        memoryPercent: 50,
        memoryTotalBytes: 16 * GB,
        memoryAvailableBytes: 8 * GB,
        disk: { path: '/', usedPercent: 40, totalBytes: 100 * GB, usedBytes: 40 * GB, availableBytes: 60 * GB },
      },
    });
  });

  it.each<[string, FixedReadings, string]>([
    ['CPU', { cpuPercent: 97.25 }, 'CPU 97.3% above 90%'],
    ['memory', { memory: { totalBytes: 16 * GB, availableBytes: GB } }, 'memory 93.8% above 90%'],
    ['disk', { disk: { totalBytes: 100 * GB, usedBytes: 95 * GB, availableBytes: 3 * GB } }, 'disk / 96.9% used above 90% (3 GB free)'],
  ])('is degraded when %s is above its threshold', async (_name, readings, message) => {
    expect(await check(allThresholds, readings)).toMatchObject({ status: 'degraded', message });
  });

  it('names every threshold exceeded', async () => {
    const result = await check(allThresholds, { cpuPercent: 95, memory: { totalBytes: 10 * GB, availableBytes: 0 } });
    expect(result).toMatchObject({ status: 'degraded', message: 'CPU 95% above 90%; memory 100% above 90%' });
  });

  it('only reports, never degrades, without thresholds', async () => {
    const result = await check({}, { cpuPercent: 100, memory: { totalBytes: GB, availableBytes: 0 } });
    expect(result).toMatchObject({ status: 'up', message: 'CPU 100%, memory 100% of 1 GB' });
    expect(result.details).not.toHaveProperty('disk');
  });

  it('is down when a reading fails', async () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, statfs '/nope'"), { code: 'ENOENT' });
    const result = await check({ disk: { path: '/nope', maxUsedPercent: 90 } }, { disk: missing });
    expect(result).toMatchObject({ status: 'down', latencyMs: null, message: "disk /nope: ENOENT: no such file or directory, statfs '/nope'" });
  });

  it('settles on abort and stops the CPU sample', async () => {
    let sampleAborted = false;
    const readers: HostReaders = {
      ...fixedReaders(),
      readCpuPercent: (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sampleAborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const result = await createHostProbe({ readers }).check({}, createProbeTimeoutSignal(100));
    expect(result).toMatchObject({ status: 'down', message: 'timed out after 100 ms (reading CPU, memory and disk)' });
    expect(sampleAborted).toBe(true);
  });

  it('reads sane values from this machine', async () => {
    const startedAt = performance.now();
    const result = await createHostProbe().check({ disk: { path: process.cwd(), maxUsedPercent: 100 } }, AbortSignal.timeout(5_000));
    expect(result.status).toBe('up');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(150); // the CPU sample interval
    const details = result.details as {
      cpuPercent: number;
      memoryPercent: number;
      memoryTotalBytes: number;
      disk: { usedPercent: number; totalBytes: number; availableBytes: number };
    };
    expect(details.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(details.cpuPercent).toBeLessThanOrEqual(100);
    expect(details.memoryPercent).toBeGreaterThan(0);
    expect(details.memoryPercent).toBeLessThan(100);
    expect(details.memoryTotalBytes).toBe(os.totalmem());
    expect(details.disk.usedPercent).toBeGreaterThanOrEqual(0);
    expect(details.disk.usedPercent).toBeLessThanOrEqual(100);
    expect(details.disk.totalBytes).toBeGreaterThan(details.disk.availableBytes);
  });

  it('reports a missing disk path from the real readers', async () => {
    const readers = createHostReaders({ cpuSampleMs: 10 });
    const result = await createHostProbe({ readers }).check({ disk: { path: '/sre-monitor-no-such-dir', maxUsedPercent: 90 } }, AbortSignal.timeout(5_000));
    expect(result.status).toBe('down');
    expect(result.message).toMatch(/^disk \/sre-monitor-no-such-dir: ENOENT/);
  });

  it.each([
    [{ idle: 0, total: 0 }, { idle: 50, total: 100 }, 50],
    [{ idle: 100, total: 200 }, { idle: 100, total: 300 }, 100],
    [{ idle: 100, total: 200 }, { idle: 100, total: 200 }, 0],
  ])('computes busy CPU between samples %#', (first, second, expected) => {
    expect(busyPercent(first, second)).toBe(expected);
  });
});
