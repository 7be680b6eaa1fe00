/**
 * Phase timings of one connection, read from socket events: `lookup` (DNS done), `connect`
 * (TCP established), `secureConnect` (TLS handshake done), then whatever the protocol marks as
 * its first byte. Each phase is its own duration, not a running total, so they add up to
 * roughly `totalMs`. Uses performance.now(): monotonic, and not the wall clock.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeTimings } from '../../core/monitors/probe.js';

export interface PhaseTimer {
  /** Listens to the socket's `lookup`, `connect` and `secureConnect` events. */
  watch(socket: Socket): void;
  /** The first byte of the answer (HTTP: the response headers) has arrived. */
  markFirstByte(): void;
  /** Milliseconds since the timer started. */
  elapsedMs(): number;
  /** What the attempt is still waiting for, for timeout messages: `connecting`, `TLS handshake`. */
  pendingStage(): 'DNS lookup' | 'connecting' | 'TLS handshake' | 'first byte' | 'done';
  /** The phases seen so far; `totalMs` is the time until now. */
  timings(): ProbeTimings;
}

export interface PhaseTimerOptions {
  /** True when the connection includes a TLS handshake. */
  tls: boolean;
}

export function createPhaseTimer(options: PhaseTimerOptions): PhaseTimer {
  const startAt = performance.now();
  let lookupAt: number | null = null;
  let connectAt: number | null = null;
  let secureAt: number | null = null;
  let firstByteAt: number | null = null;
  let watched = false;

  return {
    watch(socket) {
      if (watched) return;
      watched = true;
      socket.once('lookup', () => (lookupAt = performance.now()));
      socket.once('connect', () => (connectAt = performance.now()));
      if (options.tls) socket.once('secureConnect', () => (secureAt = performance.now()));
    },
    markFirstByte() {
      firstByteAt ??= performance.now();
    },
    elapsedMs: () => performance.now() - startAt,
    pendingStage() {
      if (connectAt === null) return watched && lookupAt === null ? 'DNS lookup' : 'connecting';
      if (options.tls && secureAt === null) return 'TLS handshake';
      return firstByteAt === null ? 'first byte' : 'done';
    },
    timings() {
      const timings: ProbeTimings = { totalMs: round(performance.now() - startAt) };
      if (lookupAt !== null) timings.dnsMs = round(lookupAt - startAt);
      if (connectAt !== null) timings.connectMs = round(connectAt - (lookupAt ?? startAt));
      if (secureAt !== null && connectAt !== null) timings.tlsMs = round(secureAt - connectAt);
      const readyAt = secureAt ?? connectAt;
      if (firstByteAt !== null && readyAt !== null) timings.firstByteMs = round(firstByteAt - readyAt);
      return timings;
    },
  };
}

/** Adds the phases of several connections (redirect hops) into one set of timings. */
export function sumTimings(all: ProbeTimings[]): ProbeTimings {
  const sum: ProbeTimings = { totalMs: 0 };
  const keys = ['dnsMs', 'connectMs', 'tlsMs', 'firstByteMs'] as const;
  for (const timings of all) {
    sum.totalMs = round(sum.totalMs + timings.totalMs);
    for (const key of keys) {
      const value = timings[key];
      if (value !== undefined) sum[key] = round((sum[key] ?? 0) + value);
    }
  }
  return sum;
}

/** Timings to a tenth of a millisecond: finer is noise, coarser hides a loopback connect. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
