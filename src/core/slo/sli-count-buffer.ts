/**
 * Per-SLO (good, total) counts in 1-minute buckets (the last few days) and 1-hour buckets (the
 * longest window and then some), with O(1) sums over any window. A bucket is named by its end
 * and covers (end - 1m, end]; a window (from, to] sums the buckets whose end lies in it
 * (DESIGN.md, "Data and time"), using minute buckets where they are still kept and hour buckets
 * further back.
 *
 * Memory is the point: 10,000 SLOs each hold ~3 days of minutes and up to 95 days of hours.
 * Two typed-array rings per count instead of objects per minute:
 * - `hourPrefix` (Float64Array): the cumulative count through the end of each hour bucket, a
 *   prefix sum over the hour ring. Any hour-resolution window is one subtraction.
 * - `minuteInHour` (Uint32Array): the cumulative count within its hour through each minute.
 *   The prefix through minute m is `hourPrefix[hour before m] + minuteInHour[m]`, so minute
 *   windows are one subtraction too, at 4 bytes per minute instead of 8. A buffer that gets a
 *   fractional count (PromQL `increase()`) or more than 2^32 - 1 events in an hour switches
 *   its minutes to Float64Array once, rather than rounding or wrapping.
 * A late count at minute m (up to `latenessMs` behind the newest minute) adds itself to the
 * minutes after m in the same hour and to the hour prefixes from m's hour on: at most an hour
 * of minutes plus lateness/1h hours, never a scan of the window.
 */
import { hourMs, minuteMs } from './slo-window.js';

export interface WindowCounts {
  good: number;
  total: number;
}

export interface SliCountBufferOptions {
  /** How far back minute resolution is kept (default 3d, the longest burn-rate alert window). */
  minuteRetentionMs?: number;
  /** How far back hour buckets are kept (default 35d: a 30-day window plus 5 days). */
  hourRetentionMs?: number;
  /** How long after its end a minute still accepts counts (default 1h). */
  latenessMs?: number;
}

export type CountRejection = 'invalid_counts' | 'too_late';

export type AddCountsOutcome = { ok: true; minuteEndMs: number } | { ok: false; reason: CountRejection; message: string };

/**
 * The rings of one buffer cut at a minute (restart checkpoints, slo-checkpoint-codec.ts): the
 * cumulative arrays as they were when `headMinute` was the newest bucket. Values are copied
 * from the rings, not recomputed, so a restored buffer sums exactly as the live one did.
 */
export interface SliCountSnapshot {
  /** Ring sizes and lateness the snapshot was taken with; a restore needs the same. */
  minuteSlots: number;
  hourSlots: number;
  lateMinutes: number;
  /** The cut: index (end / 1m) of the newest minute in the snapshot; -1 for an empty buffer. */
  headMinute: number;
  /** Hour prefixes of hours hour(head) - hourSlots + 1 .. hour(head), oldest first. */
  hourGood: Float64Array;
  hourTotal: Float64Array;
  /** Index of the oldest minute kept minute by minute (`minuteGood[0]`). */
  firstMinute: number;
  /** Within-hour cumulative counts of minutes firstMinute .. headMinute. */
  minuteGood: Float64Array;
  minuteTotal: Float64Array;
}

export const defaultMinuteRetentionMs = 3 * 86_400_000;
export const defaultHourRetentionMs = 35 * 86_400_000;
export const defaultLatenessMs = hourMs;
/** Whole counts within one hour up to this fit the compact minute arrays (~1.19 million events/s). */
export const maximumCompactCountPerHour = 0xffff_ffff;

const minutesPerHour = 60;

/** The end of the minute bucket that holds an event at `atMs`: buckets cover (end - 1m, end]. */
export function minuteEndOf(atMs: number): number {
  return Math.ceil(atMs / minuteMs) * minuteMs;
}

