/**
 * Summary statistics of a set of durations (ms): count, mean and nearest-rank percentiles.
 * An empty set has no mean, never NaN: callers get null and say why.
 */
export interface DurationStats {
  count: number;
  meanMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** Nearest-rank percentile (the smallest value with at least `percent`% of values at or below it). */
export function percentileNearestRank(sortedAscending: readonly number[], percent: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((percent / 100) * sortedAscending.length));
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

export function durationStats(durationsMs: readonly number[]): DurationStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, meanMs: null, p50Ms: null, p90Ms: null };
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    meanMs: Math.round(sum / sorted.length),
    p50Ms: percentileNearestRank(sorted, 50),
    p90Ms: percentileNearestRank(sorted, 90),
  };
}
