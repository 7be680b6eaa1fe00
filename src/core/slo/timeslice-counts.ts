/**
 * Time-slice budgeting (OpenSLO `Timeslices`): the window's SLI is good slices / slices, where a
 * slice (e.g. 1m, aligned to the epoch) is good when its own good/total ratio is at least the
 * slice target. Slices without events count neither way.
 *
 * The verdicts form a second count series (one event per slice with events, at the slice's end
 * minute), so burn rates and budgets of time-slice SLOs reuse the same O(1) window sums. A
 * slice is judged once it is complete and judged again when late counts change it.
 */
import type { SliCountBuffer } from './sli-count-buffer.js';

export class TimesliceCounts {
  private readonly sliceMs: number;
  private readonly sliceTargetRatio: number;
  /** Index (end / slice) of the newest judged slice; null before the first judgement. */
  private judgedThrough: number | null = null;
  /** Oldest slice touched by counts since the last judgement. */
  private dirtyFrom = Number.POSITIVE_INFINITY;

  constructor(
    private readonly events: SliCountBuffer,
    readonly slices: SliCountBuffer,
    options: { sliceMs: number; sliceTargetRatio: number },
  ) {
    this.sliceMs = options.sliceMs;
    this.sliceTargetRatio = options.sliceTargetRatio;
  }

  /** Records that the minute ending at `minuteEndMs` got counts (its slice needs a verdict). */
  touched(minuteEndMs: number): void {
    this.dirtyFrom = Math.min(this.dirtyFrom, Math.ceil(minuteEndMs / this.sliceMs));
  }

  /** Judges every complete slice up to `atMs` that is new or was touched. */
  judgeThrough(atMs: number): void {
    const last = Math.floor(atMs / this.sliceMs);
    const first = this.judgedThrough === null ? this.dirtyFrom : Math.min(this.judgedThrough + 1, this.dirtyFrom);
    const head = this.events.headMs;
    if (head === null || first > last) return;
    // Before minute retention a slice's events are no longer known minute by minute.
    const from = Math.max(first, Math.floor((head - this.events.minuteRetentionMs) / this.sliceMs) + 1);
    for (let slice = from; slice <= last; slice++) this.judge(slice);
    this.judgedThrough = Math.max(this.judgedThrough ?? last, last);
    if (this.dirtyFrom <= last) this.dirtyFrom = Number.POSITIVE_INFINITY;
  }

  private judge(slice: number): void {
    const endMs = slice * this.sliceMs;
    const counts = this.events.sum(endMs - this.sliceMs, endMs);
    const good = counts.total > 0 && counts.good / counts.total >= this.sliceTargetRatio ? 1 : 0;
    const total = counts.total > 0 ? 1 : 0;
    const before = this.slices.sum(endMs - 1, endMs);
    if (before.good !== good || before.total !== total) this.slices.adjust(endMs, good - before.good, total - before.total);
  }
}
