// The outbox delivery across restarts, shutdowns and broken receivers: nothing stored is lost,
// nothing acknowledged is sent again, a dead receiver is not hammered, and a dead item can be
// retried by hand. A real SQLite file; scripted notifiers stand in for the channels.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import {
  createTestStoreFile,
  hangUntilAborted,
  notification,
  ok,
  scriptedNotifier,
  unavailable,
  type ScriptedNotifier,
  type TestStoreFile,
} from '../../../test/support/outbox-harness.js';
import type { Store } from '../../adapters/store/store.js';
import type { Notification } from '../../core/alerting/notification.js';
import { createOutboxDelivery, type OutboxDelivery, type OutboxDeliveryOptions } from './outbox-delivery.js';

const start = Date.UTC(2026, 0, 1, 12, 0, 0);
const second = 1_000;

describe('outbox delivery recovery', () => {
  let file: TestStoreFile;
  let store: Store;
  let timers: ManualTimers;
  let notifiers: Map<string, ScriptedNotifier>;
  let health: Array<[string, boolean, string]>;
  const running: OutboxDelivery[] = [];

  const receiver = (name: string, script: ScriptedNotifier['script'] = () => ok) => {
    const notifier = scriptedNotifier(() => timers.clock.nowMs(), script);
    notifiers.set(name, notifier);
    return notifier;
  };
  const deliveryOver = (overrides: Partial<OutboxDeliveryOptions> = {}) => {
    const delivery = createOutboxDelivery({
      outbox: store.outbox,
      notifierFor: (ref) => notifiers.get(ref.receiver),
      clock: timers.clock,
      timers,
      random: () => 0.5,
      maxAgeMs: 3_600_000,
      initialBackoffMs: second,
      maxBackoffMs: 60 * second,
      timeoutMs: 10 * second,
      concurrency: 4,
      breaker: { failureThreshold: 3, openForMs: 30 * second },
      onReceiverHealth: (name, failing, lastError) => health.push([name, failing, lastError]),
      onError: (error) => {
        throw error;
      },
      ...overrides,
    });
    running.push(delivery);
    return delivery;
  };
  const enqueue = async (delivery: OutboxDelivery | undefined, notifications: Notification[]) => {
    await store.outbox.enqueue(notifications, timers.clock.nowMs());
    delivery?.kick();
    await timers.settle();
  };
  const itemOf = async (key: string) => (await store.outbox.list({ limit: 1_000 })).find((item) => item.notification.idempotencyKey === key);

  beforeEach(async () => {
    file = await createTestStoreFile();
    store = await file.open();
    timers = createManualTimers(start);
    notifiers = new Map();
    health = [];
  });
  afterEach(async () => {
    for (const delivery of running.splice(0)) await delivery.stop();
    await file.cleanup();
  });

  it('after a crash, a new process sends what was pending or in flight, and nothing that was sent', async () => {
    const first = receiver('team-db', (note, call, signal) => {
      if (note.idempotencyKey === 'k2' && call < 2) return unavailable;
      if (note.idempotencyKey === 'k3' || note.idempotencyKey === 'k4') return hangUntilAborted(signal);
      return ok;
    });
    const crashed = deliveryOver();
    crashed.start();
    await enqueue(crashed, [notification('k1', 'g1'), notification('k2', 'g2'), notification('k3', 'g3'), notification('k4', 'g1')]);
    expect(first.delivered).toEqual(['k1']);
    expect(await itemOf('k2')).toMatchObject({ status: 'pending', attempts: 1 });
    // kill -9: the process and its timers are gone (never advanced again); only the file remains.
    await store.close();

    store = await file.open();
    timers = createManualTimers(start + 5 * second);
    notifiers = new Map();
    const restarted = receiver('team-db');
    deliveryOver().start();
    await timers.advanceMs(second);
    expect([...restarted.delivered].sort()).toEqual(['k2', 'k3', 'k4']);
    expect(first.delivered).toEqual(['k1']);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 4, dead: 0 });
    expect(await itemOf('k1')).toMatchObject({ attempts: 1, finishedAtMs: start });
  });

  it('stop() abandons sends in flight without counting them, and a restart sends them once', async () => {
    let seenSignal: AbortSignal | undefined;
    const team = receiver('team-db', (_note, _call, signal) => {
      seenSignal = signal;
      return hangUntilAborted(signal);
    });
    const stopped = deliveryOver();
    stopped.start();
    await enqueue(stopped, [notification('k1', 'g1')]);
    expect(team.calls).toHaveLength(1);
    await stopped.stop();
    expect(seenSignal?.aborted).toBe(true);
    expect(await itemOf('k1')).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect((await stopped.stats()).failed).toMatchObject({ network: 0, timeout: 0 });

    team.script = () => ok;
    deliveryOver().start();
    await timers.settle();
    expect(team.delivered).toEqual(['k1']);
    expect(await itemOf('k1')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('opens the breaker after 3 failures, tries one trial per period, and reports the receiver failing and recovered', async () => {
    let up = false;
    const team = receiver('team-db', () => (up ? ok : unavailable));
    const delivery = deliveryOver({ concurrency: 1 });
    delivery.start();
    await enqueue(delivery, ['g1', 'g2', 'g3', 'g4', 'g5'].map((group) => notification(`${group}-1`, group)));
    expect(team.calls).toHaveLength(3);
    expect(health).toEqual([['team-db', true, 'HTTP 503: Service Unavailable']]);
    expect(delivery.breakerStates()).toEqual([
      { receiver: 'team-db', state: 'open', consecutiveFailures: 3, openedAtMs: start, trialAtMs: start + 30 * second, lastError: 'HTTP 503: Service Unavailable' },
    ]);
    await timers.advanceMs(30 * second - 1);
    expect(team.calls).toHaveLength(3);
    await timers.advanceMs(1);
    expect(team.calls.map((call) => call.atMs - start)).toEqual([0, 0, 0, 30 * second]);
    up = true;
    await timers.advanceMs(30 * second);
    expect(team.calls.slice(4).every((call) => call.atMs === start + 60 * second)).toBe(true);
    expect([...team.delivered].sort()).toEqual(['g1-1', 'g2-1', 'g3-1', 'g4-1', 'g5-1']);
    expect(health).toEqual([
      ['team-db', true, 'HTTP 503: Service Unavailable'],
      ['team-db', false, 'HTTP 503: Service Unavailable'],
    ]);
    expect(delivery.breakerStates()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0, openedAtMs: null });
    expect((await delivery.stats()).openBreakers).toBe(0);
  });

  it('keeps delivering to other receivers while a failing receiver has more due items than there are slots', async () => {
    receiver('team-db', () => unavailable);
    const ops = receiver('ops');
    const delivery = deliveryOver({ concurrency: 2 });
    delivery.start();
    await enqueue(delivery, Array.from({ length: 10 }, (_, index) => notification(`db-${index}`, `g${index}`)));
    expect(delivery.breakerStates()[0]?.state).toBe('open');
    await timers.advanceMs(5 * second);
    await enqueue(delivery, [notification('ops-1', 'o1', 'ops')]);
    expect(ops.calls.map((call) => [call.key, call.atMs - start])).toEqual([['ops-1', 5 * second]]);
  });

  it('times out a receiver that does not answer, aborting its signal, and retries', async () => {
    let signal: AbortSignal | undefined;
    const team = receiver('team-db', (_note, call, given) => {
      signal = given;
      return call === 0 ? hangUntilAborted(given) : ok;
    });
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    await timers.advanceMs(10 * second - 1);
    expect(signal?.aborted).toBe(false);
    await timers.advanceMs(1);
    expect(signal?.aborted).toBe(true);
    expect(await itemOf('k1')).toMatchObject({ status: 'pending', attempts: 1, lastReason: 'timeout', lastError: 'no answer within 10000 ms' });
    await timers.advanceMs(second);
    expect(team.delivered).toEqual(['k1']);
  });

  it('retries a notifier that throws as a network failure instead of losing the notification', async () => {
    const team = receiver('team-db', (_note, call) => {
      if (call === 0) throw new Error('socket hang up');
      return ok;
    });
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    expect(await itemOf('k1')).toMatchObject({ status: 'pending', lastReason: 'network', lastError: 'socket hang up' });
    await timers.advanceMs(second);
    expect(team.delivered).toEqual(['k1']);
  });

  it('retries a dead item by hand, once', async () => {
    const team = receiver('team-db', () => ({ ok: false, retryable: false, reason: 'auth', status: 401, message: 'invalid token' }));
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    const deadItem = await itemOf('k1');
    expect(deadItem).toMatchObject({ status: 'dead', lastReason: 'auth' });
    expect(deadItem?.lastError).toMatch(/^HTTP 401: invalid token; not retried/);
    team.script = () => ok;
    await timers.advanceMs(60 * second);
    expect(team.calls).toHaveLength(1);
    expect(await delivery.retryDead(deadItem!.id)).toBe(true);
    await timers.settle();
    expect(team.delivered).toEqual(['k1']);
    expect(await delivery.retryDead(deadItem!.id)).toBe(false);
    expect(await delivery.stats()).toMatchObject({ sent: 1, deadLettered: 1, retriedByHand: 1, dead: 0, pending: 0 });
  });

  it('sends an item retried by hand before the later item of its group that was already queued', async () => {
    let release: () => void = () => undefined;
    const team = receiver('team-db', (note, call) => {
      if (note.idempotencyKey === 'slow') return new Promise((resolve) => (release = () => resolve(ok)));
      return note.idempotencyKey === 'k1' && call === 0 ? { ok: false, retryable: false, reason: 'client', status: 400, message: 'bad payload' } : ok;
    });
    const delivery = deliveryOver({ concurrency: 1 });
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    const deadItem = await itemOf('k1');
    expect(deadItem?.status).toBe('dead');
    // 'slow' takes the only slot; k2, now the head of g1, waits in the delivery's queue.
    await enqueue(delivery, [notification('slow', 'g0'), notification('k2', 'g1')]);
    expect(await delivery.retryDead(deadItem!.id)).toBe(true);
    release();
    await timers.settle();
    expect(team.delivered).toEqual(['slow', 'k1', 'k2']);
  });

  it('finds items enqueued without a kick at the next poll', async () => {
    const team = receiver('team-db');
    deliveryOver({ pollIntervalMs: 5 * second }).start();
    await timers.settle();
    await enqueue(undefined, [notification('k1', 'g1')]);
    expect(team.calls).toHaveLength(0);
    await timers.advanceMs(5 * second);
    expect(team.calls.map((call) => call.atMs)).toEqual([start + 5 * second]);
  });
});
