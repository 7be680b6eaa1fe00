/**
 * Busy time of the whole machine from /proc/stat, to tell whether a run was bounded by the
 * cores themselves (server, target, database and benchmark together) rather than one process.
 */
import { readFileSync } from 'node:fs';

export interface SystemCpuReading {
  busyTicks: number;
  totalTicks: number;
}

/** The aggregate `cpu` line of /proc/stat, or undefined off Linux. */
export function readSystemCpu(): SystemCpuReading | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    if (ticks.length < 5 || ticks.some((tick) => !Number.isFinite(tick))) return undefined;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
    const busyTicks = user + nice + system + irq + softirq + steal;
    return { busyTicks, totalTicks: busyTicks + idle + iowait };
  } catch {
    return undefined;
  }
}

/** Share of all cores busy between two readings, in % of the whole machine (100 = every core). */
export function systemBusyPercent(before: SystemCpuReading | undefined, after: SystemCpuReading | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  const total = after.totalTicks - before.totalTicks;
  return total <= 0 ? undefined : (100 * (after.busyTicks - before.busyTicks)) / total;
}
