/**
 * Uptime roll-up math for monitor results: per-bucket counts by status, a mergeable latency
 * sketch for percentiles, exact "latency at most T" counts for latency SLIs, roll-up of 1-minute
 * buckets into 1-hour buckets, and window summaries.
 *
 * Buckets follow DESIGN.md "Data and time": a bucket is named by its end time and covers
 * (endMs - size, endMs]; a window [t - w, t] sums the buckets whose end lies in (t - w, t].
 *
 * Decisions:
 * - Uptime is (up + degraded) / (up + degraded + down). Degraded results answered, so they count
 *   as up (as in Uptime Kuma and status pages); maintenance results are left out of both sides,
 *   so planned work neither helps nor hurts the figure.
 * - Latency (sketch and thresholds) is recorded for up and degraded results only: a down result's
 *   latency is a timeout or a fast error and would make percentiles look better or worse than the
 *   service is. Maintenance results are not recorded either.
 * - The sketch cannot say exactly how many results were under an arbitrary threshold, so latency
 *   SLIs read `latencyUnder`, exact counts for the thresholds SLOs ask for, fixed when the bucket
 *   is created.
 */

/** Results of one bucket by status. Every result has exactly one status. */
export interface ResultCounts {
  up: number;
  down: number;
  degraded: number;
  maintenance: number;
}

/** Status of one check result as counted here. */
export type ResultStatus = keyof ResultCounts;

/**
 * Mergeable latency summary with ~2% relative error (a DDSketch-style log histogram). Bin `i`
 * holds latencies in (γ^(i-1), γ^i] ms with γ = 1.02 / 0.98; latencies at or below 0.1 ms share
 * the lowest bin and those above 60 s the highest. Plain JSON, so a store can keep it as is.
 */
export interface LatencySketch {
  /** Number of latencies recorded. */
  count: number;
  /** Smallest latency recorded, ms; null when empty. */
  minMs: number | null;
  /** Largest latency recorded, ms; null when empty. */
  maxMs: number | null;
  /** Sparse map: bin index (decimal string) to how many latencies fell in it. */
  bins: Record<string, number>;
}

/** One time bucket of results for one monitor (or service). */
export interface UptimeBucket {
  /** End of the bucket, ms since the epoch; the bucket covers (endMs - size, endMs]. */
  endMs: number;
  counts: ResultCounts;
  /** Latencies of the up and degraded results. */
  latency: LatencySketch;
  /**
   * Latency threshold in ms (decimal string, `String(thresholdMs)`) to the number of up and
   * degraded results whose latency was at most that threshold (≤, Prometheus' `le`). Only the
   * thresholds given to `emptyBucket` are tracked.
   */
  latencyUnder: Record<string, number>;
}

/** What an SLI counts in a bucket: availability, or results at most `thresholdMs` ms slow. */
export type SliRule = { kind: 'availability' } | { kind: 'latency'; thresholdMs: number };

/** Good and total events of an SLI in one bucket, the shape the SLO engine consumes. */
export interface SliCounts {
  good: number;
  total: number;
}

/** Counts, uptime and latency percentiles (ms) over a window; ratios and latencies null when nothing was counted. */
export interface WindowSummary {
  counts: ResultCounts;
  uptimeRatio: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
}

/** Relative accuracy of sketch quantiles for latencies between 0.1 ms and 60 s. */
export const latencySketchRelativeError = 0.02;
const gamma = (1 + latencySketchRelativeError) / (1 - latencySketchRelativeError);
const logGamma = Math.log(gamma);
const smallestTrackedMs = 0.1;
const largestTrackedMs = 60_000;
const lowestBin = Math.ceil(Math.log(smallestTrackedMs) / logGamma);
const highestBin = Math.ceil(Math.log(largestTrackedMs) / logGamma);

/** Zero results of every status. */
export function emptyCounts(): ResultCounts {
  return { up: 0, down: 0, degraded: 0, maintenance: 0 };
}

/** Status-by-status sum of two counts (numbers of results). */
export function addCounts(a: ResultCounts, b: ResultCounts): ResultCounts {
  return { up: a.up + b.up, down: a.down + b.down, degraded: a.degraded + b.degraded, maintenance: a.maintenance + b.maintenance };
}

/** A sketch with no latencies recorded. */
export function emptySketch(): LatencySketch {
  return { count: 0, minMs: null, maxMs: null, bins: {} };
}

/** Returns a new sketch with `latencyMs` (ms, finite, ≥ 0) added; throws RangeError otherwise. */
export function addLatency(sketch: LatencySketch, latencyMs: number): LatencySketch {
  checkLatency(latencyMs);
  const key = String(binIndex(latencyMs));
  return {
    count: sketch.count + 1,
    minMs: sketch.minMs === null ? latencyMs : Math.min(sketch.minMs, latencyMs),
    maxMs: sketch.maxMs === null ? latencyMs : Math.max(sketch.maxMs, latencyMs),
    bins: { ...sketch.bins, [key]: (sketch.bins[key] ?? 0) + 1 },
  };
}

