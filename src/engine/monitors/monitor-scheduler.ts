/**
 * The monitor scheduler: one agenda (a min-heap of due times) and one armed timer for the
 * earliest entry, however many monitors there are.
 *
 * - Each monitor has a fixed phase in its interval (a hash of its name), and runs at
 *   phase + k * interval: first runs spread over the interval (no thundering herd at start or
 *   reload) and the schedule never drifts, since due times are computed, never accumulated.
 * - A monitor never runs twice at once: a due time that finds its previous check still running
 *   or still queued is skipped and counted (`overrun`).
 * - At most `maxConcurrency` checks run at once; the rest wait in FIFO order and the wait shows
 *   as scheduling lag (due time to start), the back-pressure signal.
 * - Heartbeat monitors are not probed: their due time is the last ping plus interval and grace,
 *   and reaching it without a newer ping is a down result.
 * Results and state go to the recorder; events are published only after it says they are durable.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../core/clock.js';
import { formatDurationMs } from '../../core/duration.js';
import { initialBreakerState, resetBreaker, type BreakerTransition, type CircuitBreakerState } from '../../core/monitors/circuit-breaker.js';
import type { Monitor, MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import { heartbeatGraceMs } from '../../core/monitors/monitor-spec.js';
import { initialMonitorState, pauseMonitor, resumeMonitor, type MonitorTransition } from '../../core/monitors/monitor-status.js';
import type { ProbeRegistry } from '../../adapters/probes/probe-registry.js';
import type { Timers, TimerHandle } from '../timers.js';
import { applyExternalOutcome, runCheckCycle, type CheckCycleOutput } from './check-cycle.js';
import { DueQueue } from './due-queue.js';

export interface MonitorRecorder {
  /** Resolves once the result (if any) and the state are durable. */
  record(result: MonitorResult | null, state: MonitorRuntimeState): Promise<void>;
  /** Drops anything still queued for a deleted monitor. */
  forget(monitor: string): void;
}

export interface SchedulerListener {
  statusChanged(monitor: Monitor, transition: MonitorTransition, state: MonitorRuntimeState): void;
  breakerChanged(monitor: Monitor, transition: BreakerTransition<string>, breaker: CircuitBreakerState): void;
  checked(monitor: Monitor, result: MonitorResult): void;
}

export interface SchedulerMetrics {
  /** Seconds from a check's due time to its start. */
  observeLag(seconds: number): void;
  observeCheck(kind: string, status: string, seconds: number): void;
  skipped(reason: 'overrun' | 'behind'): void;
}

export interface MonitorSchedulerOptions {
  clock: Clock;
  timers: Timers;
  probes: ProbeRegistry;
  recorder: MonitorRecorder;
  listener: SchedulerListener;
  metrics?: SchedulerMetrics;
  /** Most checks running at once (default 256). */
  maxConcurrency?: number;
  onError?: (error: unknown, monitor: string) => void;
  /** Called when a monitor is removed (deleted), after its queued writes were dropped. */
  onRemoved?: (monitor: string) => void;
}

export interface ScheduledMonitorView {
  monitor: Monitor;
  state: MonitorRuntimeState;
  /** Next due time (ms); null while paused. */
  nextDueMs: number | null;
  running: boolean;
}

interface Entry {
  monitor: Monitor;
  state: MonitorRuntimeState;
  generation: number;
  nextDueMs: number | null;
  running: Promise<CheckCycleOutput> | null;
  queued: boolean;
}

export interface MonitorScheduler {
  /** Replaces everything scheduled by `monitors`, with persisted `states` where known. */
  load(monitors: readonly Monitor[], states: readonly MonitorRuntimeState[]): void;
  /** Adds or replaces a monitor; `immediate` runs its first check now instead of at its phase. */
  upsert(monitor: Monitor, options?: { immediate?: boolean }): void;
  remove(name: string): void;
  setPaused(name: string, paused: boolean): Promise<MonitorRuntimeState | undefined>;
  /** Runs a check now (or waits for the running one) and returns its result once durable. */
  runNow(name: string): Promise<MonitorResult | undefined>;
  /** A heartbeat ping; undefined when no heartbeat monitor has that name. */
  heartbeat(name: string, ping: { ok: boolean; message: string | null }): Promise<MonitorResult | undefined>;
  resetBreaker(name: string): Promise<CircuitBreakerState | undefined>;
  view(name: string): ScheduledMonitorView | undefined;
  views(): ScheduledMonitorView[];
  /** Checks waiting for a free slot, and running. */
  pressure(): { queued: number; running: number };
  start(): void;
  /** Stops scheduling, aborts running checks and waits for them (their results are dropped). */
  stop(): Promise<void>;
}