/** (good, total) per minute and per hour for one SLO; see the file comment. */
export class SliCountBuffer {
  readonly latenessMs: number;
  private readonly minuteSlots: number;
  private readonly hourSlots: number;
  private readonly lateMinutes: number;
  private minuteGood: Uint32Array | Float64Array;
  private minuteTotal: Uint32Array | Float64Array;
  private readonly hourGood: Float64Array;
  private readonly hourTotal: Float64Array;
  /** Minute index (end / 1m) of the newest bucket; -1 before the first count or advance. */
  private headMinute = -1;

  constructor(options: SliCountBufferOptions = {}) {
    const minuteRetentionMs = options.minuteRetentionMs ?? defaultMinuteRetentionMs;
    const latenessMs = options.latenessMs ?? defaultLatenessMs;
    if (!(latenessMs >= 0)) throw new RangeError('latenessMs must be 0 or more');
    this.latenessMs = latenessMs;
    this.lateMinutes = Math.floor(latenessMs / minuteMs);
    // +2: the window's exclusive start minute, and a head that data moved into the open minute.
    this.minuteSlots = Math.ceil(Math.max(minuteRetentionMs, latenessMs) / minuteMs) + 2;
    const hourRetentionMs = Math.max(options.hourRetentionMs ?? defaultHourRetentionMs, this.minuteSlots * minuteMs + hourMs);
    this.hourSlots = Math.ceil(hourRetentionMs / hourMs) + 2;
    // One allocation for the four rings, not four: a restart creates 10,000 buffers at once,
    // and in a fresh process that is ~30 % faster (hours first, for the 8-byte alignment).
    const hourBytes = this.hourSlots * Float64Array.BYTES_PER_ELEMENT;
    const minuteBytes = this.minuteSlots * Uint32Array.BYTES_PER_ELEMENT;
    const rings = new ArrayBuffer(2 * hourBytes + 2 * minuteBytes);
    this.hourGood = new Float64Array(rings, 0, this.hourSlots);
    this.hourTotal = new Float64Array(rings, hourBytes, this.hourSlots);
    this.minuteGood = new Uint32Array(rings, 2 * hourBytes, this.minuteSlots);
    this.minuteTotal = new Uint32Array(rings, 2 * hourBytes + minuteBytes, this.minuteSlots);
  }

  /** End of the newest minute bucket (ms since the epoch), or null before any data. */
  get headMs(): number | null {
    return this.headMinute < 0 ? null : this.headMinute * minuteMs;
  }

  /** True once minutes are kept as 64-bit floats (fractional counts or huge hours). */
  get wide(): boolean {
    return this.minuteTotal instanceof Float64Array;
  }

  /** How far behind the head minutes are still kept one by one. */
  get minuteRetentionMs(): number {
    return (this.minuteSlots - 2) * minuteMs;
  }

  /** Bytes held by the typed arrays (what 10,000 SLOs multiply). */
  get memoryBytes(): number {
    return this.minuteGood.byteLength + this.minuteTotal.byteLength + this.hourGood.byteLength + this.hourTotal.byteLength;
  }

  /**
   * Moves time forward to `atMs`: every minute bucket ending at or before it now exists (empty
   * unless counted). Never moves back; costs one write per new minute and hour (bounded by
   * the ring sizes after a long gap).
   */
  advanceTo(atMs: number): void {
    this.advanceToMinute(Math.floor(atMs / minuteMs));
  }

  /**
   * Adds counts to the minute bucket holding `atMs` (a minute end lands in its own bucket). A
   * bucket newer than the head moves the head there; an older one is accepted while it ended
   * no more than `latenessMs` before the head. Restoring from a store: add hour totals at each
   * hour's end and then minutes, oldest first (each add is then O(1)).
   */
  add(atMs: number, good: number, total: number): AddCountsOutcome {
    const invalid = countProblem(good, total);
    if (invalid !== null) return { ok: false, reason: 'invalid_counts', message: invalid };
    const minute = Math.ceil(atMs / minuteMs);
    if (minute > this.headMinute) this.advanceToMinute(minute);
    else if (minute < this.headMinute - this.lateMinutes) {
      return { ok: false, reason: 'too_late', message: `the minute ending ${new Date(minute * minuteMs).toISOString()} is more than ${this.latenessMs / minuteMs}m older than the newest data; late counts are accepted for ${this.latenessMs / minuteMs}m` };
    }
    if (good === 0 && total === 0) return { ok: true, minuteEndMs: minute * minuteMs };
    if (!this.wide) {
      const lastInHour = Math.min(this.headMinute, hourOfMinute(minute) * minutesPerHour);
      const fits = Number.isInteger(good) && Number.isInteger(total) && this.minuteTotal[lastInHour % this.minuteSlots]! + total <= maximumCompactCountPerHour;
      if (!fits) this.widen();
    }
    this.applyDelta(minute, good, total);
    return { ok: true, minuteEndMs: minute * minuteMs };
  }