/** A sketch of many latencies (ms) at once; the same result as adding them one by one. */
export function sketchFromLatencies(latenciesMs: readonly number[]): LatencySketch {
  const bins: Record<string, number> = {};
  let minMs: number | null = null;
  let maxMs: number | null = null;
  for (const latencyMs of latenciesMs) {
    checkLatency(latencyMs);
    const key = String(binIndex(latencyMs));
    bins[key] = (bins[key] ?? 0) + 1;
    minMs = minMs === null ? latencyMs : Math.min(minMs, latencyMs);
    maxMs = maxMs === null ? latencyMs : Math.max(maxMs, latencyMs);
  }
  return { count: latenciesMs.length, minMs, maxMs, bins };
}

/** The sketch of both inputs' latencies; exact, associative and commutative (integer counts, min, max). */
export function mergeSketches(a: LatencySketch, b: LatencySketch): LatencySketch {
  const bins: Record<string, number> = { ...a.bins };
  for (const [key, count] of Object.entries(b.bins)) bins[key] = (bins[key] ?? 0) + count;
  return {
    count: a.count + b.count,
    minMs: combine(a.minMs, b.minMs, Math.min),
    maxMs: combine(a.maxMs, b.maxMs, Math.max),
    bins,
  };
}

/**
 * The `q` quantile (0 ≤ q ≤ 1) of the recorded latencies, ms, or null when empty. Nearest-rank
 * definition: the element at index ceil(q·n) − 1 (at least 0) of the sorted latencies, so a p99
 * of a few results is their slowest, never an interpolation below it. Estimated within 2% for
 * 0.1 ms to 60 s; the lowest and highest elements are returned exactly from the tracked min and max.
 */