export function createMonitorScheduler(options: MonitorSchedulerOptions): MonitorScheduler {
  const { clock, timers, recorder, listener, metrics } = options;
  const maxConcurrency = options.maxConcurrency ?? 256;
  const entries = new Map<string, Entry>();
  const agenda = new DueQueue();
  const ready: Array<{ name: string; dueMs: number }> = [];
  let readyHead = 0;
  let active = 0;
  let armed: { handle: TimerHandle; atMs: number } | null = null;
  let started = false;
  const stopping = new AbortController();
  // Every check in flight listens on it: thousands at once is the design, not a leak.
  setMaxListeners(Infinity, stopping.signal);

  const report = (error: unknown, name: string): void => options.onError?.(error, name);

  function schedule(entry: Entry, dueMs: number | null): void {
    entry.generation += 1;
    entry.nextDueMs = dueMs;
    if (dueMs !== null) agenda.push({ dueMs, key: entry.monitor.name, generation: entry.generation });
    arm();
  }

  function arm(): void {
    if (!started) return;
    let top = agenda.peek();
    while (top !== undefined && entries.get(top.key)?.generation !== top.generation) {
      agenda.pop();
      top = agenda.peek();
    }
    if (top === undefined) {
      armed?.handle.cancel();
      armed = null;
      return;
    }
    if (armed !== null && armed.atMs <= top.dueMs) return;
    armed?.handle.cancel();
    const atMs = top.dueMs;
    armed = { atMs, handle: timers.after(atMs - clock.nowMs(), onTimer) };
  }

  function onTimer(): void {
    armed = null;
    const nowMs = clock.nowMs();
    for (let top = agenda.peek(); top !== undefined && top.dueMs <= nowMs; top = agenda.peek()) {
      agenda.pop();
      const entry = entries.get(top.key);
      if (entry === undefined || entry.generation !== top.generation) continue;
      dispatch(entry, top.dueMs, nowMs);
    }
    pump();
    arm();
  }

  function dispatch(entry: Entry, dueMs: number, nowMs: number): void {
    const { monitor } = entry;
    if (monitor.kind === 'heartbeat') {
      schedule(entry, nowMs + monitor.intervalMs);
      void missedHeartbeat(entry, nowMs);
      return;
    }
    const next = nextPhaseTime(monitor, nowMs);
    if (next - dueMs > monitor.intervalMs) metrics?.skipped('behind');
    schedule(entry, next);
    if (entry.running !== null || entry.queued) {
      metrics?.skipped('overrun');
      return;
    }
    entry.queued = true;
    ready.push({ name: monitor.name, dueMs });
  }

  function pump(): void {
    while (active < maxConcurrency && readyHead < ready.length) {
      const item = ready[readyHead] as { name: string; dueMs: number };
      readyHead += 1;
      const entry = entries.get(item.name);
      if (entry === undefined || !entry.queued) continue;
      entry.queued = false;
      metrics?.observeLag(Math.max(0, clock.nowMs() - item.dueMs) / 1000);
      void runEntry(entry);
    }
    if (readyHead > 1024 && readyHead * 2 > ready.length) {
      ready.splice(0, readyHead);
      readyHead = 0;
    }
  }

  async function runEntry(entry: Entry): Promise<CheckCycleOutput | undefined> {
    active += 1;
    let holdsSlot = true;
    // The slot bounds probes in flight, not results waiting for the group commit: it is given
    // back as soon as the probe is done, while entry.running still keeps a second run out.
    const releaseSlot = (): void => {
      if (!holdsSlot) return;
      holdsSlot = false;
      active -= 1;
      pump();
    };
    const startedAt = clock.nowMs();
    const monitor = entry.monitor;
    const running = runCheckCycle(monitor, entry.state, { clock, timers, probes: options.probes, stopSignal: stopping.signal });
    entry.running = running;
    try {
      const output = await running;
      if (stopping.signal.aborted) return undefined;
      metrics?.observeCheck(monitor.kind, output.result.status, (clock.nowMs() - startedAt) / 1000);
      // A check that outlived an edit or a pause still reports its result, but the state it
      // computed is only kept when the monitor was not changed underneath it.
      const current = entries.get(monitor.name);
      // Deleted while it ran: its rows are gone, and writing the result would leave an orphan.
      if (current !== entry) return output;
      if (entry.state.status.status !== 'paused') entry.state = output.state;
      releaseSlot();
      await commit(entry, output.result, output.transition, output.breakerTransitions);
      return output;
    } catch (error) {
      report(error, monitor.name);
      return undefined;
    } finally {
      entry.running = null;
      releaseSlot();
    }
  }

  async function commit(
    entry: Entry,
    result: MonitorResult,
    transition: MonitorTransition | null,
    breakerTransitions: ReadonlyArray<BreakerTransition<string>>,
  ): Promise<void> {
    await recorder.record(result, entry.state);
    listener.checked(entry.monitor, result);
    const breaker = entry.state.breaker;
    if (breaker !== null) for (const change of breakerTransitions) listener.breakerChanged(entry.monitor, change, breaker);
    if (transition !== null) listener.statusChanged(entry.monitor, transition, entry.state);
  }

  async function missedHeartbeat(entry: Entry, nowMs: number): Promise<void> {
    const { monitor } = entry;
    if (entry.state.status.status === 'paused') return;
    const last = entry.state.lastHeartbeatAtMs;
    const expected = `expected every ${formatDurationMs(monitor.intervalMs)} + ${formatDurationMs(heartbeatGraceMs(monitor))} grace`;
    const message = last === null ? `no heartbeat received yet (${expected})` : `no heartbeat since ${new Date(last).toISOString()} (${expected})`;
    const applied = applyExternalOutcome(monitor, entry.state, { status: 'down', latencyMs: null, message }, nowMs);
    entry.state = applied.state;
    try {
      await commit(entry, applied.result, applied.transition, []);
    } catch (error) {
      report(error, monitor.name);
    }
  }

  function nextPhaseTime(monitor: Monitor, nowMs: number): number {
    const phase = phaseOf(monitor.name, monitor.intervalMs);
    return phase + (Math.floor((nowMs - phase) / monitor.intervalMs) + 1) * monitor.intervalMs;
  }

  function firstDue(entry: Entry, immediate: boolean): number | null {
    const { monitor, state } = entry;
    if (state.status.status === 'paused') return null;
    const nowMs = clock.nowMs();
    if (monitor.kind === 'heartbeat') {
      const base = state.lastHeartbeatAtMs ?? Math.max(Date.parse(monitor.createdAt) || nowMs, state.status.since);
      return Math.max(nowMs, base + monitor.intervalMs + heartbeatGraceMs(monitor));
    }
    return immediate ? nowMs : nextPhaseTime(monitor, nowMs - 1);
  }

  function freshState(monitor: Monitor, persisted: MonitorRuntimeState | undefined): MonitorRuntimeState {
    const nowMs = clock.nowMs();
    const base: MonitorRuntimeState = persisted ?? {
      monitor: monitor.name,
      status: initialMonitorState(nowMs),
      breaker: null,
      lastResultAtMs: null,
      lastHeartbeatAtMs: null,
    };
    // A trial that was in flight when the process died will never report: let the next one go.
    const breaker = monitor.circuitBreaker === null ? null : base.breaker === null ? initialBreakerState(nowMs) : { ...base.breaker, trialInFlight: false };
    let status = base.status;
    if (monitor.paused && status.status !== 'paused') status = pauseMonitor(status, nowMs).next;
    if (!monitor.paused && status.status === 'paused') status = resumeMonitor(status, nowMs).next;
    return { ...base, monitor: monitor.name, status, breaker };
  }

  function upsert(monitor: Monitor, upsertOptions: { immediate?: boolean } = {}, persisted?: MonitorRuntimeState): void {
    const existing = entries.get(monitor.name);
    const entry: Entry = existing ?? { monitor, state: freshState(monitor, persisted), generation: 0, nextDueMs: null, running: null, queued: false };
    if (existing !== undefined) {
      const scheduleChanged = existing.monitor.intervalMs !== monitor.intervalMs || existing.monitor.kind !== monitor.kind;
      existing.monitor = monitor;
      existing.state = freshState(monitor, existing.state);
      if (!scheduleChanged && existing.nextDueMs !== null && !upsertOptions.immediate && monitor.kind !== 'heartbeat') {
        schedule(existing, existing.nextDueMs);
        return;
      }
    }
    entries.set(monitor.name, entry);
    schedule(entry, firstDue(entry, upsertOptions.immediate ?? false));
  }

  return {
    load(monitors, states) {
      const byName = new Map(states.map((state) => [state.monitor, state]));
      const keep = new Set(monitors.map((monitor) => monitor.name));
      for (const name of [...entries.keys()]) if (!keep.has(name)) this.remove(name);
      for (const monitor of monitors) upsert(monitor, {}, byName.get(monitor.name));
    },

    upsert: (monitor, upsertOptions) => upsert(monitor, upsertOptions),

    remove(name) {
      const entry = entries.get(name);
      if (entry === undefined) return;
      entry.generation += 1;
      entry.queued = false;
      entries.delete(name);
      recorder.forget(name);
      options.onRemoved?.(name);
      arm();
    },

    async setPaused(name, paused) {
      const entry = entries.get(name);
      if (entry === undefined) return undefined;
      const nowMs = clock.nowMs();
      const change = paused ? pauseMonitor(entry.state.status, nowMs) : resumeMonitor(entry.state.status, nowMs);
      entry.monitor = { ...entry.monitor, paused };
      if (change.transition === null) return entry.state;
      entry.state = { ...entry.state, status: change.next };
      entry.queued = false;
      schedule(entry, paused ? null : firstDue(entry, true));
      await recorder.record(null, entry.state);
      listener.statusChanged(entry.monitor, change.transition, entry.state);
      pump();
      return entry.state;
    },

    async runNow(name) {
      const entry = entries.get(name);
      if (entry === undefined) return undefined;
      if (entry.monitor.kind === 'heartbeat') return undefined;
      if (entry.running !== null) return (await entry.running).result;
      entry.queued = false;
      const output = await runEntry(entry);
      return output?.result;
    },

    async heartbeat(name, ping) {
      const entry = entries.get(name);
      if (entry === undefined || entry.monitor.kind !== 'heartbeat') return undefined;
      const nowMs = clock.nowMs();
      const outcome = ping.ok
        ? { status: 'up' as const, latencyMs: null, message: ping.message ?? 'heartbeat received' }
        : { status: 'down' as const, latencyMs: null, message: `job reported failure${ping.message === null ? '' : `: ${ping.message}`}` };
      entry.state = { ...entry.state, lastHeartbeatAtMs: nowMs };
      if (entry.state.status.status === 'paused') {
        await recorder.record(null, entry.state);
        return undefined;
      }
      const applied = applyExternalOutcome(entry.monitor, entry.state, outcome, nowMs);
      entry.state = applied.state;
      schedule(entry, nowMs + entry.monitor.intervalMs + heartbeatGraceMs(entry.monitor));
      await commit(entry, applied.result, applied.transition, []);
      return applied.result;
    },

    async resetBreaker(name) {
      const entry = entries.get(name);
      if (entry === undefined || entry.state.breaker === null) return undefined;
      const before = entry.state.breaker;
      const breaker = resetBreaker(clock.nowMs());
      entry.state = { ...entry.state, breaker };
      await recorder.record(null, entry.state);
      if (before.state !== 'closed') listener.breakerChanged(entry.monitor, { from: before.state, to: 'closed', reason: 'manual_reset' }, breaker);
      return breaker;
    },

    view(name) {
      const entry = entries.get(name);
      return entry === undefined ? undefined : viewOf(entry);
    },

    views: () => [...entries.values()].map(viewOf),

    pressure: () => ({ queued: ready.length - readyHead, running: active }),

    start() {
      started = true;
      arm();
    },

    async stop() {
      started = false;
      armed?.handle.cancel();
      armed = null;
      stopping.abort();
      const running = [...entries.values()].map((entry) => entry.running).filter((item) => item !== null);
      await Promise.allSettled(running);
    },
  };
}

function viewOf(entry: Entry): ScheduledMonitorView {
  return { monitor: entry.monitor, state: entry.state, nextDueMs: entry.nextDueMs, running: entry.running !== null };
}

/** FNV-1a of the name, folded into [0, intervalMs): a stable phase, the same after every restart. */
export function phaseOf(name: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalMs;
}
