import { afterEach, describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../core/alerting/alert.js';
import { parseMatchers } from '../../core/alerting/matcher-parser.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { AnyDomainEvent } from '../../core/events/domain-events.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import type { TestStoreFile } from '../../../test/support/outbox-harness.js';
import { useTestStoreFiles, withFailureSwitch } from '../../../test/support/real-store.js';
import { createEventBus } from '../event-bus.js';
import { createAlertRegistry, type AlertRegistryOptions } from './alert-registry.js';

const minute = 60_000;
const newStoreFile = useTestStoreFiles();

/** A registry over a real SQLite store: a fresh file, or a new process over `file`. */
async function setup(overrides: Partial<AlertRegistryOptions> = {}, file?: TestStoreFile) {
  const storeFile = file ?? (await newStoreFile());
  const store = await storeFile.open();
  const timers = createManualTimers();
  const clock = timers.clock;
  const bus = createEventBus({ clock });
  const events: AnyDomainEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const repository = withFailureSwitch(store.alerts, ['upsert', 'deleteResolvedBefore']);
  const registry = createAlertRegistry({ repository, bus, clock, timers, ...overrides });
  const changes: string[][] = [];
  registry.onChange((alerts) => changes.push(alerts.map((alert) => alert.fingerprint)));
  const eventsOf = (type: string) => events.filter((event) => event.type === type).map((event) => event.data as { fingerprint: string; resolvedBy?: string | null });
  return { timers, clock, bus, events, eventsOf, storeFile, repository, registry, changes };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const labels = { alertname: 'HighLatency', service: 'api' };
const fingerprint = alertFingerprint(labels);

describe('alert registry sink', () => {
  it('stores before it resolves, then publishes alert.firing and tells the listeners', async () => {
    const { registry, repository, eventsOf, changes, clock } = await setup();
    await registry.sink([{ labels, annotations: { summary: 'slow' } }], 'manual');
    expect(await repository.get(fingerprint)).toMatchObject({ labels, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + 5 * minute, endsAtFromTimeout: true, source: 'manual' });
    expect(eventsOf('alert.firing').map((event) => event.fingerprint)).toEqual([fingerprint]);
    expect(changes).toEqual([[fingerprint]]);
    expect(registry.list({ state: 'firing' }).map((alert) => alert.fingerprint)).toEqual([fingerprint]);
  });

  it('a failed write rejects and leaves nothing announced or held', async () => {
    const { registry, repository, events, changes } = await setup();
    repository.failWrites = true;
    await expect(registry.sink([{ labels }], 'manual')).rejects.toThrow(/write failed/);
    expect(events).toEqual([]);
    expect(changes).toEqual([]);
    expect(registry.get(fingerprint)).toBeUndefined();
    repository.failWrites = false;
    await registry.sink([{ labels }], 'manual');
    expect(registry.get(fingerprint)).toBeDefined();
  });

  it('stores the good alerts of a batch and names the bad ones', async () => {
    const { registry } = await setup();
    const error = await registry.sink([{ labels }, { labels: {} }, { labels: { 'not ok': 'x' } }], 'prometheus').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((problem) => problem.field)).toEqual(['alerts[1].labels', 'alerts[2].labels["not ok"]']);
    expect((error as ValidationError).message).toMatch(/^2 of 3 alerts rejected/);
    expect(registry.list().map((alert) => alert.fingerprint)).toEqual([fingerprint]);
  });

  it('merges a re-sent alert: the start is kept, the end moves on', async () => {
    const { registry, timers, eventsOf } = await setup();
    await registry.sink([{ labels }], 'rule');
    const startedAt = timers.clock.nowMs();
    await timers.advanceMs(2 * minute);
    await registry.sink([{ labels, annotations: { summary: 'newer' } }], 'rule');
    expect(registry.get(fingerprint)).toMatchObject({ startsAtMs: startedAt, endsAtMs: timers.clock.nowMs() + 5 * minute, annotations: { summary: 'newer' } });
    expect(eventsOf('alert.firing')).toHaveLength(1);
  });

  it('an explicit end resolves the alert: alert.resolved by the sender', async () => {
    const { registry, clock, eventsOf } = await setup();
    await registry.sink([{ labels }], 'prometheus');
    await registry.sink([{ labels, endsAtMs: clock.nowMs() }], 'prometheus');
    expect(eventsOf('alert.resolved')).toMatchObject([{ fingerprint, resolvedBy: 'sender' }]);
    expect(registry.list({ state: 'resolved' })).toHaveLength(1);
    expect(registry.counts()).toEqual({ firing: 0, resolved: 1 });
  });

  it('writes concurrent requests in one commit, in arrival order, each answered on its own', async () => {
    const { registry, repository } = await setup();
    const results = await Promise.allSettled([
      registry.sink([{ labels, annotations: { summary: 'first' } }], 'prometheus'),
      registry.sink([{ labels: {} }], 'prometheus'),
      registry.sink([{ labels, annotations: { summary: 'second' } }], 'prometheus'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(repository.writes).toBe(1);
    expect(registry.get(fingerprint)?.annotations).toEqual({ summary: 'second' });
  });

  it('refuses new alerts beyond maxAlerts but still refreshes known ones', async () => {
    const { registry } = await setup({ maxAlerts: 1 });
    await registry.sink([{ labels }], 'manual');
    await expect(registry.sink([{ labels: { alertname: 'Other' } }, { labels }], 'manual')).rejects.toThrow(/alerts\[0\]: refused/);
    expect(registry.list()).toHaveLength(1);
    const roomy = await setup({ maxAlerts: 3 });
    await roomy.registry.sink([{ labels }], 'manual');
    await expect(roomy.registry.sink([{ labels }, { labels: { alertname: 'B' } }, { labels }, { labels: { alertname: 'C' } }, { labels: { alertname: 'D' } }], 'manual')).rejects.toThrow(/^1 of 5 alerts rejected.*alerts\[4\]: refused/);
    expect(roomy.registry.list()).toHaveLength(3);
  });
});

describe('alert registry deferred refreshes (decision 27)', () => {
  /** Prometheus' re-send: the same alert with its end four minutes ahead. */
  const resend = (nowMs: number) => [{ labels, startsAtMs: 0, endsAtMs: nowMs + 4 * minute }];

  it('answers a refresh that only moves the end later without writing it, until the stored end is less than half as far ahead', async () => {
    const { registry, repository, timers, clock } = await setup();
    await registry.sink(resend(clock.nowMs()), 'prometheus');
    const firstEndMs = clock.nowMs() + 4 * minute;
    expect(repository.writes).toBe(1);
    await timers.advanceMs(minute);
    await registry.sink(resend(clock.nowMs()), 'prometheus');
    await timers.advanceMs(minute);
    await registry.sink(resend(clock.nowMs()), 'prometheus');
    expect(repository.writes).toBe(1);
    expect(registry.get(fingerprint)?.endsAtMs).toBe(clock.nowMs() + 4 * minute);
    expect((await repository.get(fingerprint))?.endsAtMs).toBe(firstEndMs);
    // Three minutes in: the stored end is one minute ahead, the new one four.
    await timers.advanceMs(minute);
    await registry.sink(resend(clock.nowMs()), 'prometheus');
    expect(repository.writes).toBe(2);
    expect((await repository.get(fingerprint))?.endsAtMs).toBe(clock.nowMs() + 4 * minute);
  });

  it('writes at once any other change: annotations, an earlier end, a resolve', async () => {
    const { registry, repository, timers, clock } = await setup();
    await registry.sink(resend(clock.nowMs()), 'prometheus');
    await timers.advanceMs(minute);
    await registry.sink([{ labels, startsAtMs: 0, endsAtMs: clock.nowMs() + 4 * minute, annotations: { summary: 'now slower' } }], 'prometheus');
    expect((await repository.get(fingerprint))?.annotations).toEqual({ summary: 'now slower' });
    await registry.sink([{ labels, startsAtMs: 0, annotations: { summary: 'now slower' }, endsAtMs: clock.nowMs() }], 'prometheus');
    expect(await repository.get(fingerprint)).toMatchObject({ endsAtMs: clock.nowMs() });
    expect(repository.writes).toBe(3);
  });

  it('after a crash the alert still fires from the stored end; a clean stop writes the deferred refreshes', async () => {
    const first = await setup();
    await first.registry.sink(resend(first.clock.nowMs()), 'prometheus');
    await first.timers.advanceMs(2 * minute);
    await first.registry.sink(resend(first.clock.nowMs()), 'prometheus');
    const crashAtMs = first.clock.nowMs();
    // No stop: a second process over the same file (kill -9).
    const second = await setup({}, first.storeFile);
    second.clock.setMs(crashAtMs + minute);
    await second.registry.restore();
    expect(second.registry.get(fingerprint)?.endsAtMs).toBe(crashAtMs + 2 * minute);
    await second.registry.sweep();
    expect(second.eventsOf('alert.resolved')).toEqual([]);
    await first.registry.stop();
    const third = await setup({}, first.storeFile);
    await third.registry.restore();
    expect(third.registry.get(fingerprint)?.endsAtMs).toBe(crashAtMs + 4 * minute);
  });

  it('an alert that ends with a deferred refresh is stored with the end it ended at', async () => {
    const { registry, repository, timers, clock } = await setup();
    await registry.sink([{ labels }], 'prometheus');
    await timers.advanceMs(minute);
    await registry.sink([{ labels }], 'prometheus');
    expect(repository.writes).toBe(1);
    const endMs = clock.nowMs() + 5 * minute;
    await timers.advanceMs(5 * minute);
    await registry.sweep();
    expect(await repository.get(fingerprint)).toMatchObject({ endsAtMs: endMs, endsAtFromTimeout: true });
    expect(repository.writes).toBe(2);
  });
});

describe('alert registry sweep', () => {
  it('announces an alert not refreshed within the resolve timeout exactly then', async () => {
    const { registry, timers, eventsOf, changes } = await setup({ sweepIntervalMs: 1000 });
    registry.start();
    cleanup = () => registry.stop();
    await registry.sink([{ labels }], 'rule');
    await timers.advanceMs(5 * minute - 1000);
    expect(eventsOf('alert.resolved')).toEqual([]);
    await timers.advanceMs(1000);
    expect(eventsOf('alert.resolved')).toMatchObject([{ fingerprint, resolvedBy: 'timeout' }]);
    expect(changes).toEqual([[fingerprint], [fingerprint]]);
    await timers.advanceMs(10 * minute);
    expect(eventsOf('alert.resolved')).toHaveLength(1);
  });

  it('forgets resolved alerts after the retention, in memory and in the store', async () => {
    const { registry, repository, timers } = await setup({ retainResolvedMs: 10 * minute });
    await registry.sink([{ labels, endsAtMs: timers.clock.nowMs() }], 'manual');
    await timers.advanceMs(10 * minute + 1);
    await registry.sweep();
    expect(registry.get(fingerprint)).toBeUndefined();
    expect(await repository.all()).toEqual([]);
  });
});

describe('alert registry acknowledge', () => {
  it('persists, publishes and survives refreshes; a new occurrence starts unacknowledged', async () => {
    const { registry, repository, timers, eventsOf } = await setup();
    await registry.sink([{ labels }], 'rule');
    const acked = await registry.acknowledge(fingerprint, 'ann');
    expect(acked).toMatchObject({ acknowledgedBy: 'ann', acknowledgedAtMs: timers.clock.nowMs() });
    expect((await repository.get(fingerprint))?.acknowledgedBy).toBe('ann');
    expect(eventsOf('alert.acknowledged')).toMatchObject([{ fingerprint }]);
    expect((await registry.acknowledge(fingerprint, 'bob')).acknowledgedBy).toBe('ann');
    await registry.sink([{ labels }], 'rule');
    expect(registry.get(fingerprint)?.acknowledgedBy).toBe('ann');
    await timers.advanceMs(6 * minute);
    await registry.sink([{ labels }], 'rule');
    expect(registry.get(fingerprint)?.acknowledgedBy).toBeNull();
  });

  it('acknowledges a whole group in one write, skipping unknown and resolved alerts', async () => {
    const { registry, repository, clock, eventsOf } = await setup();
    const other = { alertname: 'Other', service: 'api' };
    await registry.sink([{ labels }, { labels: other }, { labels: { alertname: 'Gone' }, endsAtMs: clock.nowMs() }], 'rule');
    await registry.acknowledge(fingerprint, 'ann');
    const writes = repository.writes;
    const acked = await registry.acknowledgeAll([fingerprint, alertFingerprint(other), alertFingerprint({ alertname: 'Gone' }), 'ffffffffffffffff'], 'bob');
    expect(acked.map((alert) => alert.acknowledgedBy)).toEqual(['ann', 'bob']);
    expect(repository.writes).toBe(writes + 1);
    expect(eventsOf('alert.acknowledged')).toHaveLength(2);
  });

  it('refuses unknown and resolved alerts', async () => {
    const { registry, clock } = await setup();
    await expect(registry.acknowledge('0123456789abcdef', 'ann')).rejects.toBeInstanceOf(NotFoundError);
    await registry.sink([{ labels, endsAtMs: clock.nowMs() }], 'manual');
    await expect(registry.acknowledge(fingerprint, 'ann')).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('alert registry restore and list', () => {
  it('restores stored alerts, hands them on, and announces those that ended while down', async () => {
    const first = await setup();
    await first.registry.sink([{ labels }, { labels: { alertname: 'Other' } }], 'rule');
    await first.registry.sink([{ labels: { alertname: 'Other' }, endsAtMs: first.clock.nowMs() }], 'rule');
    const second = await setup({}, first.storeFile);
    second.clock.setMs(first.clock.nowMs() + 10 * minute);
    await second.registry.restore();
    expect(second.changes[0]).toHaveLength(2);
    await second.registry.sweep();
    expect(second.eventsOf('alert.resolved').map((event) => event.fingerprint)).toEqual([fingerprint]);
  });

  it('filters by state, matchers, silence and receiver', async () => {
    const { registry, clock } = await setup();
    await registry.sink([{ labels }, { labels: { alertname: 'Disk', service: 'db' } }, { labels: { alertname: 'Old', service: 'api' }, endsAtMs: clock.nowMs() }], 'manual');
    registry.setStatusProvider((alert) => ({
      receivers: alert.labels.service === 'db' ? ['dba'] : ['ops'], silencedBy: alert.labels.alertname === 'Disk' ? ['s1'] : [], inhibitedBy: [], mutedByTimeInterval: false,
    }));
    const names = (filter: Parameters<typeof registry.list>[0]) => registry.list(filter).map((alert) => alert.labels.alertname).sort();
    expect(names({ state: 'firing' })).toEqual(['Disk', 'HighLatency']);
    expect(names({ matchers: parseMatchers('service="api"') })).toEqual(['HighLatency', 'Old']);
    expect(names({ silencedBy: 's1' })).toEqual(['Disk']);
    expect(names({ receiver: 'ops', state: 'firing' })).toEqual(['HighLatency']);
    expect(registry.statusOf(fingerprint)?.receivers).toEqual(['ops']);
  });
});
