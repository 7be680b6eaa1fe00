/**
 * Builders for SLO tests: `baseSlo(overrides)` and a tiny text format for minute series, like
 * Prometheus' `load 1m` blocks: `"0..59 1000/1000, 60..64 980/1000"` means minutes 0 to 59
 * (minute ends, counted from t0) each had 1000 good of 1000, minutes 60 to 64 980 of 1000.
 */
import { defaultBurnRateAlerting } from './burn-rate-alerting.js';
import type { SloCounts } from './slo-counts.js';
import type { SloSpec } from './slo.js';
import { dayMs, minuteMs } from './slo-window.js';

export const t0 = Date.parse('2026-03-01T00:00:00Z');

/** The time `n` minutes after t0. */
export const minuteAt = (n: number): number => t0 + n * minuteMs;

export function baseSlo(overrides: Partial<SloSpec> = {}): SloSpec {
  return {
    name: 'api-availability',
    service: 'api',
    description: null,
    objectiveRatio: 0.999,
    window: { kind: 'rolling', durationMs: 30 * dayMs },
    budgeting: { kind: 'occurrences' },
    labels: {},
    alerting: defaultBurnRateAlerting,
    sli: { kind: 'events', goodWhen: null },
    ...overrides,
  };
}

/** Parses the series format into [minute, good, total] rows. */
export function parseSeries(text: string): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^(\d+)(?:\.\.(\d+))?\s+(\d+)\/(\d+)$/.exec(part);
    if (!match) throw new Error(`bad series part '${part}'`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let minute = from; minute <= to; minute++) rows.push([minute, Number(match[3]), Number(match[4])]);
  }
  return rows;
}

/** Adds a series to counts (in minute order). */
export function load(counts: SloCounts, text: string): void {
  for (const [minute, good, total] of parseSeries(text)) {
    const outcome = counts.add(minuteAt(minute), good, total);
    if (!outcome.ok) throw new Error(outcome.message);
  }
}
