/**
 * Calendar buckets in UTC for incident counts: days, ISO weeks (starting Monday) and months.
 * Reports cut by the calendar rather than by rolling 24 h windows so a bucket means the same
 * thing to everyone reading it.
 */
export const reportBucketSizes = ['day', 'week', 'month'] as const;
export type ReportBucketSize = (typeof reportBucketSizes)[number];

const dayMs = 86_400_000;

/** Start (ms) of the UTC bucket of `size` holding `ms`. */
export function bucketStartMs(ms: number, size: ReportBucketSize): number {
  const date = new Date(ms);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (size === 'day') return dayStart;
  if (size === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return dayStart - daysSinceMonday * dayMs;
}

/** Start (ms) of the bucket after the one starting at `startMs`. */
export function nextBucketStartMs(startMs: number, size: ReportBucketSize): number {
  if (size === 'day') return startMs + dayMs;
  if (size === 'week') return startMs + 7 * dayMs;
  const date = new Date(startMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Every bucket touching [fromMs, toMs), as [startMs, endMs) pairs in order. */
export function bucketsBetween(fromMs: number, toMs: number, size: ReportBucketSize): Array<{ startMs: number; endMs: number }> {
  const buckets: Array<{ startMs: number; endMs: number }> = [];
  for (let start = bucketStartMs(fromMs, size); start < toMs; start = nextBucketStartMs(start, size)) {
    buckets.push({ startMs: start, endMs: nextBucketStartMs(start, size) });
  }
  return buckets;
}