  /**
   * Changes the counts of a minute by a (possibly negative) delta without checks; derived
   * series (time slices) use it to replace a slice's verdict. The caller keeps counts >= 0.
   */
  adjust(atMs: number, goodDelta: number, totalDelta: number): void {
    const minute = Math.ceil(atMs / minuteMs);
    if (minute > this.headMinute) this.advanceToMinute(minute);
    if (minute <= this.headMinute - this.minuteSlots + 1) return;
    this.applyDelta(minute, goodDelta, totalDelta);
  }

  /**
   * Sums the buckets whose end lies in (fromExclusiveMs, toInclusiveMs]: exact minutes while
   * the start is within minute retention, else whole hour buckets whose end is after the start
   * (so the window may reach up to 59 minutes further back). O(1).
   */
  sum(fromExclusiveMs: number, toInclusiveMs: number): WindowCounts {
    if (this.headMinute < 0 || toInclusiveMs <= fromExclusiveMs) return { good: 0, total: 0 };
    const to = this.locate(Math.floor(toInclusiveMs / minuteMs));
    const toMinute = this.locatedMinute;
    const toHour = this.locatedHour;
    const from = this.locate(Math.floor(fromExclusiveMs / minuteMs));
    const good = this.hourGood[toHour]! + (to ? this.minuteGood[toMinute]! : 0) - this.hourGood[this.locatedHour]! - (from ? this.minuteGood[this.locatedMinute]! : 0);
    const total = this.hourTotal[toHour]! + (to ? this.minuteTotal[toMinute]! : 0) - this.hourTotal[this.locatedHour]! - (from ? this.minuteTotal[this.locatedMinute]! : 0);
    // Fractional counts leave float residue in differences; keep 0 <= good <= total.
    const clampedTotal = Math.max(0, total);
    return { good: Math.min(Math.max(0, good), clampedTotal), total: clampedTotal };
  }

  /**
   * The rings as they were with the newest bucket at the minute holding `cutMs` (or at the head,
   * if older): counts of later minutes are left out, so replaying the stored minutes after the
   * cut restores the rest. Null when the cut is older than the minute ring reaches.
   */
  snapshot(cutMs: number): SliCountSnapshot | null {
    const sizes = { minuteSlots: this.minuteSlots, hourSlots: this.hourSlots, lateMinutes: this.lateMinutes };
    if (this.headMinute < 0) return { ...sizes, headMinute: -1, hourGood: new Float64Array(0), hourTotal: new Float64Array(0), firstMinute: 0, minuteGood: new Float64Array(0), minuteTotal: new Float64Array(0) };
    const cut = Math.min(Math.floor(cutMs / minuteMs), this.headMinute);
    // The oldest minute slot (head - slots + 1) only serves as a window's exclusive start.
    const firstMinute = this.headMinute - this.minuteSlots + 2;
    if (cut < firstMinute) return null;
    const minuteGood = new Float64Array(cut - firstMinute + 1);
    const minuteTotal = new Float64Array(cut - firstMinute + 1);
    for (let m = firstMinute; m <= cut; m++) {
      minuteGood[m - firstMinute] = this.minuteGood[m % this.minuteSlots]!;
      minuteTotal[m - firstMinute] = this.minuteTotal[m % this.minuteSlots]!;
    }
    const cutHour = hourOfMinute(cut);
    const oldestKept = hourOfMinute(this.headMinute) - this.hourSlots + 1;
    const hourGood = new Float64Array(this.hourSlots);
    const hourTotal = new Float64Array(this.hourSlots);
    for (let i = 0; i < this.hourSlots; i++) {
      // Hours older than the live ring reaches (the cut is behind the head) repeat its oldest prefix: no counts.
      const slot = Math.max(cutHour - this.hourSlots + 1 + i, oldestKept) % this.hourSlots;
      hourGood[i] = this.hourGood[slot]!;
      hourTotal[i] = this.hourTotal[slot]!;
    }
    // The cut's hour ends at the cut: its prefix is the hour before plus the minutes through the cut.
    const previousSlot = Math.max(cutHour - 1, oldestKept) % this.hourSlots;
    hourGood[this.hourSlots - 1] = this.hourGood[previousSlot]! + minuteGood[minuteGood.length - 1]!;
    hourTotal[this.hourSlots - 1] = this.hourTotal[previousSlot]! + minuteTotal[minuteTotal.length - 1]!;
    return { ...sizes, headMinute: cut, hourGood, hourTotal, firstMinute, minuteGood, minuteTotal };
  }

