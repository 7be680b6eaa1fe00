/** What the figures were measured on: benchmark numbers mean little without the machine. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** RFC 3339 UTC. */
  date: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    const model = line?.split(':')[1]?.trim();
    if (model !== undefined && model !== '') return model;
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

export function formatMachineInfo(info: MachineInfo): string {
  return `Machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, ${info.os}; Node ${info.node}; ${info.date}`;
}

/**
 * Milliseconds this process needs for a fixed CPU-bound workload (JSON round trips of a
 * 50-item page), lower is faster. Shared and virtual machines change speed from minute to
 * minute; taken before and after a run, it shows whether the machine stayed the same.
 */
export function cpuCheckMs(): number {
  const page = { items: Array.from({ length: 50 }, (_, i) => ({ name: `svc-${i}`, team: 'payments', tags: ['tier-1', 'public'], dependencies: ['svc-0'] })) };
  const started = performance.now();
  for (let round = 0; round < 3000; round += 1) JSON.parse(JSON.stringify(page));
  return performance.now() - started;
}
