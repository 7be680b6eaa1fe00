/**
 * The bytes of a restart checkpoint of one SLO's counts (an `SliCountSnapshot`). Size matters:
 * 10,000 SLOs are written every few minutes, and each holds ~4,300 minutes and ~840 hours. The
 * rings are cumulative, so consecutive values differ by one bucket's counts: those differences
 * are written as LEB128 varints of (total, total - good), typically 1-2 bytes each, ~13 kB for
 * 3 days of busy minutes instead of the 48 kB of the typed arrays. A buffer with fractional
 * counts (PromQL) is written as raw little-endian doubles instead.
 *
 * Layout (version 1): version, kind (0 empty, 1 varint, 2 doubles), minuteSlots, hourSlots,
 * lateMinutes, then for non-empty kinds headMinute and headMinute - firstMinute, then the hour
 * prefixes oldest first and the within-hour minute values oldest first. A minute that starts
 * an hour is written as its value, every other one as the difference to the minute before.
 */
import type { SliCountSnapshot } from './sli-count-buffer.js';

const version = 1;
const kindEmpty = 0;
const kindVarint = 1;
const kindDoubles = 2;
const minutesPerHour = 60;

class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  private room(needed: number): void {
    if (this.length + needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + needed));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** An unsigned integer up to 2^53 - 1 as LEB128 (arithmetic, not 32-bit shifts). */
  varint(value: number): void {
    this.room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  doubles(values: Float64Array): void {
    this.room(values.length * 8);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, values.length * 8);
    values.forEach((value, index) => view.setFloat64(index * 8, value, true));
    this.length += values.length * 8;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

class ByteReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    // Most values are one byte: no loop, no float arithmetic.
    const first = this.bytes[this.offset];
    if (first !== undefined && first < 0x80) {
      this.offset++;
      return first;
    }
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new RangeError('checkpoint ends inside a number');
      const byte = this.bytes[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError('checkpoint number too long');
    }
  }

  doubles(count: number): Float64Array {
    if (this.offset + count * 8 > this.bytes.length) throw new RangeError('checkpoint ends inside its values');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, count * 8);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat64(i * 8, true);
    this.offset += count * 8;
    return values;
  }
}

const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;

/** True when the minute at `index` of the snapshot starts an hour (or the snapshot). */
function startsRun(snapshot: Pick<SliCountSnapshot, 'firstMinute'>, index: number): boolean {
  return index === 0 || (snapshot.firstMinute + index) % minutesPerHour === 1;
}

/** Writes (total, total - good) differences; false, having written garbage, when one is not a count. */
function writeVarints(writer: ByteWriter, snapshot: SliCountSnapshot): boolean {
  let previousGood = 0;
  let previousTotal = 0;
  for (let i = 0; i < snapshot.hourTotal.length; i++) {
    const total = snapshot.hourTotal[i]! - previousTotal;
    const bad = total - (snapshot.hourGood[i]! - previousGood);
    if (!isCount(total) || !isCount(bad)) return false;
    writer.varint(total);
    writer.varint(bad);
    previousGood = snapshot.hourGood[i]!;
    previousTotal = snapshot.hourTotal[i]!;
  }
  for (let i = 0; i < snapshot.minuteTotal.length; i++) {
    const fresh = startsRun(snapshot, i);
    const total = snapshot.minuteTotal[i]! - (fresh ? 0 : snapshot.minuteTotal[i - 1]!);
    const bad = total - (snapshot.minuteGood[i]! - (fresh ? 0 : snapshot.minuteGood[i - 1]!));
    if (!isCount(total) || !isCount(bad)) return false;
    writer.varint(total);
    writer.varint(bad);
  }
  return true;
}

function header(snapshot: SliCountSnapshot, kind: number): ByteWriter {
  const writer = new ByteWriter(64 + (snapshot.hourTotal.length + snapshot.minuteTotal.length) * 4);
  writer.varint(version);
  writer.varint(kind);
  writer.varint(snapshot.minuteSlots);
  writer.varint(snapshot.hourSlots);
  writer.varint(snapshot.lateMinutes);
  if (kind !== kindEmpty) {
    writer.varint(snapshot.headMinute);
    writer.varint(snapshot.headMinute - snapshot.firstMinute);
  }
  return writer;
}

/** The checkpoint bytes of a snapshot (see the file comment). */
export function encodeCountSnapshot(snapshot: SliCountSnapshot): Uint8Array {
  if (snapshot.headMinute < 0) return header(snapshot, kindEmpty).result();
  const compact = header(snapshot, kindVarint);
  if (writeVarints(compact, snapshot)) return compact.result();
  const wide = header(snapshot, kindDoubles);
  for (const values of [snapshot.hourGood, snapshot.hourTotal, snapshot.minuteGood, snapshot.minuteTotal]) wide.doubles(values);
  return wide.result();
}

