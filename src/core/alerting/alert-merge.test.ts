import { describe, expect, it } from 'vitest';
import { firingAlert, minuteMs } from '../../../test/support/alert-builder.js';
import { mergeAlert } from './alert.js';
import { sameLabelSet } from './label-matcher.js';

const minute = minuteMs;
const alert = firingAlert;

describe('mergeAlert', () => {
  it('a re-send keeps the earliest start, takes the newer end, and keeps the acknowledgement', () => {
    const existing = alert({ acknowledgedBy: 'ann', acknowledgedAtMs: 10 });
    const merged = mergeAlert(existing, alert({ startsAtMs: minute, endsAtMs: 5 * minute, updatedAtMs: minute }));
    expect(merged).toMatchObject({ startsAtMs: 0, endsAtMs: 5 * minute, updatedAtMs: minute, acknowledgedBy: 'ann', acknowledgedAtMs: 10 });
  });

  it('keeps the existing label and annotation objects when the re-send carries equal ones', () => {
    const existing = alert();
    const merged = mergeAlert(existing, alert({ labels: { service: 'api', alertname: 'HighLatency' }, annotations: { summary: 'p99 above 1 s' }, endsAtMs: 5 * minute, updatedAtMs: minute }));
    expect(merged.labels).toBe(existing.labels);
    expect(merged.annotations).toBe(existing.annotations);
    const changed = mergeAlert(existing, alert({ annotations: { summary: 'p99 above 2 s' }, updatedAtMs: minute }));
    expect(changed.annotations).toEqual({ summary: 'p99 above 2 s' });
    expect(changed.labels).toBe(existing.labels);
  });

  it('an explicit end wins over one from the resolve timeout; an alert starting after the end is a new occurrence', () => {
    const explicit = alert({ endsAtMs: 10 * minute });
    expect(mergeAlert(explicit, alert({ endsAtMs: 6 * minute, endsAtFromTimeout: true, updatedAtMs: minute }))).toMatchObject({ endsAtMs: 10 * minute, endsAtFromTimeout: false });
    const later = alert({ startsAtMs: 20 * minute, endsAtMs: 24 * minute, updatedAtMs: 20 * minute });
    expect(mergeAlert(explicit, later)).toBe(later);
  });
});

describe('sameLabelSet', () => {
  it('compares names and values, not order or identity', () => {
    expect(sameLabelSet({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameLabelSet({ a: '1' }, { a: '2' })).toBe(false);
    expect(sameLabelSet({ a: '1' }, { a: '1', b: '2' })).toBe(false);
    expect(sameLabelSet({ a: '' }, { b: '' })).toBe(false);
    expect(sameLabelSet({}, {})).toBe(true);
  });
});
