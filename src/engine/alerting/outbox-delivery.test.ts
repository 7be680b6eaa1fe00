import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import {
  createTestStoreFile,
  notification,
  ok,
  scriptedNotifier,
  unavailable,
  type ScriptedNotifier,
  type TestStoreFile,
} from '../../../test/support/outbox-harness.js';
import type { Store } from '../../adapters/store/store.js';
import type { DeliveryFailureReason, Notification } from '../../core/alerting/notification.js';
import { createOutboxDelivery, type OutboxDelivery, type OutboxDeliveryOptions } from './outbox-delivery.js';

const start = Date.UTC(2026, 0, 1, 12, 0, 0);
const second = 1_000;
const minute = 60 * second;

describe('outbox delivery', () => {
  let file: TestStoreFile;
  let store: Store;
  let timers: ManualTimers;
  let notifiers: Map<string, ScriptedNotifier>;
  let health: Array<[string, boolean, string]>;
  let dead: Array<[string, DeliveryFailureReason, string]>;
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
      maxBackoffMs: minute,
      timeoutMs: 10 * second,
      concurrency: 4,
      breaker: { failureThreshold: 3, openForMs: 30 * second },
      onReceiverHealth: (name, failing, lastError) => health.push([name, failing, lastError]),
      onDead: (item, reason, error) => dead.push([item.notification.idempotencyKey, reason, error]),
      onError: (error) => {
        throw error;
      },
      ...overrides,
    });
    running.push(delivery);
    return delivery;
  };
  const enqueue = async (delivery: OutboxDelivery, notifications: Notification[]) => {
    await store.outbox.enqueue(notifications, timers.clock.nowMs());
    delivery.kick();
    await timers.settle();
  };
  /** Outcome transactions over the store that record, per transaction, how many items they marked sent. */
  const countingSentMarks =
    (transactions: number[]): OutboxDeliveryOptions['transaction'] =>
    (work) =>
      store.transaction(async (repositories) => {
        let marked = 0;
        const counted = {
          ...repositories.outbox,
          markSent: (id: number, atMs: number) => ((marked += 1), repositories.outbox.markSent(id, atMs)),
          markSentMany: (ids: readonly number[], atMs: number) => ((marked += ids.length), repositories.outbox.markSentMany(ids, atMs)),
        };
        const result = await work(counted);
        transactions.push(marked);
        return result;
      });
  const itemOf = async (key: string) => (await store.outbox.list({ limit: 1_000 })).find((item) => item.notification.idempotencyKey === key);

  beforeEach(async () => {
    file = await createTestStoreFile();
    store = await file.open();
    timers = createManualTimers(start);
    notifiers = new Map();
    health = [];
    dead = [];
  });
  afterEach(async () => {
    for (const delivery of running.splice(0)) await delivery.stop();
    await file.cleanup();
  });

  it('sends a kicked notification at once and records it sent', async () => {
    const team = receiver('team-db');
    const delivery = deliveryOver({ pollIntervalMs: 10 * minute });
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    expect(team.delivered).toEqual(['k1']);
    expect(await itemOf('k1')).toMatchObject({ status: 'sent', attempts: 1, finishedAtMs: start });
    expect(await delivery.stats()).toMatchObject({ sent: 1, pending: 0, dead: 0, deadLettered: 0, inFlight: 0 });
  });

  it('writes the outcomes of sends that finish together in one transaction (group commit)', async () => {
    const team = receiver('team-db');
    const transactions: number[] = [];
    const delivery = deliveryOver({
      concurrency: 8,
      transaction: countingSentMarks(transactions),
    });
    delivery.start();
    await enqueue(delivery, Array.from({ length: 8 }, (_, index) => notification(`k${index}`, `g${index}`)));
    expect(team.delivered).toHaveLength(8);
    expect(transactions).toEqual([8]);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 8, dead: 0 });
  });

  it('reports as backlog the heads queued behind busy slots, and shares the outcome commit of a backlog', async () => {
    // Each answer takes 5 ms of real time: at concurrency 2, six sends answer in three rounds.
    const team = receiver('team-db', () => new Promise((resolve) => setTimeout(() => resolve(ok), 5)));
    const transactions: number[] = [];
    const delivery = deliveryOver({
      concurrency: 2,
      // Long enough that no round's wait runs out on a loaded machine; the last round does not wait.
      outcomeBatchDelayMs: 5_000,
      transaction: countingSentMarks(transactions),
    });
    delivery.start();
    await enqueue(delivery, Array.from({ length: 6 }, (_, index) => notification(`k${index}`, `g${index}`)));
    expect(team.calls).toHaveLength(2);
    expect(delivery.backlog()).toBe(4);
    await vi.waitFor(async () => expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 6, dead: 0 }));
    expect(team.delivered).toHaveLength(6);
    expect(delivery.backlog()).toBe(0);
    // The rounds that answered while heads were queued waited for the next: two commits at most
    // (one per round, three or more, without the wait).
    expect(transactions.reduce((sum, marked) => sum + marked, 0)).toBe(6);
    expect(transactions.length).toBeLessThanOrEqual(2);
  });

  it('sends offered group heads without reading them back, once each, in order behind a pending head', async () => {
    const team = receiver('team-db');
    // `due` hands out nothing while `blind`: what is sent then came through `offer`.
    let blind = true;
    const outbox = { ...store.outbox, due: (...args: Parameters<typeof store.outbox.due>) => (blind ? Promise.resolve([]) : store.outbox.due(...args)) };
    const delivery = deliveryOver({ outbox, concurrency: 4 });
    delivery.start();
    await timers.settle();
    const heads = await store.outbox.enqueue(Array.from({ length: 3 }, (_, index) => notification(`k${index}`, `g${index}`)), timers.clock.nowMs());
    delivery.offer(heads);
    // Offered twice (a late duplicate) and once more after they were sent: still one send each.
    delivery.offer(heads);
    await timers.settle();
    delivery.offer(heads);
    await timers.settle();
    expect(team.delivered).toEqual(['k0', 'k1', 'k2']);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 3, dead: 0 });
    blind = false;

    // A group whose head is retrying: the new item is not a head, is not offered, and follows it.
    team.script = (_notification, call) => (call === 3 ? unavailable : ok);
    delivery.offer(await store.outbox.enqueue([notification('r1', 'gr')], timers.clock.nowMs()));
    await timers.settle();
    const later = await store.outbox.enqueue([notification('r2', 'gr')], timers.clock.nowMs());
    expect(later.heads).toEqual([]);
    delivery.kick();
    await timers.settle();
    expect(team.delivered).toEqual(['k0', 'k1', 'k2']);
    await timers.advanceMs(2 * second);
    expect(team.delivered).toEqual(['k0', 'k1', 'k2', 'r1', 'r2']);
  });

  it('reads due items a page at a time, not once per finished send', async () => {
    const team = receiver('team-db');
    let dueReads = 0;
    const outbox = { ...store.outbox, due: (...args: Parameters<typeof store.outbox.due>) => ((dueReads += 1), store.outbox.due(...args)) };
    const delivery = deliveryOver({ outbox, concurrency: 4 });
    delivery.start();
    await timers.settle();
    const before = dueReads;
    await enqueue(delivery, Array.from({ length: 60 }, (_, index) => notification(`k${index}`, `g${index}`)));
    expect(team.delivered).toHaveLength(60);
    // One page (64 heads) covers all 60; the last read finds nothing left.
    expect(dueReads - before).toBeLessThanOrEqual(3);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 60, dead: 0 });
  });

  it('reads nothing while every pending item was offered, and reads again once a follower can head its group', async () => {
    const team = receiver('team-db');
    let reads = 0;
    const outbox = {
      ...store.outbox,
      due: (...args: Parameters<typeof store.outbox.due>) => ((reads += 1), store.outbox.due(...args)),
      nextDueAtMs: (...args: Parameters<typeof store.outbox.nextDueAtMs>) => ((reads += 1), store.outbox.nextDueAtMs(...args)),
    };
    const delivery = deliveryOver({ outbox, concurrency: 2, pollIntervalMs: 10 * minute });
    delivery.start();
    await timers.settle();
    const before = reads;
    for (let index = 0; index < 10; index += 1) delivery.offer(await store.outbox.enqueue([notification(`k${index}`, `g${index}`)], timers.clock.nowMs()));
    await timers.settle();
    expect(team.delivered).toHaveLength(10);
    expect(reads - before).toBe(0);
    // f2 waits behind f1: stored, counted, not offered. Once f1 is sent only `due` can hand f2 out.
    const enqueued = await store.outbox.enqueue([notification('f1', 'gf'), notification('f2', 'gf')], timers.clock.nowMs());
    expect(enqueued.stored).toBe(2);
    delivery.offer(enqueued);
    await timers.settle();
    expect(team.delivered.slice(10)).toEqual(['f1', 'f2']);
    expect(reads - before).toBeGreaterThan(0);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 12, dead: 0 });
  });

  it('delivers every notification exactly once, in order per group, when a receiver is down for 10 minutes and comes back', async () => {
    const backAtMs = start + 10 * minute;
    // Once back, answers take 0-5 s, varying per call: sends finish out of order unless each
    // group's next notification waits for the previous one.
    const team = receiver('team-db', async (_note, call) => {
      if (timers.clock.nowMs() < backAtMs) return unavailable;
      await new Promise((resolve) => timers.after((call * 7_919) % 5_000, () => resolve(undefined)));
      return ok;
    });
    const ops = receiver('ops');
    const delivery = deliveryOver();
    delivery.start();
    const enqueuedAt = new Map<string, number>();
    for (let m = 0; m < 10; m += 1) {
      const batch = ['g1', 'g2', 'g3'].map((group) => notification(`${group}-m${m}`, group));
      batch.push(notification(`ops-m${m}`, 'ops-group', 'ops'));
      for (const note of batch) enqueuedAt.set(note.idempotencyKey, timers.clock.nowMs());
      await enqueue(delivery, batch);
      await timers.advanceMs(minute);
    }
    await timers.advanceMs(10 * minute);

    for (const group of ['g1', 'g2', 'g3']) {
      const inGroup = team.delivered.filter((key) => key.startsWith(`${group}-`));
      expect(inGroup).toEqual(Array.from({ length: 10 }, (_, m) => `${group}-m${m}`));
    }
    expect(team.delivered).toHaveLength(30);
    expect(new Set(team.delivered).size).toBe(30);
    const successes = team.calls.filter((call) => call.atMs >= backAtMs);
    expect(successes).toHaveLength(30);
    // Back within one breaker period plus the longest back-off, not at the next poll of a slow loop.
    expect(Math.max(...successes.map((call) => call.atMs))).toBeLessThanOrEqual(backAtMs + 30 * second + minute + 10 * 5 * second);
    // The breaker spared the dead receiver: far fewer attempts than a retry loop per item.
    expect(team.calls.length - 30).toBeLessThan(60);
    // The other receiver was never held up by the outage.
    expect(ops.delivered).toEqual(Array.from({ length: 10 }, (_, m) => `ops-m${m}`));
    expect(ops.calls.map((call) => call.atMs)).toEqual(ops.calls.map((call) => enqueuedAt.get(call.key)));
    expect(health).toEqual([
      ['team-db', true, 'HTTP 503: Service Unavailable'],
      ['team-db', false, 'HTTP 503: Service Unavailable'],
    ]);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, sent: 40, dead: 0 });
    expect(dead).toEqual([]);
  });

  it('dead-letters a 4xx at once with its reason, and the group goes on', async () => {
    const team = receiver('team-db', (note) =>
      note.idempotencyKey === 'k1' ? { ok: false, retryable: false, reason: 'client', status: 400, message: '400 Bad Request: invalid_payload' } : ok,
    );
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1'), notification('k2', 'g1')]);
    await timers.advanceMs(10 * minute);
    expect(team.calls.map((call) => call.key)).toEqual(['k1', 'k2']);
    expect(await itemOf('k1')).toMatchObject({ status: 'dead', attempts: 1, lastReason: 'client', finishedAtMs: start });
    expect((await itemOf('k1'))?.lastError).toMatch(/^400 Bad Request: invalid_payload; not retried/);
    expect(dead).toEqual([['k1', 'client', expect.stringMatching(/invalid_payload/) as unknown]]);
    expect(await itemOf('k2')).toMatchObject({ status: 'sent' });
    expect((await delivery.stats()).failed).toMatchObject({ client: 1, server: 0 });
  });

  it('waits at least as long as Retry-After asks', async () => {
    const team = receiver('team-db', (_note, call) =>
      call === 0 ? { ok: false, retryable: true, reason: 'rate_limited', status: 429, message: 'Too Many Requests', retryAfterMs: 120 * second } : ok,
    );
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    expect(await itemOf('k1')).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAtMs: start + 120 * second, lastReason: 'rate_limited' });
    await timers.advanceMs(120 * second - 1);
    expect(team.calls).toHaveLength(1);
    await timers.advanceMs(1);
    expect(team.calls.map((call) => call.atMs)).toEqual([start, start + 120 * second]);
    expect(team.delivered).toEqual(['k1']);
  });

  it('retries with a growing, capped back-off and dead-letters at max age', async () => {
    const team = receiver('team-db', () => unavailable);
    const delivery = deliveryOver({ maxAgeMs: 10 * minute, breaker: { failureThreshold: 1_000, openForMs: second } });
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    await timers.advanceMs(15 * minute);
    const gaps = team.calls.slice(1).map((call, index) => call.atMs - team.calls[index]!.atMs);
    // random 0.5: half of 1s, 2s, 4s ... capped at 60s.
    expect(gaps.slice(0, 8)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const item = await itemOf('k1');
    expect(item).toMatchObject({ status: 'dead', lastReason: 'server', attempts: team.calls.length });
    expect(item?.lastError).toMatch(/^HTTP 503: Service Unavailable; gave up after \d+ attempts over \d+s \(max age\)$/);
    expect(item!.finishedAtMs! - start).toBeGreaterThanOrEqual(10 * minute);
    expect(item!.finishedAtMs! - start).toBeLessThan(11 * minute);
    expect(dead).toHaveLength(1);
  });

  it('dead-letters after maxAttempts when set', async () => {
    const team = receiver('team-db', () => ({ ok: false, retryable: true, reason: 'network', message: 'connect ECONNREFUSED 127.0.0.1:9' }));
    const delivery = deliveryOver({ maxAttempts: 3, breaker: { failureThreshold: 1_000, openForMs: second } });
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1')]);
    await timers.advanceMs(5 * minute);
    expect(team.calls).toHaveLength(3);
    expect(await itemOf('k1')).toMatchObject({ status: 'dead', attempts: 3, lastReason: 'network', lastError: 'connect ECONNREFUSED 127.0.0.1:9; gave up after 3 attempts (max attempts)' });
  });

  it('dead-letters with reason config an item whose integration is no longer configured', async () => {
    const delivery = deliveryOver();
    delivery.start();
    await enqueue(delivery, [notification('k1', 'g1', 'removed-by-reload')]);
    expect(await itemOf('k1')).toMatchObject({ status: 'dead', attempts: 0, lastReason: 'config' });
    expect(dead).toEqual([['k1', 'config', 'no notifier for removed-by-reload/webhook_configs[0]: the receiver or integration is no longer configured']]);
  });
});
