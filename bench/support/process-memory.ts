/** Resident memory of another process, read from /proc (Linux only; elsewhere it is unknown). */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in bytes, or undefined when /proc cannot tell (process gone, not Linux). */
export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  /** Stops sampling; the highest VmRSS seen in bytes (undefined if none could be read). */
  stop(): number | undefined;
}

/** Samples VmRSS every `intervalMs` until stopped; keeps only the peak, so it is O(1) in memory. */
export function sampleRss(pid: number, intervalMs = 250): RssSampler {
  let peak: number | undefined;
  const sample = () => {
    const rss = readRssBytes(pid);
    if (rss !== undefined && (peak === undefined || rss > peak)) peak = rss;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

export function toMiB(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : (bytes / 1024 ** 2).toFixed(1);
}
