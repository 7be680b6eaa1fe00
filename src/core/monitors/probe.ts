/**
 * What every monitor kind implements: one `check` that turns a spec into a result. Probes live in
 * src/adapters/probes (they do I/O) and are looked up by kind in a registry; the scheduler owns
 * timing, retries, thresholds and circuit breakers, so a probe only answers "how did this one
 * attempt go". A probe never throws: every failure is a `down` result with a precise message.
 */
import type { CheckStatus } from './monitor-status.js';

/** Phase timings of one attempt in milliseconds; phases a kind does not have are absent. */
export interface ProbeTimings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  totalMs: number;
}

export interface ProbeResult {
  status: CheckStatus;
  /** Total time of the attempt in ms; null when it did not get far enough to mean anything. */
  latencyMs: number | null;
  /** Why: `HTTP 503 (expected 200-299)`, `connect ECONNREFUSED 127.0.0.1:9`, `OK`. */
  message: string;
  timings?: ProbeTimings;
  /** Kind-specific facts worth showing (status code, certificate expiry, used memory...). */
  details?: Record<string, unknown>;
}

export interface Probe<Spec> {
  readonly kind: string;
  /** Runs one attempt; must settle soon after `signal` aborts (the monitor's timeout). */
  check(spec: Spec, signal: AbortSignal): Promise<ProbeResult>;
}
