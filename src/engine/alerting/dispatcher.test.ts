import { afterEach, describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../core/alerting/alert.js';
import { parseAlertmanagerYaml } from '../../core/alerting/alertmanager-yaml.js';
import type { AlertmanagerConfig } from '../../core/alerting/alertmanager-config.js';
import { parseMatchers } from '../../core/alerting/matcher-parser.js';
import type { Notification } from '../../core/alerting/notification.js';
import type { IntegrationTarget } from '../../core/alerting/notification-builder.js';
import { createManualTimers } from '../../../test/support/manual-timers.js';
import type { TestStoreFile } from '../../../test/support/outbox-harness.js';
import { useTestStoreFiles, withFailureSwitch } from '../../../test/support/real-store.js';
import { createEventBus } from '../event-bus.js';
import { createAlertRegistry } from './alert-registry.js';
import { createDispatcher, type DispatcherOptions } from './dispatcher.js';
import { createSilenceService } from './silence-service.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

function readConfig(yaml: string): AlertmanagerConfig {
  const parsed = parseAlertmanagerYaml(yaml);
  if (parsed.config === undefined) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

const basicYaml = `
route:
  receiver: ops
  group_by: [service]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers: [{ name: ops }]
`;

interface SetupOptions extends Partial<Omit<DispatcherOptions, 'config'>> {
  yaml?: string;
  /** A store file an earlier process used (a restart); a fresh one by default. */
  storeFile?: TestStoreFile;
  startMs?: number;
  sendResolved?: boolean;
}

const newStoreFile = useTestStoreFiles();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup(options: SetupOptions = {}) {
  const timers = createManualTimers(options.startMs);
  const clock = timers.clock;
  const bus = createEventBus({ clock });
  const storeFile = options.storeFile ?? (await newStoreFile());
  const store = await storeFile.open();
  const alertRepository = store.alerts;
  const registry = createAlertRegistry({ repository: alertRepository, bus, clock, timers });
  const silences = createSilenceService({ repository: store.silences, bus, clock, timers });
  const notificationLog = withFailureSwitch(store.notificationLog, ['upsert', 'deleteOlderThan']);
  const outbox: Notification[] = [];
  const integrationsOf = (receiver: string): IntegrationTarget[] => [{ ref: { receiver, key: 'webhook_configs', index: 0 }, sendResolved: options.sendResolved ?? true, maxAlerts: 0 }];
  const dispatcher = createDispatcher({
    config: readConfig(options.yaml ?? basicYaml),
    integrationsOf,
    enqueue: (notifications) => {
      outbox.push(...notifications);
      return Promise.resolve();
    },
    notificationLog,
    silences: () => silences.current(),
    clock,
    timers,
    dedupWindowMs: 0,
    onError: (error) => {
      throw error;
    },
    ...options,
  });
  registry.onChange((alerts) => dispatcher.process(alerts));
  registry.setStatusProvider((alert, nowMs) => dispatcher.alertStatus(alert, nowMs));
  silences.start();
  stops.push(async () => {
    silences.stop();
    await dispatcher.stop();
  });
  const fire = (labels: Record<string, string>, extra: { endsAtMs?: number } = {}) => registry.sink([{ labels, ...extra }], 'manual');
  const resolve = (labels: Record<string, string>) => registry.sink([{ labels, endsAtMs: clock.nowMs() }], 'manual');
  const sent = () => outbox.map((notification) => `${notification.integration.receiver} ${notification.status}${notification.acknowledged ? ' acked' : ''} ${notification.alerts.map((alert) => alert.labels.alertname ?? '').join(',')}`);
  return { timers, clock, storeFile, registry, alertRepository, silences, dispatcher, notificationLog, outbox, sent, fire, resolve };
}

describe('dispatcher timing', () => {
  it('first flush exactly group_wait after the group was created, with every alert of the group', async () => {
    const { timers, fire, sent, outbox } = await setup();
    await fire({ alertname: 'HighLatency', service: 'api' });
    await timers.advanceMs(10 * second);
    await fire({ alertname: 'ErrorRate', service: 'api' });
    await timers.advanceMs(20 * second - 1);
    expect(sent()).toEqual([]);
    await timers.advanceMs(1);
    expect(sent()).toEqual(['ops firing HighLatency,ErrorRate']);
    expect(outbox[0]?.groupKey).toBe('{}:{service="api"}');
    expect(outbox[0]?.groupLabels).toEqual({ service: 'api' });
  });

  it('an alert joining after the first flush waits for group_interval exactly', async () => {
    const { timers, fire, sent } = await setup();
    const end = { endsAtMs: timers.clock.nowMs() + hour };
    await fire({ alertname: 'A', service: 'api' }, end);
    await timers.advanceMs(30 * second);
    await timers.advanceMs(minute);
    await fire({ alertname: 'B', service: 'api' }, end);
    await timers.advanceMs(4 * minute - 1);
    expect(sent()).toEqual(['ops firing A']);
    await timers.advanceMs(1);
    expect(sent()).toEqual(['ops firing A', 'ops firing A,B']);
  });

  it('repeats exactly after repeat_interval and not before, while the alert keeps firing', async () => {
    const { timers, fire, sent, registry } = await setup();
    await fire({ alertname: 'A', service: 'api' }, { endsAtMs: timers.clock.nowMs() + 3 * hour });
    await timers.advanceMs(30 * second);
    expect(sent()).toHaveLength(1);
    await timers.advanceMs(hour - 1);
    expect(sent()).toHaveLength(1);
    await timers.advanceMs(1);
    expect(sent()).toEqual(['ops firing A', 'ops firing A']);
    expect(registry.list({ state: 'firing' })).toHaveLength(1);
  });

  it('an alert that started more than group_wait ago flushes a new group at once (restart, reload)', async () => {
    const { timers, fire, sent, registry } = await setup();
    await fire({ alertname: 'Fresh', service: 'web' });
    await registry.sink([{ labels: { alertname: 'Old', service: 'api' }, startsAtMs: timers.clock.nowMs() - hour }], 'prometheus');
    await timers.advanceMs(0);
    expect(sent()).toEqual(['ops firing Old']);
    await timers.advanceMs(30 * second);
    expect(sent()).toEqual(['ops firing Old', 'ops firing Fresh']);
  });
});

describe('dispatcher flush turns', () => {
  it('hands each turn to the request priority; while busy a turn starts groups of about 20 alerts', async () => {
    const slices: Array<() => void> = [];
    let busy = false;
    const priority = { requestStarted: () => () => undefined, inFlight: () => 0, busy: () => busy, schedule: (slice: () => void) => void slices.push(slice) };
    const { timers, fire, outbox } = await setup({ priority });
    for (const service of ['a', 'b', 'c', 'd']) {
      for (let index = 0; index < 10; index += 1) await fire({ alertname: `HighLatency${index}`, service });
    }
    await timers.advanceMs(30 * second);
    // The four groups of ten fell due together; nothing flushed until the priority ran the turn.
    expect(outbox).toEqual([]);
    expect(slices).toHaveLength(1);
    busy = true;
    slices.shift()?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(outbox.map((notification) => notification.groupLabels.service)).toEqual(['a', 'b']);
    busy = false;
    slices.shift()?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(outbox.map((notification) => notification.groupLabels.service)).toEqual(['a', 'b', 'c', 'd']);
    expect(slices).toEqual([]);
  });
});

describe('dispatcher resolve and groups', () => {
  it('sends the resolve at the next flush and removes the group', async () => {
    const { timers, fire, resolve, sent, dispatcher } = await setup();
    await fire({ alertname: 'A', service: 'api' });
    await timers.advanceMs(30 * second);
    expect(dispatcher.groups()).toHaveLength(1);
    await resolve({ alertname: 'A', service: 'api' });
    await timers.advanceMs(5 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops resolved A']);
    expect(dispatcher.groups()).toEqual([]);
    await timers.advanceMs(2 * hour);
    expect(sent()).toHaveLength(2);
  });

  it('without send_resolved the resolve is not sent, but logged, and the group goes', async () => {
    const { timers, fire, resolve, sent, dispatcher, notificationLog } = await setup({ sendResolved: false });
    await fire({ alertname: 'A', service: 'api' });
    await timers.advanceMs(30 * second);
    await resolve({ alertname: 'A', service: 'api' });
    await timers.advanceMs(5 * minute);
    expect(sent()).toEqual(['ops firing A']);
    expect((await notificationLog.all())[0]).toMatchObject({ firingFingerprints: [], resolvedFingerprints: [alertFingerprint({ alertname: 'A', service: 'api' })] });
    expect(dispatcher.groups()).toEqual([]);
  });

  it('a resolve by timeout is sent too', async () => {
    const { timers, fire, sent, registry } = await setup();
    registry.start();
    stops.push(() => registry.stop());
    await fire({ alertname: 'A', service: 'api' });
    await timers.advanceMs(30 * second);
    await timers.advanceMs(10 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops resolved A']);
  });

  it('correlate_by puts the alerts of one service into one notification across alertnames', async () => {
    const yaml = `
route: { receiver: ops, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 4h }
receivers: [{ name: ops }]
`;
    const { timers, fire, sent, outbox } = await setup({ yaml, correlateBy: ['service'] });
    await fire({ alertname: 'HighLatency', service: 'checkout' });
    await fire({ alertname: 'ErrorRate', service: 'checkout' });
    await fire({ alertname: 'ErrorRate' });
    await timers.advanceMs(30 * second);
    expect(sent().sort()).toEqual(['ops firing ErrorRate', 'ops firing HighLatency,ErrorRate']);
    expect(outbox.map((notification) => notification.groupKey).sort()).toEqual(['{}:{alertname="ErrorRate"}', '{}:{service="checkout"}']);
  });

  it('deletes notification log entries past the retention when groups go', async () => {
    const { timers, fire, resolve, notificationLog } = await setup({ logRetentionMs: 24 * hour });
    await fire({ alertname: 'A', service: 'api' });
    await timers.advanceMs(30 * second);
    await resolve({ alertname: 'A', service: 'api' });
    await timers.advanceMs(5 * minute);
    expect(await notificationLog.all()).toHaveLength(1);
    await timers.advanceMs(25 * hour);
    await fire({ alertname: 'B', service: 'web' });
    await timers.advanceMs(30 * second);
    await resolve({ alertname: 'B', service: 'web' });
    await timers.advanceMs(5 * minute);
    expect((await notificationLog.all()).map((entry) => entry.groupKey)).toEqual(['{}:{service="web"}']);
  });

  it('routes to every matching receiver, each with its own group', async () => {
    const { timers, fire, outbox, registry, dispatcher } = await setup({
      yaml: `
route:
  receiver: ops
  group_wait: 1s
  routes:
    - matchers: [team="db"]
      receiver: dba
      group_by: [alertname]
      continue: true
    - matchers: [severity="page"]
      receiver: pager
receivers: [{ name: ops }, { name: dba }, { name: pager }]
`,
    });
    await fire({ alertname: 'Disk', team: 'db', severity: 'page' });
    await timers.advanceMs(second);
    expect(outbox.map((notification) => [notification.integration.receiver, notification.groupKey])).toEqual([
      ['dba', '{}/{team="db"}:{alertname="Disk"}'],
      ['pager', '{}/{severity="page"}:{}'],
    ]);
    const alert = registry.get(alertFingerprint({ alertname: 'Disk', team: 'db', severity: 'page' }));
    expect(alert && dispatcher.alertStatus(alert)).toEqual({ receivers: ['dba', 'pager'], silencedBy: [], inhibitedBy: [], mutedByTimeInterval: false });
  });
});

describe('dispatcher dedup', () => {
  it('a sender re-posting the same alert gives one notification', async () => {
    const { timers, fire, sent } = await setup();
    for (let i = 0; i < 20; i += 1) {
      await fire({ alertname: 'A', service: 'api' });
      await timers.advanceMs(15 * second);
    }
    expect(sent()).toEqual(['ops firing A']);
  });

  it('an alert flapping inside the dedup window is notified once, then again after it', async () => {
    const yaml = `
route: { receiver: ops, group_by: [service], group_wait: 10s, group_interval: 1m, repeat_interval: 4h }
receivers: [{ name: ops }]
`;
    const { timers, fire, resolve, sent, dispatcher } = await setup({ yaml, dedupWindowMs: 5 * minute });
    const labels = { alertname: 'A', service: 'api' };
    await fire(labels);
    await timers.advanceMs(10 * second);
    await timers.advanceMs(10 * second);
    await resolve(labels);
    await timers.advanceMs(50 * second);
    expect(sent()).toEqual(['ops firing A', 'ops resolved A']);
    await timers.advanceMs(20 * second);
    await fire(labels);
    await timers.advanceMs(4 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops resolved A']);
    expect(dispatcher.suppressedCounts().total.dedup).toBeGreaterThan(0);
    await timers.advanceMs(minute);
    expect(sent()).toEqual(['ops firing A', 'ops resolved A', 'ops firing A']);
  });
});

describe('dispatcher muting', () => {
  it('a silence mutes, and once it expires the next flush notifies', async () => {
    const { timers, fire, sent, silences, dispatcher, registry } = await setup();
    await silences.create({ matchers: parseMatchers('service="api"'), endsAtMs: timers.clock.nowMs() + 10 * minute, createdBy: 'ann', comment: 'deploy' });
    await fire({ alertname: 'A', service: 'api' }, { endsAtMs: timers.clock.nowMs() + 2 * hour });
    await timers.advanceMs(30 * second);
    expect(sent()).toEqual([]);
    expect(dispatcher.suppressedCounts().byReceiver.ops?.silenced).toBe(1);
    expect(registry.list({ silencedBy: silences.list()[0]?.id ?? '' })).toHaveLength(1);
    await timers.advanceMs(10 * minute - 1);
    expect(sent()).toEqual([]);
    await timers.advanceMs(1);
    expect(sent()).toEqual(['ops firing A']);
  });

  it('inhibition: the critical alert mutes the warning of the same service until it resolves', async () => {
    const yaml = `
route: { receiver: ops, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 4h }
receivers: [{ name: ops }]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [service]
`;
    const { timers, fire, resolve, sent, dispatcher } = await setup({ yaml });
    const end = { endsAtMs: timers.clock.nowMs() + hour };
    await fire({ alertname: 'Down', severity: 'critical', service: 'api' }, end);
    await fire({ alertname: 'Slow', severity: 'warning', service: 'api' }, end);
    await fire({ alertname: 'Slow', severity: 'warning', service: 'web' }, end);
    await timers.advanceMs(30 * second);
    expect(sent().sort()).toEqual(['ops firing Down', 'ops firing Slow']);
    expect(dispatcher.suppressedCounts().total.inhibited).toBe(1);
    await resolve({ alertname: 'Down', severity: 'critical', service: 'api' });
    await timers.advanceMs(5 * minute);
    expect(sent().slice(2).sort()).toEqual(['ops firing Slow,Slow', 'ops resolved Down']);
  });

  it('mute_time_intervals hold notifications back on the weekend; active_time_intervals only in business hours', async () => {
    const yaml = `
route:
  receiver: ops
  group_by: [alertname]
  group_wait: 30s
  group_interval: 1h
  repeat_interval: 24h
  routes:
    - matchers: [priority="P4"]
      receiver: slack
      active_time_intervals: [business-hours]
    - matchers: [priority="P3"]
      receiver: slack
      mute_time_intervals: [weekend]
receivers: [{ name: ops }, { name: slack }]
time_intervals:
  - name: business-hours
    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }] }]
  - name: weekend
    time_intervals: [{ weekdays: [saturday, sunday] }]
`;
    const saturdayNoon = Date.UTC(2026, 0, 3, 12);
    const { timers, fire, sent, dispatcher } = await setup({ yaml, startMs: saturdayNoon });
    const longEnd = { endsAtMs: saturdayNoon + 72 * hour };
    await fire({ alertname: 'Slow', priority: 'P4' }, longEnd);
    await fire({ alertname: 'Errors', priority: 'P3' }, longEnd);
    await timers.advanceMs(30 * second);
    expect(sent()).toEqual([]);
    expect(dispatcher.suppressedCounts().total.muted_by_time).toBe(2);
    // Monday 00:00:30: the weekend is over, business hours not yet begun.
    await timers.advanceMs(36 * hour);
    expect(sent()).toEqual(['slack firing Errors']);
    await timers.advanceMs(9 * hour);
    expect(sent()).toEqual(['slack firing Errors', 'slack firing Slow']);
  });

  it('throttles a receiver at N per hour and sends the held-back group once the hour allows', async () => {
    const yaml = `
route: { receiver: ops, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 24h }
receivers: [{ name: ops }]
`;
    const { timers, fire, sent, dispatcher } = await setup({ yaml, throttle: { perReceiver: { maxPerHour: 2, cooldownMs: 0 } } });
    const longEnd = { endsAtMs: timers.clock.nowMs() + 3 * hour };
    await fire({ alertname: 'A' }, longEnd);
    await fire({ alertname: 'B' }, longEnd);
    await fire({ alertname: 'C' }, longEnd);
    await timers.advanceMs(30 * second);
    expect(sent()).toEqual(['ops firing A', 'ops firing B']);
    expect(dispatcher.suppressedCounts().throttleKeys).toEqual({ 'receiver:ops': 1 });
    await timers.advanceMs(hour - 5 * minute);
    expect(sent()).toHaveLength(2);
    await timers.advanceMs(5 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops firing B', 'ops firing C']);
    expect(dispatcher.suppressedCounts().total.throttled).toBe(12);
  });
});

describe('dispatcher acknowledgement', () => {
  it('says acknowledged once, then stops repeating until something new fires', async () => {
    const { timers, fire, sent, registry } = await setup();
    const end = { endsAtMs: timers.clock.nowMs() + 6 * hour };
    await fire({ alertname: 'A', service: 'api' }, end);
    await timers.advanceMs(30 * second);
    await registry.acknowledge(alertFingerprint({ alertname: 'A', service: 'api' }), 'ann');
    await timers.advanceMs(5 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops firing acked A']);
    await timers.advanceMs(3 * hour);
    expect(sent()).toHaveLength(2);
    await fire({ alertname: 'B', service: 'api' }, end);
    await timers.advanceMs(5 * minute);
    expect(sent()).toEqual(['ops firing A', 'ops firing acked A', 'ops firing A,B']);
  });
});

describe('dispatcher reconfigure and failures', () => {
  it('keeps alerts across a reload, rebuilds groups, and does not notify a receiver twice', async () => {
    const { timers, fire, sent, dispatcher } = await setup();
    await fire({ alertname: 'A', service: 'api', team: 'db' }, { endsAtMs: timers.clock.nowMs() + 2 * hour });
    await timers.advanceMs(30 * second);
    dispatcher.reconfigure(readConfig(basicYaml));
    await timers.advanceMs(minute);
    expect(sent()).toEqual(['ops firing A']);
    dispatcher.reconfigure(readConfig(`
route:
  receiver: ops
  group_by: [service]
  routes: [{ matchers: [team="db"], receiver: dba, group_wait: 10s }]
receivers: [{ name: ops }, { name: dba }]
`));
    expect(dispatcher.groups().map((group) => group.receiver)).toEqual(['dba']);
    await timers.advanceMs(0);
    expect(sent()).toEqual(['ops firing A', 'dba firing A']);
    // Re-sent after the reload, the same alert is routed by the new tree, not by what it matched before.
    await fire({ alertname: 'A', service: 'api', team: 'db' }, { endsAtMs: timers.clock.nowMs() + 2 * hour });
    expect(dispatcher.groups().map((group) => group.receiver)).toEqual(['dba']);
  });

  it('a failed enqueue keeps the group and retries with the same idempotency key', async () => {
    let fail = true;
    const keys: string[] = [];
    const errors: unknown[] = [];
    const { timers, fire } = await setup({
      enqueue: (notifications) => {
        if (fail) return Promise.reject(new Error('outbox down'));
        keys.push(...notifications.map((notification) => notification.idempotencyKey));
        return Promise.resolve();
      },
      onError: (error) => errors.push(error),
    });
    await fire({ alertname: 'A', service: 'api' }, { endsAtMs: timers.clock.nowMs() + hour });
    await timers.advanceMs(30 * second);
    expect(errors).toHaveLength(1);
    fail = false;
    await timers.advanceMs(5 * minute);
    expect(keys).toHaveLength(1);
  });
});

describe('dispatcher restart', () => {
  it('after a restart the notification log keeps a receiver from hearing the same thing twice', async () => {
    const before = await setup();
    const labels = { alertname: 'A', service: 'api' };
    await before.fire(labels, { endsAtMs: before.clock.nowMs() + 2 * hour });
    await before.timers.advanceMs(30 * second);
    expect(before.sent()).toEqual(['ops firing A']);
    await before.dispatcher.stop();
    const after = await setup({ startMs: before.clock.nowMs() + minute, storeFile: before.storeFile });
    await after.registry.restore();
    await after.timers.advanceMs(0);
    expect(after.dispatcher.groups()).toHaveLength(1);
    await after.timers.advanceMs(10 * minute);
    expect(after.sent()).toEqual([]);
    await after.resolve(labels);
    await after.timers.advanceMs(5 * minute);
    expect(after.sent()).toEqual(['ops resolved A']);
  });

  it('an acknowledgement told before a restart is not told again, and repeats stay stopped', async () => {
    const before = await setup();
    const labels = { alertname: 'A', service: 'api' };
    await before.fire(labels, { endsAtMs: before.clock.nowMs() + 6 * hour });
    await before.timers.advanceMs(30 * second);
    await before.registry.acknowledge(alertFingerprint(labels), 'ann');
    await before.timers.advanceMs(5 * minute);
    expect(before.sent()).toEqual(['ops firing A', 'ops firing acked A']);
    await before.dispatcher.stop();
    const after = await setup({ startMs: before.clock.nowMs() + minute, storeFile: before.storeFile });
    await after.registry.restore();
    await after.timers.advanceMs(3 * hour);
    expect(after.sent()).toEqual([]);
  });

  it('a flush retried after its log write failed gives the outbox the same idempotency key', async () => {
    const { timers, fire, outbox, notificationLog } = await setup({ onError: () => undefined });
    notificationLog.failWrites = true;
    await fire({ alertname: 'A', service: 'api' }, { endsAtMs: timers.clock.nowMs() + hour });
    await timers.advanceMs(30 * second);
    notificationLog.failWrites = false;
    await timers.advanceMs(5 * minute);
    await timers.advanceMs(5 * minute);
    expect(outbox.map((notification) => notification.idempotencyKey)).toHaveLength(2);
    expect(new Set(outbox.map((notification) => notification.idempotencyKey)).size).toBe(1);
  });
});

describe('dispatcher integrations', () => {
  it('decides per integration: send_resolved and max_alerts of each, one throttle count per receiver flush', async () => {
    const integrationsOf = (receiver: string): IntegrationTarget[] => [
      { ref: { receiver, key: 'webhook_configs', index: 0 }, sendResolved: true, maxAlerts: 0 },
      { ref: { receiver, key: 'slack_configs', index: 0 }, sendResolved: false, maxAlerts: 1 },
    ];
    const { timers, fire, resolve, outbox } = await setup({ integrationsOf, throttle: { perReceiver: { maxPerHour: 1, cooldownMs: 0 } } });
    const end = { endsAtMs: timers.clock.nowMs() + hour };
    await fire({ alertname: 'A', service: 'api' }, end);
    await fire({ alertname: 'B', service: 'api' }, end);
    await timers.advanceMs(30 * second);
    expect(outbox.map((notification) => [notification.integration.key, notification.alerts.length, notification.truncatedAlerts])).toEqual([
      ['webhook_configs', 2, 0],
      ['slack_configs', 1, 1],
    ]);
    await resolve({ alertname: 'A', service: 'api' });
    await timers.advanceMs(5 * minute);
    expect(outbox.slice(2).map((notification) => [notification.integration.key, notification.status, notification.alerts.map((alert) => alert.status)])).toEqual([
      ['webhook_configs', 'firing', ['firing', 'resolved']],
    ]);
  });
});
