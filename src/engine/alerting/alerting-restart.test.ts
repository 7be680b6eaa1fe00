// The assembled alerting pipeline (createAlerting) over a real SQLite file with manual timers:
// a P1 group escalates exactly on time, an escalation level that fell due while no process ran
// fires once when the next process starts, and acknowledging stops the levels after it.
import { afterEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../../test/support/manual-timers.js';
import { ok, scriptedNotifier, type ScriptedNotifier, type TestStoreFile } from '../../../test/support/outbox-harness.js';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { useTempTrees } from '../../../test/support/temp-tree.js';
import { alertFingerprint } from '../../core/alerting/alert.js';
import type { AlertingSettings } from '../../config/runtime-config.js';
import { loadConfig } from '../../config/load-config.js';
import { createEventBus } from '../event-bus.js';
import { createAlerting, type Alerting, type BuiltIntegration } from './alerting.js';

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;
const startMs = Date.UTC(2026, 0, 1, 12, 0, 0);

// Level 0 tells team-a at once, level 1 team-b 15 minutes later; level 2 (team-c, 15 minutes
// after that) is there so that an acknowledgement has a further level to stop.
const configYaml = `
alerting:
  route:
    receiver: team-a
    group_by: [alertname]
    group_wait: 0s
    group_interval: 1m
    repeat_interval: 4h
  receivers: [{ name: team-a }, { name: team-b }, { name: team-c }]
  escalation_policies:
    - name: critical
      levels:
        - notify: [team-a]
        - { after: 15m, notify: [team-b] }
        - { after: 15m, notify: [team-c] }
  severity_policies: { P1: critical }
`;

const labels = { alertname: 'CheckoutDown', severity: 'P1' };
const fingerprint = alertFingerprint(labels);

const newStoreFile = useTestStoreFiles();
const writeTree = useTempTrees('sre-alerting-restart-');

async function loadSettings(): Promise<AlertingSettings> {
  const cwd = await writeTree({ 'main.yaml': configYaml });
  return (await loadConfig('main.yaml', { env: {}, cwd })).runtime.alerting;
}

interface Instance {
  alerting: Alerting;
  timers: ManualTimers;
  errors: Array<[string, unknown]>;
  escalated: Array<{ level: number; atMs: number }>;
}

const running: Alerting[] = [];
afterEach(async () => {
  for (const alerting of running.splice(0)) await alerting.stop();
});

describe('alert group escalation through the assembled pipeline', () => {
  let notifiers: Map<string, ScriptedNotifier>;
  let now: () => number;

  /** Sends of the escalation notifications to `receiver`, as minutes after the alert fired. */
  const escalationSendsTo = (receiver: string) =>
    (notifiers.get(receiver)?.calls ?? []).filter((call) => call.groupKey.endsWith('/escalation')).map((call) => (call.atMs - startMs) / minute);

  /** One process: its own clock and timers starting at `atMs`, a new connection to `file`. */
  async function startInstance(file: TestStoreFile, atMs: number, settings: AlertingSettings): Promise<Instance> {
    const timers = createManualTimers(atMs);
    now = () => timers.clock.nowMs();
    const store = await file.open();
    const bus = createEventBus({ clock: timers.clock });
    const escalated: Instance['escalated'] = [];
    bus.subscribe((event) => {
      if (event.type === 'alert.escalated') escalated.push({ level: (event.data as { level: number }).level, atMs: timers.clock.nowMs() });
    });
    const errors: Array<[string, unknown]> = [];
    const alerting = createAlerting({
      store,
      bus,
      clock: timers.clock,
      timers,
      settings,
      buildNotifiers: (config) => ({
        integrations: new Map(
          config.receivers.map((receiver): [string, BuiltIntegration[]] => [
            receiver.name,
            [{ ref: { receiver: receiver.name, key: 'webhook_configs', index: 0 }, notifier: notifiers.get(receiver.name) as ScriptedNotifier, sendResolved: true, maxAlerts: 0 }],
          ]),
        ),
        problems: [],
      }),
      ruleSources: {},
      onError: (error, context) => errors.push([context, error]),
    });
    running.push(alerting);
    await alerting.start();
    await timers.settle();
    return { alerting, timers, errors, escalated };
  }

  async function stopInstance(instance: Instance): Promise<void> {
    await instance.alerting.stop();
    running.splice(running.indexOf(instance.alerting), 1);
  }

  const setUp = async () => {
    notifiers = new Map(['team-a', 'team-b', 'team-c'].map((name) => [name, scriptedNotifier(() => now(), () => ok)]));
    return { file: await newStoreFile(), settings: await loadSettings() };
  };

  const fireP1 = async (instance: Instance) => {
    await instance.alerting.registry.sink([{ labels, endsAtMs: startMs + 6 * hour }], 'manual');
    await instance.timers.advanceMs(0);
  };

  it('without a restart: level 1 at exactly minute 15, not a millisecond before, level 2 at minute 30', async () => {
    const { file, settings } = await setUp();
    const instance = await startInstance(file, startMs, settings);
    await fireP1(instance);
    expect(notifiers.get('team-a')?.calls.map((call) => call.groupKey)).toEqual(['{}:{alertname="CheckoutDown"}', '{}:{alertname="CheckoutDown"}/escalation']);
    expect(escalationSendsTo('team-a')).toEqual([0]);

    await instance.timers.advanceMs(15 * minute - 1);
    expect(escalationSendsTo('team-b')).toEqual([]);
    await instance.timers.advanceMs(1);
    expect(escalationSendsTo('team-b')).toEqual([15]);
    expect(escalationSendsTo('team-c')).toEqual([]);

    await instance.timers.advanceMs(15 * minute);
    expect(escalationSendsTo('team-c')).toEqual([30]);
    await instance.timers.advanceMs(hour);
    expect(escalationSendsTo('team-a')).toEqual([0]);
    expect(escalationSendsTo('team-b')).toEqual([15]);
    expect(escalationSendsTo('team-c')).toEqual([30]);
    expect(instance.escalated.map((event) => [event.level, (event.atMs - startMs) / minute])).toEqual([[0, 0], [1, 15], [2, 30]]);
    expect(instance.errors).toEqual([]);
  });

  it('a level that fell due while no process ran fires once at the next start; acknowledging stops the rest', async () => {
    const { file, settings } = await setUp();
    const first = await startInstance(file, startMs, settings);
    await fireP1(first);
    expect(escalationSendsTo('team-a')).toEqual([0]);
    await first.timers.advanceMs(5 * minute);
    await stopInstance(first);
    expect(first.errors).toEqual([]);

    // Nothing runs from minute 5 to minute 20; then a new process over the same file.
    const second = await startInstance(file, startMs + 20 * minute, settings);
    expect(escalationSendsTo('team-b')).toEqual([20]);
    await second.timers.advanceMs(5 * minute);
    expect(escalationSendsTo('team-b')).toEqual([20]);
    expect(escalationSendsTo('team-a')).toEqual([0]);
    // The notification log kept the restarted group from telling team-a again.
    expect(notifiers.get('team-a')?.calls).toHaveLength(2);

    await second.alerting.registry.acknowledge(fingerprint, 'ann');
    await second.timers.advanceMs(2 * hour);
    expect(escalationSendsTo('team-c')).toEqual([]);
    expect(escalationSendsTo('team-b')).toEqual([20]);
    expect(second.alerting.escalation.get({ kind: 'alert-group', id: '{}:{alertname="CheckoutDown"}' })).toMatchObject({ status: 'acknowledged', nextDueAtMs: null });
    expect(second.escalated.map((event) => [event.level, (event.atMs - startMs) / minute])).toEqual([[1, 20]]);
    expect(second.errors).toEqual([]);
  });
});
