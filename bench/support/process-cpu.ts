/**
 * CPU time of a process, to tell whether the server or the load generator is the bottleneck:
 * on a 2-core machine both compete, and a server at ~100% of one core is CPU-bound.
 */
import { readFileSync } from 'node:fs';

/** Linux USER_HZ: 100 on every mainstream kernel build (getconf CLK_TCK); Node does not expose it. */
const clockTicksPerSecond = 100;

/** User + system CPU seconds of `pid` so far (10 ms resolution), or undefined off Linux. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return Number.isFinite(userTicks) && Number.isFinite(systemTicks) ? (userTicks + systemTicks) / clockTicksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds of this process (the load generator), from Node itself. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
