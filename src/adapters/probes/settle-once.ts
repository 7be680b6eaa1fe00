/**
 * One probe attempt as a promise that settles exactly once: on the first result, on a thrown
 * error, or when the abort signal fires. Cleanups (destroying sockets, removing the abort
 * listener) run on settle whichever way it came, so no attempt leaves a socket open.
 */

export interface Attempt<T> {
  /** Settles the attempt; later calls are ignored. */
  settle(value: T): void;
  readonly settled: boolean;
  /** Runs `cleanup` once the attempt settles (at once if it already has). */
  onCleanup(cleanup: () => void): void;
}

export interface AttemptHandlers<T> {
  /** The result when `signal` aborts before anything else settled the attempt. */
  onAbort(): T;
  /** The result when `start` throws synchronously. */
  onThrow(error: unknown): T;
}

export function runAttempt<T>(
  signal: AbortSignal,
  handlers: AttemptHandlers<T>,
  start: (attempt: Attempt<T>) => void,
): Promise<T> {
  return new Promise<T>((resolve) => {
    const cleanups: Array<() => void> = [];
    let settled = false;
    const runCleanup = (cleanup: () => void): void => {
      try {
        cleanup();
      } catch {
        // A cleanup that fails must not keep the attempt from settling.
      }
    };
    const attempt: Attempt<T> = {
      settle(value) {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups.splice(0)) runCleanup(cleanup);
        resolve(value);
      },
      get settled() {
        return settled;
      },
      onCleanup(cleanup) {
        if (settled) runCleanup(cleanup);
        else cleanups.push(cleanup);
      },
    };
    const abort = (): void => attempt.settle(handlers.onAbort());
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    attempt.onCleanup(() => signal.removeEventListener('abort', abort));
    try {
      start(attempt);
    } catch (error) {
      attempt.settle(handlers.onThrow(error));
    }
  });
}
