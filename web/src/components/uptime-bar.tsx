import type { Bucket } from '../types';
import { percent } from '../format';

const dayMs = 86_400_000;

interface Day {
  startMs: number;
  up: number;
  down: number;
  degraded: number;
  total: number;
}

/** Folds hour buckets into `days` calendar days (UTC), oldest first; days without checks stay empty. */
export function daysOf(buckets: readonly Bucket[], nowMs: number, days: number): Day[] {
  const todayStartMs = Math.floor(nowMs / dayMs) * dayMs;
  const result: Day[] = Array.from({ length: days }, (_, index) => ({ startMs: todayStartMs - (days - 1 - index) * dayMs, up: 0, down: 0, degraded: 0, total: 0 }));
  const firstMs = result[0]?.startMs ?? 0;
  for (const bucket of buckets) {
    // A bucket ending exactly at midnight belongs to the day before.
    const index = Math.floor((Date.parse(bucket.end) - 1 - firstMs) / dayMs);
    const day = result[index];
    if (!day) continue;
    day.up += bucket.checks.up;
    day.down += bucket.checks.down;
    day.degraded += bucket.checks.degraded;
    day.total += bucket.checks.up + bucket.checks.down + bucket.checks.degraded;
  }
  return result;
}

/** The 90-day bar users know from status pages: one slice per day, coloured by its worst checks. */
export function UptimeBar({ buckets, nowMs, days = 90 }: { buckets: readonly Bucket[]; nowMs: number; days?: number }) {
  const slices = daysOf(buckets, nowMs, days);
  return (
    <div className="uptime-bar" role="img" aria-label={`uptime per day over the last ${days} days`}>
      {slices.map((day) => {
        const uptime = day.total === 0 ? null : (day.up + day.degraded) / day.total;
        const tone = uptime === null ? 'none' : day.down === 0 ? (day.degraded > 0 ? 'warn' : 'good') : uptime >= 0.99 ? 'warn' : 'bad';
        const date = new Date(day.startMs).toISOString().slice(0, 10);
        return <span key={day.startMs} className={`uptime-day tone-${tone}`} title={`${date}: ${uptime === null ? 'no checks' : `${percent(uptime, 3)} up, ${day.down} down, ${day.degraded} degraded`}`} />;
      })}
    </div>
  );
}
