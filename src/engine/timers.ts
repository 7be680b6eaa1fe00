/**
 * Timers behind an interface, like the Clock: engine services that wait (the monitor scheduler,
 * group commit, roll-up closing) get one injected, so tests drive them with a manual clock and
 * never sleep. `systemTimers` wraps the global functions; timers are unref'd so a pending one
 * never keeps the process alive on its own.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Timers {
  /** Runs `callback` once after `delayMs` (at least 0). */
  after(delayMs: number, callback: () => void): TimerHandle;
}

export const systemTimers: Timers = {
  after(delayMs, callback) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