  /**
   * Loads a snapshot into this buffer, which must be empty and sized alike (same retention and
   * lateness); false, leaving the buffer empty, when it is not. Minutes between the ring's
   * oldest and the snapshot's first carry their hour at its last minute, as a restore from hour
   * rows does; they are outside minute resolution once the head passes the live head of then.
   */
  restoreSnapshot(snapshot: SliCountSnapshot): boolean {
    if (this.headMinute >= 0 || snapshot.minuteSlots !== this.minuteSlots || snapshot.hourSlots !== this.hourSlots || snapshot.lateMinutes !== this.lateMinutes) return false;
    if (snapshot.headMinute < 0) return true;
    const head = snapshot.headMinute;
    if (snapshot.hourGood.length !== this.hourSlots || snapshot.firstMinute > head || snapshot.minuteGood.length !== head - snapshot.firstMinute + 1) return false;
    const totals = snapshot.minuteTotal;
    for (let i = 0; i < totals.length; i++) {
      const value = totals[i]!;
      if (!(value >= 0 && value <= maximumCompactCountPerHour && Math.floor(value) === value)) {
        this.widen();
        break;
      }
    }
    const headHour = hourOfMinute(head);
    for (let i = 0; i < this.hourSlots; i++) {
      const slot = (headHour - this.hourSlots + 1 + i) % this.hourSlots;
      this.hourGood[slot] = snapshot.hourGood[i]!;
      this.hourTotal[slot] = snapshot.hourTotal[i]!;
    }
    const hourCount = (minute: number, prefix: Float64Array): number => {
      const hour = hourOfMinute(minute);
      if (hour - 1 < headHour - this.hourSlots + 1) return 0;
      return prefix[hour % this.hourSlots]! - prefix[(hour - 1) % this.hourSlots]!;
    };
    const oldest = head - this.minuteSlots + 1;
    for (let m = oldest; m < snapshot.firstMinute; m++) {
      const slot = m % this.minuteSlots;
      const hourEnd = m % minutesPerHour === 0;
      this.minuteGood[slot] = hourEnd ? hourCount(m, this.hourGood) : 0;
      this.minuteTotal[slot] = hourEnd ? hourCount(m, this.hourTotal) : 0;
    }
    // The snapshot's minutes, in at most two runs of ring slots (before and after the wrap).
    const from = Math.max(oldest, snapshot.firstMinute);
    const offset = from - snapshot.firstMinute;
    const count = head - from + 1;
    const firstSlot = from % this.minuteSlots;
    const beforeWrap = Math.min(count, this.minuteSlots - firstSlot);
    this.minuteGood.set(snapshot.minuteGood.subarray(offset, offset + beforeWrap), firstSlot);
    this.minuteTotal.set(snapshot.minuteTotal.subarray(offset, offset + beforeWrap), firstSlot);
    this.minuteGood.set(snapshot.minuteGood.subarray(offset + beforeWrap, offset + count), 0);
    this.minuteTotal.set(snapshot.minuteTotal.subarray(offset + beforeWrap, offset + count), 0);
    this.headMinute = head;
    return true;
  }

