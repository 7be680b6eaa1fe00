/**
 * API requests go before background work that comes in bursts.
 *
 * Node runs one event loop: 500 alert groups falling due together build, store and send their
 * notifications in the same loop that answers `POST /api/v2/alerts`, and each request waited
 * behind whole turns of that work (ingest p99 38 – 65 ms during such a burst against 3 – 9 ms
 * around it, bench/README.md "Alerts"). The HTTP layer counts the requests in flight here;
 * background schedulers hand their next slice to `schedule`, which runs it at the end of the
 * current I/O round when no request has been seen for `quietMs` (full speed: a fan-out with
 * nobody waiting) and after `pauseMs` otherwise, so requests that are waiting, and those that
 * keep arriving, get the loop first. The work is slowed, never stopped: a slice always runs
 * within `pauseMs`. Only requests in flight would not do: between two requests of a steady
 * stream nobody is in flight, and the background ran whole turns back to back there.
 */
export interface RequestPriority {
  /** Called by the HTTP layer when a request arrives; returns the function to call once when it is answered or closed. */
  requestStarted(): () => void;
  /** Requests in flight now. */
  inFlight(): number;
  /** Runs `slice` after the current I/O round, or after a pause (`pauseMs`, or the one given) while busy. */
  schedule(slice: () => void, busyPauseMs?: number): void;
  /** True while requests are in flight or one ended within `quietMs`: a scheduler may make its slices smaller then. */
  busy(): boolean;
}

export interface RequestPriorityOptions {
  /** Pause before a background slice while busy; default 10 ms. */
  pauseMs?: number;
  /** Busy until this long after the last request ended; default 50 ms. */
  quietMs?: number;
  /** Monotonic milliseconds; default performance.now (scheduling, not domain time). */
  nowMs?: () => number;
}

const defaultBackgroundPauseMs = 10;
const defaultQuietMs = 50;

export function createRequestPriority(options: RequestPriorityOptions = {}): RequestPriority {
  const pauseMs = options.pauseMs ?? defaultBackgroundPauseMs;
  const quietMs = options.quietMs ?? defaultQuietMs;
  const nowMs = options.nowMs ?? (() => performance.now());
  let inFlight = 0;
  let lastEndedAtMs = Number.NEGATIVE_INFINITY;
  const busy = (): boolean => inFlight > 0 || nowMs() - lastEndedAtMs < quietMs;
  return {
    requestStarted() {
      inFlight += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        inFlight -= 1;
        lastEndedAtMs = nowMs();
      };
    },
    inFlight: () => inFlight,
    busy,
    schedule(slice, busyPauseMs = pauseMs) {
      if (busy()) setTimeout(slice, busyPauseMs);
      else setImmediate(slice);
    },
  };
}

/** Background work with nobody to give way to (tests, the CLI): every slice at the end of the I/O round. */
export const noRequestPriority: RequestPriority = {
  requestStarted: () => () => undefined,
  inFlight: () => 0,
  busy: () => false,
  schedule: (slice) => void setImmediate(slice),
};
