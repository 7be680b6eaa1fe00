/**
 * Notification throttling (seed 000: "max 5/hour, 1 hour cooldown"): at most `maxPerHour`
 * notifications in any sliding hour per receiver, and per rule (alertname) to that receiver;
 * the attempt that finds the cap reached starts a cooldown during which everything for that
 * key is held back, also after the hour has slid on. A held-back notification is not logged as
 * sent, so the group tries again at its next group_interval and goes out once the cap allows.
 * Each window is a pure value (`admitWindow` returns the next one); `createThrottle` keeps
 * one per key and counts what it held back. Times are ms since the epoch.
 */

export interface ThrottleLimit {
  /** Notifications allowed in any sliding hour; 0 = no limit. */
  maxPerHour: number;
  /** How long the key stays closed once the cap was hit; 0 = only the sliding hour. */
  cooldownMs: number;
}

export interface ThrottleSettings {
  /** Default limit per receiver (all its groups). */
  perReceiver?: ThrottleLimit;
  /** Default limit per rule (alertname) and receiver. */
  perRule?: ThrottleLimit;
  /** Per-receiver overrides of the two defaults. */
  receivers?: Readonly<Record<string, { perReceiver?: ThrottleLimit; perRule?: ThrottleLimit }>>;
}

export interface ThrottleWindow {
  /** Send times inside the last hour, oldest first. */
  sentAtMs: readonly number[];
  cooldownUntilMs: number;
}

export type ThrottleSuppression = 'rate_limit' | 'cooldown';

export type WindowDecision = { allowed: true } | { allowed: false; suppression: ThrottleSuppression; untilMs: number };

const hourMs = 3600_000;
export const emptyThrottleWindow: ThrottleWindow = { sentAtMs: [], cooldownUntilMs: 0 };

function prune(window: ThrottleWindow, nowMs: number): ThrottleWindow {
  const first = window.sentAtMs.findIndex((at) => at > nowMs - hourMs);
  if (first === 0) return window;
  return { ...window, sentAtMs: first < 0 ? [] : window.sentAtMs.slice(first) };
}

/** Would a send at `nowMs` be allowed? Returns the window to keep (pruned, cooldown started). */
export function checkWindow(window: ThrottleWindow, limit: ThrottleLimit, nowMs: number): { window: ThrottleWindow; decision: WindowDecision } {
  const current = prune(window, nowMs);
  if (nowMs < current.cooldownUntilMs) return { window: current, decision: { allowed: false, suppression: 'cooldown', untilMs: current.cooldownUntilMs } };
  if (limit.maxPerHour <= 0 || current.sentAtMs.length < limit.maxPerHour) return { window: current, decision: { allowed: true } };
  const oldest = current.sentAtMs[0] ?? nowMs;
  const untilMs = Math.max(oldest + hourMs, nowMs + limit.cooldownMs);
  const next = limit.cooldownMs > 0 ? { ...current, cooldownUntilMs: nowMs + limit.cooldownMs } : current;
  return { window: next, decision: { allowed: false, suppression: limit.cooldownMs > 0 ? 'cooldown' : 'rate_limit', untilMs } };
}

/** The window after a send at `nowMs`. */
export function recordSend(window: ThrottleWindow, nowMs: number): ThrottleWindow {
  return { ...window, sentAtMs: [...window.sentAtMs, nowMs] };
}

export interface ThrottleRequest {
  receiver: string;
  /** Distinct alertnames of the firing alerts being sent. */
  alertnames: readonly string[];
}

export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; scope: 'receiver' | 'rule'; key: string; suppression: ThrottleSuppression; untilMs: number };

export interface Throttle {
  /** Allows and records the send, or holds it back and counts it (`check` then `record`). */
  admit(request: ThrottleRequest, nowMs: number): ThrottleDecision;
  /** Whether the send may go; a hold-back is counted (and may start a cooldown), nothing is recorded. */
  check(request: ThrottleRequest, nowMs: number): ThrottleDecision;
  /** Records a send that went out (after it was stored), so it uses up the quota. */
  record(request: ThrottleRequest, nowMs: number): void;
  /** Held-back sends per key (`receiver:<name>` or `rule:<receiver>:<alertname>`). */
  suppressedCounts(): Record<string, number>;
  /** Replaces the settings (config reload); windows and counts are kept. */
  configure(settings: ThrottleSettings): void;
}

/** A throttle with one window per receiver and per receiver+rule. */
export function createThrottle(initial: ThrottleSettings = {}): Throttle {
  let settings = initial;
  const windows = new Map<string, ThrottleWindow>();
  const suppressed = new Map<string, number>();
  const limitsFor = (receiver: string) => ({
    perReceiver: settings.receivers?.[receiver]?.perReceiver ?? settings.perReceiver,
    perRule: settings.receivers?.[receiver]?.perRule ?? settings.perRule,
  });
  const keysFor = (request: ThrottleRequest) => {
    const limits = limitsFor(request.receiver);
    const keys: Array<{ scope: 'receiver' | 'rule'; key: string; limit: ThrottleLimit }> = [];
    if (limits.perReceiver !== undefined) keys.push({ scope: 'receiver', key: `receiver:${request.receiver}`, limit: limits.perReceiver });
    if (limits.perRule !== undefined) {
      for (const name of new Set(request.alertnames)) keys.push({ scope: 'rule', key: `rule:${request.receiver}:${name}`, limit: limits.perRule });
    }
    return keys;
  };
  const check = (request: ThrottleRequest, nowMs: number): ThrottleDecision => {
    for (const { scope, key, limit } of keysFor(request)) {
      const { window, decision } = checkWindow(windows.get(key) ?? emptyThrottleWindow, limit, nowMs);
      windows.set(key, window);
      if (!decision.allowed) {
        suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
        return { allowed: false, scope, key, suppression: decision.suppression, untilMs: decision.untilMs };
      }
    }
    return { allowed: true };
  };
  const record = (request: ThrottleRequest, nowMs: number): void => {
    for (const { key } of keysFor(request)) windows.set(key, recordSend(windows.get(key) ?? emptyThrottleWindow, nowMs));
  };
  return {
    admit(request, nowMs) {
      const decision = check(request, nowMs);
      if (decision.allowed) record(request, nowMs);
      return decision;
    },
    check,
    record,
    suppressedCounts: () => Object.fromEntries(suppressed),
    configure(next) {
      settings = next;
    },
  };
}
