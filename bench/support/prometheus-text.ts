/**
 * Just enough of the Prometheus text format to read the server's /metrics in a benchmark:
 * samples of named series, counter deltas between two scrapes and `histogram_quantile` over
 * such a delta, computed the way PromQL does (linear interpolation inside the bucket).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed scrape; only series whose name starts with one of the wanted prefixes are kept. */
export type Scrape = Sample[];

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string, prefixes: readonly string[]): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (!prefixes.some((prefix) => line.startsWith(prefix))) continue;
    const match = sampleLine.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair)) labels[pair[1] ?? ''] = (pair[2] ?? '').replace(/\\(.)/g, '$1');
    const raw = match[3] ?? '';
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: match[1] ?? '', labels, value });
  }
  return samples;
}

function matches(sample: Sample, name: string, labels: Record<string, string>): boolean {
  return sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
}

/** Sum of every series of `name` whose labels include `labels` (0 when there is none). */
export function sumOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of scrape) if (matches(sample, name, labels)) total += sample.value;
  return total;
}

/** Increase of a counter between two scrapes of the same process. */
export function deltaOf(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): number {
  return sumOf(after, name, labels) - sumOf(before, name, labels);
}

/** Distinct values of one label among the series of `name`. */
export function labelValues(scrape: Scrape, name: string, label: string): string[] {
  const values = new Set<string>();
  for (const sample of scrape) {
    const value = sample.labels[label];
    if (sample.name === name && value !== undefined) values.add(value);
  }
  return [...values].sort();
}

export interface Bucket {
  /** Upper bound in the histogram's unit; Infinity for +Inf. */
  le: number;
  /** Cumulative count. */
  count: number;
}

/** Cumulative buckets of histogram `name` (summed over other labels), delta `after - before`. */
export function histogramDelta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): Bucket[] {
  const bucketName = `${name}_bucket`;
  const bounds = new Set<string>();
  for (const sample of after) if (matches(sample, bucketName, labels) && sample.labels.le !== undefined) bounds.add(sample.labels.le);
  return [...bounds]
    .map((le) => ({ le: le === '+Inf' ? Infinity : Number(le), count: deltaOf(before, after, bucketName, { ...labels, le }) }))
    .sort((a, b) => a.le - b.le);
}

export interface Quantile {
  /** PromQL's answer; the last finite bound when the rank falls in the +Inf bucket. */
  value: number;
  /** True when the rank fell in the +Inf bucket: the true value is above `value`. */
  aboveLastBound: boolean;
}

/** histogram_quantile(q, ...) on cumulative buckets: linear inside the bucket, 0 as the first lower bound. */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): Quantile | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return { value: lowerBound, aboveLastBound: true };
      const inBucket = bucket.count - lowerCount;
      const value = inBucket <= 0 ? bucket.le : lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket;
      return { value, aboveLastBound: false };
    }
    if (bucket.le !== Infinity) lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return { value: lowerBound, aboveLastBound: true };
}

/** Share of observations at or below `bound`, exact when `bound` is a bucket boundary. */
export function shareAtOrBelow(bound: number, buckets: readonly Bucket[]): number | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  const bucket = buckets.find((candidate) => candidate.le === bound);
  return total <= 0 || bucket === undefined ? undefined : bucket.count / total;
}
