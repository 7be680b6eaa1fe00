import { describe, expect, it } from 'vitest';
import { bucketStartMs, bucketsBetween } from './period-buckets.js';

const utc = (text: string) => Date.parse(text);

describe('bucketStartMs', () => {
  it.each([
    ['day', '2026-11-23T23:59:59.999Z', '2026-11-23T00:00:00.000Z'],
    ['week (Monday)', '2026-11-23T10:00:00Z', '2026-11-23T00:00:00.000Z'],
    ['week (a Sunday belongs to the Monday before)', '2026-11-29T23:00:00Z', '2026-11-23T00:00:00.000Z'],
    ['week across a month', '2026-12-02T00:00:00Z', '2026-11-30T00:00:00.000Z'],
    ['month', '2026-02-28T12:00:00Z', '2026-02-01T00:00:00.000Z'],
  ] as const)('%s of %s', (name, at, start) => {
    const size = name.split(' ')[0] as 'day' | 'week' | 'month';
    expect(new Date(bucketStartMs(utc(at), size)).toISOString()).toBe(start);
  });
});

describe('bucketsBetween', () => {
  it.each([
    ['day', '2026-11-23T12:00:00Z', '2026-11-25T00:00:00Z', ['2026-11-23', '2026-11-24']],
    ['week', '2026-11-25T00:00:00Z', '2026-12-08T00:00:00Z', ['2026-11-23', '2026-11-30', '2026-12-07']],
    ['month', '2026-11-15T00:00:00Z', '2027-01-01T00:00:00Z', ['2026-11-01', '2026-12-01']],
  ] as const)('%s buckets touching [%s, %s)', (size, from, to, starts) => {
    const buckets = bucketsBetween(utc(from), utc(to), size);
    expect(buckets.map((bucket) => new Date(bucket.startMs).toISOString().slice(0, 10))).toEqual(starts);
    buckets.forEach((bucket, index) => expect(bucket.endMs).toBe(buckets[index + 1]?.startMs ?? bucket.endMs));
  });
});
