import { describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import { createProbeRegistry } from '../../adapters/probes/probe-registry.js';
import type { Monitor, MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import type { Probe, ProbeResult } from '../../core/monitors/probe.js';
import { createMonitorScheduler, phaseOf, type MonitorScheduler, type SchedulerListener } from './monitor-scheduler.js';

const second = 1_000;

function monitor(name: string, overrides: Partial<Monitor> = {}): Monitor {
  return {
    name,
    service: 'api',
    kind: 'http',
    description: null,
    intervalMs: 10 * second,
    timeoutMs: 5 * second,
    retries: 0,
    failureThreshold: 1,
    successThreshold: 1,
    tags: [],
    circuitBreaker: null,
    maintenanceWindows: [],
    latencyThresholdsMs: [],
    settings: { url: 'http://127.0.0.1:1/' },
    source: 'api',
    paused: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A probe whose answer and duration the test decides; it honours aborts like a real one. */
function scriptedProbe(timers: ManualTimers, script: { durationMs: number; answer: (name: string) => ProbeResult }) {
  const calls: Array<{ name: string; atMs: number }> = [];
  let running = 0;
  let maxRunning = 0;
  const runningByName = new Map<string, number>();
  let maxPerMonitor = 0;
  const probe: Probe<Record<string, unknown>> = {
    kind: 'http',
    check(settings, signal) {
      const name = String(settings['name']);
      calls.push({ name, atMs: timers.clock.nowMs() });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      runningByName.set(name, (runningByName.get(name) ?? 0) + 1);
      maxPerMonitor = Math.max(maxPerMonitor, runningByName.get(name) ?? 0);
      return new Promise<ProbeResult>((resolve) => {
        const finish = (result: ProbeResult) => {
          running -= 1;
          runningByName.set(name, (runningByName.get(name) ?? 1) - 1);
          resolve(result);
        };
        const handle = timers.after(script.durationMs, () => finish(script.answer(name)));
        signal.addEventListener('abort', () => {
          handle.cancel();
          finish({ status: 'down', latencyMs: null, message: `timed out after ${timers.clock.nowMs()}` });
        }, { once: true });
      });
    },
  };
  return { probe, calls, stats: () => ({ maxRunning, maxPerMonitor }) };
}

interface Harness {
  timers: ManualTimers;
  scheduler: MonitorScheduler;
  results: MonitorResult[];
  states: Map<string, MonitorRuntimeState>;
  events: string[];
  lags: number[];
  skipped: string[];
}

function harness(probe: Probe<Record<string, unknown>>, timers: ManualTimers, maxConcurrency = 256, commitDelayMs = 0): Harness {
  const results: MonitorResult[] = [];
  const states = new Map<string, MonitorRuntimeState>();
  const events: string[] = [];
  const lags: number[] = [];
  const skipped: string[] = [];
  const listener: SchedulerListener = {
    statusChanged: (m, t) => events.push(`${timers.clock.nowMs()} ${m.name} ${t.from}->${t.to}: ${t.reason}`),
    breakerChanged: (m, t) => events.push(`${timers.clock.nowMs()} ${m.name} breaker ${t.from}->${t.to}`),
    checked: () => undefined,
  };
  const scheduler = createMonitorScheduler({
    clock: timers.clock,
    timers,
    probes: createProbeRegistry({ overrides: { http: probe } }),
    recorder: {
      record(result, state) {
        if (result !== null) results.push(result);
        states.set(state.monitor, state);
        return commitDelayMs === 0 ? Promise.resolve() : new Promise((resolve) => timers.after(commitDelayMs, resolve));
      },
      forget: () => undefined,
    },
    listener,
    metrics: { observeLag: (s) => lags.push(s), observeCheck: () => undefined, skipped: (r) => skipped.push(r) },
    maxConcurrency,
  });
  return { timers, scheduler, results, states, events, lags, skipped };
}

const up = (): ProbeResult => ({ status: 'up', latencyMs: 12, message: 'HTTP 200' });
const down = (): ProbeResult => ({ status: 'down', latencyMs: null, message: 'connect ECONNREFUSED 127.0.0.1:1' });
const named = (name: string, overrides: Partial<Monitor> = {}) => monitor(name, { settings: { name }, ...overrides });

describe('monitor scheduler', () => {
  it('spreads first runs over the interval by a stable phase per name', async () => {
    const timers = createManualTimers(Date.UTC(2026, 0, 1, 0, 0, 0));
    const probe = scriptedProbe(timers, { durationMs: 5, answer: up });
    const h = harness(probe.probe, timers);
    const monitors = Array.from({ length: 200 }, (_, i) => named(`m-${i}`));
    h.scheduler.load(monitors, []);
    h.scheduler.start();
    await timers.advanceMs(10 * second);
    expect(probe.calls).toHaveLength(200);
    const perSecond = new Map<number, number>();
    for (const call of probe.calls) {
      const slot = Math.floor((call.atMs - Date.UTC(2026, 0, 1)) / second);
      perSecond.set(slot, (perSecond.get(slot) ?? 0) + 1);
    }
    // 200 checks over 10 s: every second gets some, none gets a herd.
    expect(perSecond.size).toBe(10);
    expect(Math.max(...perSecond.values())).toBeLessThan(40);
    for (const call of probe.calls) expect((call.atMs - phaseOf(call.name, 10 * second)) % (10 * second)).toBe(0);
  });

  it('does not drift over hours: every run starts exactly at phase + k * interval', async () => {
    const timers = createManualTimers();
    const probe = scriptedProbe(timers, { durationMs: 37, answer: up });
    const h = harness(probe.probe, timers);
    h.scheduler.load([named('steady')], []);
    h.scheduler.start();
    await timers.advanceMs(3 * 3_600 * second);
    expect(probe.calls).toHaveLength(3 * 360);
    const phase = phaseOf('steady', 10 * second);
    probe.calls.forEach((call, index) => expect(call.atMs).toBe(Math.ceil((timers.clock.nowMs() - 3 * 3_600 * second - phase) / 10_000) * 10_000 + phase + index * 10_000));
    expect(Math.max(...h.lags)).toBe(0);
  });

  it('never runs one monitor twice at once; a due time that finds it running is skipped as an overrun', async () => {
    const timers = createManualTimers();
    const probe = scriptedProbe(timers, { durationMs: 25 * second, answer: up });
    const h = harness(probe.probe, timers);
    h.scheduler.load([named('slow', { intervalMs: 10 * second, timeoutMs: 10 * second })], []);
    h.scheduler.start();
    await timers.advanceMs(60 * second);
    expect(probe.stats().maxPerMonitor).toBe(1);
    expect(h.skipped.filter((r) => r === 'overrun').length).toBeGreaterThan(0);
    // Each attempt is cut at the 10 s timeout, so every other due time finds it still running.
    expect(h.results.every((r) => r.status === 'down')).toBe(true);
  });

  it('runs at most maxConcurrency checks at once and reports the wait as lag', async () => {
    const timers = createManualTimers();
    const probe = scriptedProbe(timers, { durationMs: 2 * second, answer: up });
    const h = harness(probe.probe, timers, 5);
    h.scheduler.start();
    // Created through the API at the same instant: all twenty are due now.
    for (let i = 0; i < 20; i += 1) h.scheduler.upsert(named(`c-${i}`, { intervalMs: 3_600 * second }), { immediate: true });
    await timers.advanceMs(8 * second);
    expect(probe.stats().maxRunning).toBe(5);
    expect(probe.calls).toHaveLength(20);
    // Four waves of five, two seconds each: the last wave started six seconds late.
    expect(Math.max(...h.lags)).toBe(6);
  });

  it('gives the slot back when the probe is done, not when the group commit is', async () => {
    const timers = createManualTimers();
    const probe = scriptedProbe(timers, { durationMs: 10, answer: up });
    // One slot and a slow store: a slot held through the commit would start one check a second.
    const h = harness(probe.probe, timers, 1, 1_000);
    h.scheduler.start();
    for (let i = 0; i < 10; i += 1) h.scheduler.upsert(named(`g-${i}`, { intervalMs: 3_600 * second }), { immediate: true });
    await timers.advanceMs(200);
    expect(probe.calls).toHaveLength(10);
    expect(probe.stats().maxRunning).toBe(1);
    expect(Math.max(...h.lags)).toBeLessThanOrEqual(0.1);
    await timers.advanceMs(2 * second);
    expect(h.results).toHaveLength(10);
  });

  it('reports a dependency that goes down within interval + timeout x (retries + 1)', async () => {
    const timers = createManualTimers();
    let healthy = true;
    let attempts = 0;
    // A dead dependency hangs: every attempt runs into the timeout, the slowest failure there is.
    const probe: Probe<Record<string, unknown>> = {
      kind: 'http',
      check: (_settings, signal) =>
        ++attempts > 0 && healthy ? Promise.resolve(up()) : new Promise((resolve) => signal.addEventListener('abort', () => resolve(down()), { once: true })),
    };
    const h = harness(probe, timers);
    const m = named('dies', { intervalMs: 30 * second, timeoutMs: 5 * second, retries: 2 });
    h.scheduler.load([m], []);
    h.scheduler.start();
    await timers.advanceMs(65 * second);
    expect(h.events.some((e) => e.includes('pending->up'))).toBe(true);
    healthy = false;
    const wentDownAt = timers.clock.nowMs();
    await timers.advanceMs(30 * second + 3 * 5 * second);
    const downEvent = h.events.find((e) => e.includes('up->down'));
    expect(downEvent).toBeDefined();
    const reportedAt = Number(downEvent?.split(' ')[0]);
    expect(reportedAt - wentDownAt).toBeLessThanOrEqual(30 * second + 3 * 5 * second);
    expect(downEvent).toContain('check failed after 2 retries: connect ECONNREFUSED 127.0.0.1:1');
    expect(downEvent).not.toContain('(after');
    // One stored result per scheduled check, its retries folded into it.
    const downResults = h.results.filter((r) => r.status === 'down');
    expect(downResults[0]?.message).toBe('connect ECONNREFUSED 127.0.0.1:1 (after 2 retries)');
    // Retries confirm a failure; once the monitor is down, one attempt per check is enough.
    expect(attempts).toBe(h.results.length - downResults.length + 3 + (downResults.length - 1));
  });

  it('opens the breaker after its threshold, stops calling the dependency, and lets a half-open trial close it', async () => {
    const timers = createManualTimers();
    let healthy = false;
    const probe = scriptedProbe(timers, { durationMs: 10, answer: () => (healthy ? up() : down()) });
    const h = harness(probe.probe, timers);
    const m = named('flaky', { retries: 2, circuitBreaker: { failureThreshold: 3, openDurationMs: 60 * second, halfOpenTrials: 1 } });
    h.scheduler.load([m], []);
    h.scheduler.start();
    await timers.advanceMs(30 * second);
    // The breaker counts failed checks, not attempts: 3 + 1 + 1 attempts (retries are spent
    // only while the monitor is not down yet) make the 3 failed checks that open it.
    expect(probe.calls).toHaveLength(5);
    expect(h.events.filter((e) => e.includes('breaker closed->open'))).toHaveLength(1);
    await timers.advanceMs(50 * second);
    expect(probe.calls).toHaveLength(5);
    const refused = h.results.filter((r) => r.message.startsWith('circuit open'));
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((r) => r.status === 'down')).toBe(true);
    expect(refused.every((r) => !r.message.includes('retr'))).toBe(true);
    healthy = true;
    await timers.advanceMs(20 * second);
    expect(probe.calls).toHaveLength(6);
    expect(h.events.filter((e) => e.includes('breaker open->half_open'))).toHaveLength(1);
    expect(h.events.filter((e) => e.includes('breaker half_open->closed'))).toHaveLength(1);
    expect(h.scheduler.view('flaky')?.state.status.status).toBe('up');
  });

  it('keeps a monitor in maintenance during its window: no down event, results marked', async () => {
    const timers = createManualTimers(Date.UTC(2026, 0, 1, 0, 0, 0));
    const probe = scriptedProbe(timers, { durationMs: 10, answer: down });
    const h = harness(probe.probe, timers);
    const m = named('planned', { maintenanceWindows: [{ id: 'upgrade', kind: 'once', startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2026, 0, 1, 0, 1) }] });
    h.scheduler.load([m], []);
    h.scheduler.start();
    await timers.advanceMs(50 * second);
    expect(h.events.some((e) => e.includes('->down'))).toBe(false);
    expect(h.events.some((e) => e.includes('pending->maintenance'))).toBe(true);
    expect(h.results.every((r) => r.maintenance)).toBe(true);
    await timers.advanceMs(30 * second);
    expect(h.events.some((e) => e.includes('maintenance->down'))).toBe(true);
  });

  it('pauses and resumes: no checks while paused, a check at once on resume', async () => {
    const timers = createManualTimers();
    const probe = scriptedProbe(timers, { durationMs: 10, answer: up });
    const h = harness(probe.probe, timers);
    h.scheduler.load([named('p')], []);
    h.scheduler.start();
    await timers.advanceMs(20 * second);
    const before = probe.calls.length;
    await h.scheduler.setPaused('p', true);
    await timers.advanceMs(60 * second);
    expect(probe.calls).toHaveLength(before);
    expect(h.states.get('p')?.status.status).toBe('paused');
    await h.scheduler.setPaused('p', false);
    await timers.advanceMs(100);
    expect(probe.calls).toHaveLength(before + 1);
  });

  it('marks a heartbeat monitor down when no ping came for interval + grace, and up on a ping', async () => {
    const timers = createManualTimers(Date.UTC(2026, 0, 1));
    const probe = scriptedProbe(timers, { durationMs: 10, answer: up });
    const h = harness(probe.probe, timers);
    const m = named('nightly', { kind: 'heartbeat', intervalMs: 60 * second, settings: { token: 'abcdefghijklmnop', grace: '30s' }, createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString() });
    h.scheduler.load([m], []);
    h.scheduler.start();
    await h.scheduler.heartbeat('nightly', { ok: true, message: null });
    expect(h.scheduler.view('nightly')?.state.status.status).toBe('up');
    await timers.advanceMs(89 * second);
    expect(h.events.some((e) => e.includes('->down'))).toBe(false);
    await timers.advanceMs(2 * second);
    expect(h.events.find((e) => e.includes('up->down'))).toContain('no heartbeat since 2026-01-01T00:00:00.000Z');
    const result = await h.scheduler.heartbeat('nightly', { ok: false, message: 'exit code 3' });
    expect(result?.message).toBe('job reported failure: exit code 3');
    expect(probe.calls).toHaveLength(0);
  });

  it('treats a probe that ignores its abort as timed out and keeps going', async () => {
    const timers = createManualTimers();
    const stuck: Probe<Record<string, unknown>> = { kind: 'http', check: () => new Promise<ProbeResult>(() => undefined) };
    const h = harness(stuck, timers);
    h.scheduler.load([named('stuck', { intervalMs: 10 * second, timeoutMs: 2 * second })], []);
    h.scheduler.start();
    await timers.advanceMs(30 * second);
    expect(h.results.length).toBeGreaterThanOrEqual(2);
    expect(h.results[0]?.message).toBe('timed out after 2000 ms (the probe did not stop when aborted)');
  });
});