/**
 * Arrays a decode may fill instead of allocating its own (`createDecodeBuffers`): a restart
 * decodes 10,000 checkpoints of ~80 kB of arrays each that only live until they are copied into
 * the rings, and allocating them anew is mostly garbage-collector work. A snapshot decoded into
 * them is valid until the next decode into the same buffers.
 */
export interface DecodeBuffers {
  numbers: Float64Array;
  hourGood: Float64Array;
  hourTotal: Float64Array;
  minuteGood: Float64Array;
  minuteTotal: Float64Array;
}

export function createDecodeBuffers(): DecodeBuffers {
  const empty = new Float64Array(0);
  return { numbers: empty, hourGood: empty, hourTotal: empty, minuteGood: empty, minuteTotal: empty };
}

/** `length` values of `buffers[name]`, grown when too short; fresh arrays without buffers. */
function arrayOf(buffers: DecodeBuffers | undefined, name: keyof DecodeBuffers, length: number): Float64Array {
  if (buffers === undefined) return new Float64Array(length);
  if (buffers[name].length < length) buffers[name] = new Float64Array(length);
  return buffers[name].subarray(0, length);
}

/** `count` varints in one tight loop (the hot loop of a restart: 10,000 SLOs x ~10,000 numbers). */
function readNumbers(reader: ByteReader, count: number, buffers: DecodeBuffers | undefined): Float64Array {
  const out = arrayOf(buffers, 'numbers', count);
  const bytes = reader.bytes;
  let offset = reader.offset;
  for (let i = 0; i < count; i++) {
    const first = bytes[offset];
    if (first !== undefined && first < 0x80) {
      out[i] = first;
      offset++;
    } else {
      reader.offset = offset;
      out[i] = reader.varint();
      offset = reader.offset;
    }
  }
  reader.offset = offset;
  return out;
}

/** The (total, total - good) pairs back into cumulative arrays. */
function readVarints(reader: ByteReader, hours: number, minutes: number, firstMinute: number, buffers: DecodeBuffers | undefined) {
  const numbers = readNumbers(reader, 2 * (hours + minutes), buffers);
  const hourGood = arrayOf(buffers, 'hourGood', hours);
  const hourTotal = arrayOf(buffers, 'hourTotal', hours);
  let good = 0;
  let total = 0;
  let n = 0;
  for (let i = 0; i < hours; i++) {
    const bucketTotal = numbers[n++]!;
    total += bucketTotal;
    good += bucketTotal - numbers[n++]!;
    hourGood[i] = good;
    hourTotal[i] = total;
  }
  const minuteGood = arrayOf(buffers, 'minuteGood', minutes);
  const minuteTotal = arrayOf(buffers, 'minuteTotal', minutes);
  for (let i = 0; i < minutes; i++) {
    if (startsRun({ firstMinute }, i)) good = total = 0;
    const bucketTotal = numbers[n++]!;
    total += bucketTotal;
    good += bucketTotal - numbers[n++]!;
    minuteGood[i] = good;
    minuteTotal[i] = total;
  }
  return { hourGood, hourTotal, minuteGood, minuteTotal };
}

/**
 * The snapshot in checkpoint bytes, or why they cannot be read (the SLO is then restored from
 * rows). With `buffers`, its arrays are views into them (see `DecodeBuffers`).
 */
export function decodeCountSnapshot(bytes: Uint8Array, buffers?: DecodeBuffers): SliCountSnapshot | string {
  try {
    const reader = new ByteReader(bytes);
    if (reader.varint() !== version) return 'unknown checkpoint version';
    const kind = reader.varint();
    const minuteSlots = reader.varint();
    const hourSlots = reader.varint();
    const lateMinutes = reader.varint();
    const sizes = { minuteSlots, hourSlots, lateMinutes };
    if (kind === kindEmpty) return { ...sizes, headMinute: -1, hourGood: new Float64Array(0), hourTotal: new Float64Array(0), firstMinute: 0, minuteGood: new Float64Array(0), minuteTotal: new Float64Array(0) };
    const headMinute = reader.varint();
    const firstMinute = headMinute - reader.varint();
    const minutes = headMinute - firstMinute + 1;
    if (minutes > minuteSlots || hourSlots > 1_000_000) return 'checkpoint sizes out of range';
    let values: Pick<SliCountSnapshot, 'hourGood' | 'hourTotal' | 'minuteGood' | 'minuteTotal'>;
    if (kind === kindVarint) values = readVarints(reader, hourSlots, minutes, firstMinute, buffers);
    else if (kind === kindDoubles) values = { hourGood: reader.doubles(hourSlots), hourTotal: reader.doubles(hourSlots), minuteGood: reader.doubles(minutes), minuteTotal: reader.doubles(minutes) };
    else return `unknown checkpoint kind ${kind}`;
    if (reader.offset !== bytes.length) return 'checkpoint has trailing bytes';
    return { ...sizes, headMinute, firstMinute, ...values };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
