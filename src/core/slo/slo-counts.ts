/**
 * Everything one SLO counts, sized for its own windows: the event counts, and for time-slice
 * budgeting the slice verdicts. `sum` answers in budgeting units (events, or slices), which is
 * what `evaluateSlo` reads; the server and `slo replay` both feed it through `add` and
 * `advanceTo`.
 */
import { longestAlertWindowMs } from './burn-rate-alerting.js';
import { defaultLatenessMs, defaultMinuteRetentionMs, SliCountBuffer, type AddCountsOutcome, type SliCountSnapshot, type WindowCounts } from './sli-count-buffer.js';
import type { SloSpec } from './slo.js';
import { dayMs, hourMs, longestWindowMs } from './slo-window.js';
import { TimesliceCounts } from './timeslice-counts.js';

/** What `evaluateSlo` needs: O(1) sums of buckets ending in (from, to]. */
export interface WindowSums {
  sum(fromExclusiveMs: number, toInclusiveMs: number): WindowCounts;
}

export interface SloCountsOptions {
  /** How long after its end a minute still accepts counts (default 1h). */
  latenessMs?: number;
}

/** Hour buckets are kept this long beyond the SLO window (DESIGN.md: window + 5 days). */
export const hourRetentionMarginMs = 5 * dayMs;

export class SloCounts implements WindowSums {
  /** Event counts as received. */
  readonly events: SliCountBuffer;
  private readonly timeslices: TimesliceCounts | null;

  constructor(spec: Pick<SloSpec, 'window' | 'budgeting' | 'alerting'>, options: SloCountsOptions = {}) {
    const latenessMs = options.latenessMs ?? defaultLatenessMs;
    const sized = {
      latenessMs,
      minuteRetentionMs: Math.max(defaultMinuteRetentionMs, longestAlertWindowMs(spec.alerting)),
      hourRetentionMs: longestWindowMs(spec.window) + hourRetentionMarginMs,
    };
    if (spec.budgeting.kind === 'occurrences') {
      this.events = new SliCountBuffer(sized);
      this.timeslices = null;
      return;
    }
    // Events only need to outlive the judgement of their slice; the verdicts carry the windows.
    this.events = new SliCountBuffer({ latenessMs, minuteRetentionMs: spec.budgeting.sliceMs + latenessMs + hourMs, hourRetentionMs: 0 });
    this.timeslices = new TimesliceCounts(this.events, new SliCountBuffer(sized), spec.budgeting);
  }

  /** Adds (good, total) events to the minute holding `atMs`; see `SliCountBuffer.add`. */
  add(atMs: number, good: number, total: number): AddCountsOutcome {
    const outcome = this.events.add(atMs, good, total);
    if (outcome.ok) this.timeslices?.touched(outcome.minuteEndMs);
    return outcome;
  }

  /** Moves time forward: buckets ending at or before `atMs` exist, complete slices are judged. */
  advanceTo(atMs: number): void {
    this.events.advanceTo(atMs);
    this.timeslices?.slices.advanceTo(atMs);
  }

  /** Sums in budgeting units: events, or time slices (good slices, slices with events). */
  sum(fromExclusiveMs: number, toInclusiveMs: number): WindowCounts {
    if (this.timeslices === null) return this.events.sum(fromExclusiveMs, toInclusiveMs);
    this.timeslices.judgeThrough(toInclusiveMs);
    return this.timeslices.slices.sum(fromExclusiveMs, toInclusiveMs);
  }

  /** Sums of raw events (for time-slice SLOs only recent minutes are kept). */
  eventSum(fromExclusiveMs: number, toInclusiveMs: number): WindowCounts {
    return this.events.sum(fromExclusiveMs, toInclusiveMs);
  }

  /**
   * The counts cut at `cutMs` for a restart checkpoint (see `SliCountBuffer.snapshot`); null
   * for time-slice SLOs, whose slice verdicts are rebuilt from rows instead, and when the cut is
   * older than the minute ring.
   */
  snapshot(cutMs: number): SliCountSnapshot | null {
    return this.timeslices === null ? this.events.snapshot(cutMs) : null;
  }

  /** Loads a checkpoint into fresh counts; false (counts still empty) when it does not fit them. */
  restoreSnapshot(snapshot: SliCountSnapshot): boolean {
    return this.timeslices === null && this.events.restoreSnapshot(snapshot);
  }

  /** Bytes held by the typed arrays. */
  get memoryBytes(): number {
    return this.events.memoryBytes + (this.timeslices?.slices.memoryBytes ?? 0);
  }
}

/** The counts for one SLO, sized for its window and alert windows. */
export function createSloCounts(spec: Pick<SloSpec, 'window' | 'budgeting' | 'alerting'>, options: SloCountsOptions = {}): SloCounts {
  return new SloCounts(spec, options);
}
