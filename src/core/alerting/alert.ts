/**
 * An alert as the pipeline holds it, whatever raised it (a Prometheus posting to
 * `/api/v2/alerts`, one of sre-monitor's rules, an SLO burn-rate transition, a monitor, a
 * person). Identity is the label fingerprint, as in Alertmanager: the same labels are the same
 * alert. Times are milliseconds since the Unix epoch.
 */
import { sameLabelSet, type LabelSet } from './label-matcher.js';

export type AlertSource = 'prometheus' | 'rule' | 'slo' | 'monitor' | 'manual' | 'meta';

export interface Alert {
  /** `alertFingerprint(labels)`: 16 lower-case hex digits. */
  fingerprint: string;
  labels: LabelSet;
  annotations: LabelSet;
  startsAtMs: number;
  /**
   * When the alert ends. For an alert that is still firing this is the time it will be taken
   * as resolved unless refreshed (now + resolve timeout when the sender gave no end).
   */
  endsAtMs: number;
  /** True when `endsAtMs` was not given by the sender but set from the resolve timeout. */
  endsAtFromTimeout: boolean;
  updatedAtMs: number;
  generatorUrl: string;
  source: AlertSource;
  /** Who acknowledged the alert and when; acknowledgement stops repeats and escalation. */
  acknowledgedBy: string | null;
  acknowledgedAtMs: number | null;
}

/** An alert has resolved once its end is not after `nowMs`. */
export function isAlertResolved(alert: Pick<Alert, 'endsAtMs'>, nowMs: number): boolean {
  return alert.endsAtMs <= nowMs;
}

const encoder = new TextEncoder();

/**
 * FNV-1a 64 state as two unsigned 32-bit halves: BigInt arithmetic per byte cost ~30 µs per
 * alert, too slow for thousands of alerts a second. The prime is 2^40 + 0x1b3, so
 * `h * prime = h * 0x1b3 + (h << 40)`; every intermediate stays below 2^53 (exact in a double).
 */
interface Fnv64 {
  hi: number;
  lo: number;
}

function hashByte(state: Fnv64, byte: number): void {
  const lo = (state.lo ^ byte) >>> 0;
  const loProduct = lo * 0x1b3;
  const carry = Math.floor(loProduct / 0x1_0000_0000);
  state.hi = (state.hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
  state.lo = loProduct >>> 0;
}

function hashText(state: Fnv64, text: string): void {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) {
      // Not ASCII: hash the UTF-8 bytes of the rest.
      for (const byte of encoder.encode(text.slice(index))) hashByte(state, byte);
      return;
    }
    hashByte(state, code);
  }
}

const separatorByte = 0xff;

/**
 * Prometheus' `LabelSet.Fingerprint()`: FNV-1a 64 over the labels sorted by name, each name
 * and value followed by the separator byte 0xff; labels with an empty value are left out (an
 * empty value is the same as a missing label). Printed as 16 hex digits, as Alertmanager's API
 * prints fingerprints.
 */
export function alertFingerprint(labels: LabelSet): string {
  const names = Object.keys(labels).filter((name) => labels[name] !== '').sort();
  const state: Fnv64 = { hi: 0xcbf29ce4, lo: 0x84222325 };
  for (const name of names) {
    hashText(state, name);
    hashByte(state, separatorByte);
    hashText(state, labels[name] ?? '');
    hashByte(state, separatorByte);
  }
  return state.hi.toString(16).padStart(8, '0') + state.lo.toString(16).padStart(8, '0');
}

/**
 * Alertmanager's merge of a re-sent alert into the one it has (types.Alert.Merge): when the
 * two overlap in time the start is the earlier one and the end the later one, except that an
 * end the sender set explicitly wins over one from the resolve timeout; labels, annotations and
 * generator URL come from the newer update. An incoming alert that does not overlap (it starts
 * after the stored one ended) replaces it: it is a new occurrence. Labels and annotations equal
 * to the existing alert's keep the existing objects: a re-send then allocates only the alert
 * record, and the long-lived label sets are not replaced by equal copies (old-generation garbage).
 */
export function mergeAlert(existing: Alert, incoming: Alert): Alert {
  const overlaps = incoming.startsAtMs <= existing.endsAtMs && existing.startsAtMs <= incoming.endsAtMs;
  if (!overlaps) return incoming;
  const [older, newer] = incoming.updatedAtMs >= existing.updatedAtMs ? [existing, incoming] : [incoming, existing];
  let endsAtMs: number;
  let endsAtFromTimeout: boolean;
  if (!newer.endsAtFromTimeout) {
    endsAtMs = newer.endsAtMs;
    endsAtFromTimeout = false;
  } else if (!older.endsAtFromTimeout && older.endsAtMs > newer.endsAtMs) {
    endsAtMs = older.endsAtMs;
    endsAtFromTimeout = false;
  } else {
    endsAtMs = Math.max(older.endsAtMs, newer.endsAtMs);
    endsAtFromTimeout = true;
  }
  return {
    ...newer,
    labels: sameLabelSet(newer.labels, existing.labels) ? existing.labels : newer.labels,
    annotations: sameLabelSet(newer.annotations, existing.annotations) ? existing.annotations : newer.annotations,
    startsAtMs: Math.min(existing.startsAtMs, incoming.startsAtMs),
    endsAtMs,
    endsAtFromTimeout,
    acknowledgedBy: existing.acknowledgedBy,
    acknowledgedAtMs: existing.acknowledgedAtMs,
  };
}

/**
 * An alert as a sender gives it (Alertmanager's PostableAlert): labels identify it; times are
 * optional. Rules, SLO transitions, monitors, people and Prometheus all hand the alert registry
 * this shape.
 */
export interface AlertInput {
  labels: LabelSet;
  annotations?: LabelSet;
  /** Defaults to now (or the stored start, when the alert is already known). */
  startsAtMs?: number;
  /** Set to resolve the alert (a time not after now), or to say until when it holds. */
  endsAtMs?: number;
  generatorUrl?: string;
}

/** Where alerts enter the pipeline: the alert registry implements it. Resolves after the alerts are stored. */
export type AlertSink = (alerts: readonly AlertInput[], source: AlertSource) => Promise<void>;
