/**
 * Timeout messages name the monitor's configured timeout (`timed out after 5000 ms`), not the
 * measured elapsed time, which is always a little longer. A plain AbortSignal does not carry its
 * timeout, so the scheduler may abort with a `ProbeTimeoutError` (see `createProbeTimeoutSignal`);
 * for any other reason the elapsed time, rounded to whole ms, is reported instead. The Probe
 * contract says an abort is the monitor's timeout, so every abort is reported as one.
 */

export class ProbeTimeoutError extends Error {
  readonly code = 'PROBE_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/** An AbortSignal that aborts after `timeoutMs` with a `ProbeTimeoutError` as its reason. */
export function createProbeTimeoutSignal(timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ProbeTimeoutError(timeoutMs)), timeoutMs);
  // Like AbortSignal.timeout: a pending probe timeout must not keep the process alive.
  timer.unref();
  return controller.signal;
}

/** `timed out after 5000 ms (no response headers)`; `stage` says what was still missing. */
export function describeTimeout(signal: AbortSignal, elapsedMs: number, stage: string): string {
  const reason: unknown = signal.reason;
  const timeoutMs = reason instanceof ProbeTimeoutError ? reason.timeoutMs : Math.round(elapsedMs);
  return `timed out after ${timeoutMs} ms (${stage})`;
}