  /** Slots of the last `locate`: the prefix through a minute is hour slot + (minute slot if it returned true). */
  private locatedHour = 0;
  private locatedMinute = 0;

  /**
   * Where the cumulative count through `minute` lives: in `locatedHour` (the hour prefix before
   * it) plus `locatedMinute` while minutes are kept (returns true), else in `locatedHour` alone
   * (the prefix through its hour, at hour resolution). Avoids allocating in the hot path.
   */
  private locate(minute: number): boolean {
    const m = Math.min(minute, this.headMinute);
    const headHour = hourOfMinute(this.headMinute);
    const oldestHour = headHour - this.hourSlots + 1;
    if (m > this.headMinute - this.minuteSlots + 1) {
      this.locatedHour = Math.max(hourOfMinute(m) - 1, oldestHour) % this.hourSlots;
      this.locatedMinute = m % this.minuteSlots;
      return true;
    }
    this.locatedHour = Math.max(Math.min(Math.floor(m / minutesPerHour), headHour), oldestHour) % this.hourSlots;
    return false;
  }

  private widen(): void {
    this.minuteGood = Float64Array.from(this.minuteGood);
    this.minuteTotal = Float64Array.from(this.minuteTotal);
  }

  private applyDelta(minute: number, good: number, total: number): void {
    const hour = hourOfMinute(minute);
    const lastInHour = Math.min(this.headMinute, hour * minutesPerHour);
    for (let m = minute; m <= lastInHour; m++) {
      const slot = m % this.minuteSlots;
      this.minuteGood[slot]! += good;
      this.minuteTotal[slot]! += total;
    }
    const headHour = hourOfMinute(this.headMinute);
    for (let h = hour; h <= headHour; h++) {
      const slot = h % this.hourSlots;
      this.hourGood[slot]! += good;
      this.hourTotal[slot]! += total;
    }
  }

  private advanceToMinute(target: number): void {
    const old = this.headMinute;
    if (target <= old) return;
    if (old < 0) {
      this.headMinute = target;
      return;
    }
    const oldHour = hourOfMinute(old);
    const oldSlot = old % this.minuteSlots;
    const carryGood = this.minuteGood[oldSlot]!;
    const carryTotal = this.minuteTotal[oldSlot]!;
    for (let m = Math.max(old + 1, target - this.minuteSlots + 1); m <= target; m++) {
      const same = hourOfMinute(m) === oldHour;
      const slot = m % this.minuteSlots;
      this.minuteGood[slot] = same ? carryGood : 0;
      this.minuteTotal[slot] = same ? carryTotal : 0;
    }
    const prefixGood = this.hourGood[oldHour % this.hourSlots]!;
    const prefixTotal = this.hourTotal[oldHour % this.hourSlots]!;
    const newHour = hourOfMinute(target);
    for (let h = Math.max(oldHour + 1, newHour - this.hourSlots + 1); h <= newHour; h++) {
      this.hourGood[h % this.hourSlots] = prefixGood;
      this.hourTotal[h % this.hourSlots] = prefixTotal;
    }
    this.headMinute = target;
  }
}

/** The hour bucket (index = end / 1h) that minute bucket `minute` (index = end / 1m) is in. */
function hourOfMinute(minute: number): number {
  return Math.ceil(minute / minutesPerHour);
}

/**
 * Why (good, total) is not a valid count, or null. Counts are finite and non-negative (PromQL
 * increases may be fractional), at most 2^53 - 1, and good never exceeds total.
 */
export function countProblem(good: number, total: number): string | null {
  if (!Number.isFinite(total) || total < 0 || total > Number.MAX_SAFE_INTEGER) return `total must be a finite number from 0 to 2^53 - 1, got ${String(total)}`;
  if (!Number.isFinite(good) || good < 0 || good > Number.MAX_SAFE_INTEGER) return `good must be a finite number from 0 to 2^53 - 1, got ${String(good)}`;
  if (good > total) return `good (${good}) must not exceed total (${total})`;
  return null;
}