export function quantile(sketch: LatencySketch, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be between 0 and 1, got ${q}`);
  if (sketch.count === 0 || sketch.minMs === null || sketch.maxMs === null) return null;
  const rank = nearestRankIndex(q, sketch.count);
  if (rank === 0) return sketch.minMs;
  if (rank === sketch.count - 1) return sketch.maxMs;
  const indexes = Object.keys(sketch.bins).map(Number).sort((x, y) => x - y);
  let seen = 0;
  for (const index of indexes) {
    seen += sketch.bins[String(index)] ?? 0;
    if (seen > rank) return Math.min(Math.max(binValue(index), sketch.minMs), sketch.maxMs);
  }
  return sketch.maxMs;
}

/** End (ms since the epoch) of the `sizeMs` bucket holding an instant: results at exactly 10:01:00 belong to the bucket ending 10:01. */
export function bucketEndMs(atMs: number, sizeMs: number): number {
  return Math.ceil(atMs / sizeMs) * sizeMs;
}

/** An empty bucket ending at `endMs` that tracks exact counts for each of `latencyThresholdsMs` (ms). */
export function emptyBucket(endMs: number, latencyThresholdsMs: readonly number[] = []): UptimeBucket {
  const latencyUnder: Record<string, number> = {};
  for (const thresholdMs of latencyThresholdsMs) latencyUnder[String(thresholdMs)] = 0;
  return { endMs, counts: emptyCounts(), latency: emptySketch(), latencyUnder };
}

/**
 * Returns a new bucket with one result counted. `latencyMs` (ms) is recorded for up and degraded
 * results only, see the header; a result without a latency is only counted.
 */
export function recordResult(bucket: UptimeBucket, status: ResultStatus, latencyMs?: number): UptimeBucket {
  const counts = { ...bucket.counts, [status]: bucket.counts[status] + 1 };
  if (latencyMs === undefined || (status !== 'up' && status !== 'degraded')) return { ...bucket, counts };
  const latencyUnder = { ...bucket.latencyUnder };
  for (const key of Object.keys(latencyUnder)) {
    if (latencyMs <= Number(key)) latencyUnder[key] = (latencyUnder[key] ?? 0) + 1;
  }
  return { endMs: bucket.endMs, counts, latency: addLatency(bucket.latency, latencyMs), latencyUnder };
}

/**
 * Counts one result into `bucket` itself, the same counts as `recordResult` without copying:
 * for the owner of an open accumulator (the current minute of each monitor takes a result per
 * check, and copying its sketch each time made most of the engine's garbage at 10,000
 * monitors). Never call it on a bucket someone else may still read.
 */
export function recordResultInPlace(bucket: UptimeBucket, status: ResultStatus, latencyMs?: number): void {
  if (latencyMs !== undefined && (status === 'up' || status === 'degraded')) {
    checkLatency(latencyMs);
    const sketch = bucket.latency;
    const key = String(binIndex(latencyMs));
    sketch.bins[key] = (sketch.bins[key] ?? 0) + 1;
    sketch.count += 1;
    sketch.minMs = sketch.minMs === null ? latencyMs : Math.min(sketch.minMs, latencyMs);
    sketch.maxMs = sketch.maxMs === null ? latencyMs : Math.max(sketch.maxMs, latencyMs);
    for (const threshold of Object.keys(bucket.latencyUnder)) {
      if (latencyMs <= Number(threshold)) bucket.latencyUnder[threshold] = (bucket.latencyUnder[threshold] ?? 0) + 1;
    }
  }
  bucket.counts[status] += 1;
}

/**
 * Merges buckets into buckets of `sizeMs` (e.g. 1-minute into 1-hour) by end time: a bucket
 * ending in (10:00, 11:00] belongs to the hour ending 11:00. `sizeMs` should be a multiple of the
 * input size, or an input bucket would straddle two outputs. A latency threshold is kept only if
 * every merged bucket tracked it, since a missing one would undercount. Output is sorted by end.
 */
export function rollUp(buckets: readonly UptimeBucket[], sizeMs: number): UptimeBucket[] {
  if (!(sizeMs > 0) || !Number.isFinite(sizeMs)) throw new RangeError(`roll-up size must be a positive number of ms, got ${sizeMs}`);
  const byEnd = new Map<number, UptimeBucket>();
  for (const bucket of buckets) {
    const endMs = bucketEndMs(bucket.endMs, sizeMs);
    const existing = byEnd.get(endMs);
    byEnd.set(endMs, existing === undefined ? { ...bucket, endMs } : mergeBuckets(existing, bucket));
  }
  return [...byEnd.values()].sort((a, b) => a.endMs - b.endMs);
}

/** Both buckets' results in one bucket ending at `a.endMs`; thresholds kept only where both track them. */
export function mergeBuckets(a: UptimeBucket, b: UptimeBucket): UptimeBucket {
  const latencyUnder: Record<string, number> = {};
  for (const [key, count] of Object.entries(a.latencyUnder)) {
    const other = b.latencyUnder[key];
    if (other !== undefined) latencyUnder[key] = count + other;
  }
  return {
    endMs: a.endMs,
    counts: addCounts(a.counts, b.counts),
    latency: mergeSketches(a.latency, b.latency),
    latencyUnder,
  };
}

/** (up + degraded) / (up + degraded + down), a ratio in [0, 1]; maintenance excluded; null when nothing was counted. */
export function uptimeRatio(counts: ResultCounts): number | null {
  const good = counts.up + counts.degraded;
  const total = good + counts.down;
  return total === 0 ? null : good / total;
}

/**
 * Sums the buckets whose end lies in (fromMs, toMs] (ms since the epoch). With 1-hour buckets a
 * window that does not start on the hour counts whole hours: the bucket ending just after
 * `fromMs` is included in full.
 */
export function summarizeWindow(buckets: readonly UptimeBucket[], fromMs: number, toMs: number): WindowSummary {
  if (toMs < fromMs) throw new RangeError(`window end ${toMs} is before its start ${fromMs}`);
  let counts = emptyCounts();
  let latency = emptySketch();
  for (const bucket of buckets) {
    if (bucket.endMs <= fromMs || bucket.endMs > toMs) continue;
    counts = addCounts(counts, bucket.counts);
    latency = mergeSketches(latency, bucket.latency);
  }
  return {
    counts,
    uptimeRatio: uptimeRatio(counts),
    latencyP50Ms: quantile(latency, 0.5),
    latencyP95Ms: quantile(latency, 0.95),
    latencyP99Ms: quantile(latency, 0.99),
  };
}

/**
 * Good and total events of one bucket for the SLO engine. Total is every counted result
 * (up + degraded + down; maintenance excluded). Availability: good = up + degraded. Latency:
 * good = up or degraded results at most `thresholdMs` ms; undefined when the bucket did not track
 * that threshold (it must be listed when the bucket is created).
 */
export function sliCounts(bucket: UptimeBucket, rule: SliRule): SliCounts | undefined {
  const { up, degraded, down } = bucket.counts;
  const total = up + degraded + down;
  if (rule.kind === 'availability') return { good: up + degraded, total };
  const good = bucket.latencyUnder[String(rule.thresholdMs)];
  return good === undefined ? undefined : { good, total };
}

/**
 * Index ceil(q·n) − 1 into n sorted values; the epsilon keeps float noise (0.07 · 100 =
 * 7.000000000000001) from moving the rank up by one.
 */
export function nearestRankIndex(q: number, count: number): number {
  return Math.max(0, Math.ceil(q * count - 1e-9) - 1);
}

function checkLatency(latencyMs: number): void {
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latency must be a finite number of ms at least 0, got ${latencyMs}`);
  }
}

function binIndex(latencyMs: number): number {
  if (latencyMs <= smallestTrackedMs) return lowestBin;
  return Math.min(highestBin, Math.max(lowestBin, Math.ceil(Math.log(latencyMs) / logGamma)));
}

/** 2γ^i / (γ + 1): equally far, relatively, from both edges of bin `i`, so within 2% of all it holds. */
function binValue(index: number): number {
  return (2 * Math.pow(gamma, index)) / (gamma + 1);
}

function combine(a: number | null, b: number | null, pick: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return pick(a, b);
}
