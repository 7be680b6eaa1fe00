/**
 * For tests of the outbox delivery: a real SQLite store in a temporary directory (reopenable, to
 * test restarts), manual timers, scripted notifiers standing in for the real channels (those
 * are tested against local receivers in src/adapters/notifiers), and notification builders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { Store } from '../../src/adapters/store/store.js';
import type { DeliveryResult, IntegrationRef, Notification, Notifier } from '../../src/core/alerting/notification.js';

/** What a scripted notifier answers to its `call`-th send (0-based) at `nowMs`. */
export type Script = (notification: Notification, call: number, signal: AbortSignal) => DeliveryResult | Promise<DeliveryResult>;

export interface ScriptedNotifier extends Notifier {
  /** Every send, in call order. */
  readonly calls: Array<{ key: string; groupKey: string; atMs: number }>;
  /** Idempotency keys of the sends that answered ok, in order. */
  readonly delivered: string[];
  script: Script;
}

export const ok: DeliveryResult = { ok: true, status: 200 };
export const unavailable: DeliveryResult = { ok: false, retryable: true, reason: 'server', status: 503, message: 'Service Unavailable' };

export function scriptedNotifier(nowMs: () => number, script: Script): ScriptedNotifier {
  const notifier: ScriptedNotifier = {
    key: 'webhook_configs',
    sendResolved: true,
    calls: [],
    delivered: [],
    script,
    async send(notification, { signal }) {
      const call = notifier.calls.length;
      notifier.calls.push({ key: notification.idempotencyKey, groupKey: notification.groupKey, atMs: nowMs() });
      const result = await notifier.script(notification, call, signal);
      if (result.ok) notifier.delivered.push(notification.idempotencyKey);
      return result;
    },
  };
  return notifier;
}

/** A send that answers only when its signal aborts (a receiver that never responds). */
export function hangUntilAborted(signal: AbortSignal): Promise<DeliveryResult> {
  return new Promise(() => {
    signal.addEventListener('abort', () => undefined);
  });
}

export function integration(receiver: string, index = 0): IntegrationRef {
  return { receiver, key: 'webhook_configs', index };
}

export function notification(idempotencyKey: string, groupKey: string, receiver = 'team-db', createdAtMs = 0): Notification {
  return {
    idempotencyKey,
    integration: integration(receiver),
    groupKey,
    status: 'firing',
    acknowledged: false,
    groupLabels: { alertname: groupKey },
    commonLabels: { alertname: groupKey },
    commonAnnotations: {},
    alerts: [],
    truncatedAlerts: 0,
    externalUrl: 'http://127.0.0.1:9',
    dashboardUrl: 'http://127.0.0.1:9/alerts',
    createdAtMs,
  };
}

export interface TestStoreFile {
  /** Opens (and migrates) a store on the file; the harness closes it in `cleanup`. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function createTestStoreFile(): Promise<TestStoreFile> {
  const directory = await mkdtemp(path.join(tmpdir(), 'sre-monitor-outbox-'));
  const opened: Store[] = [];
  return {
    async open() {
      const store = await createSqliteStore({ path: path.join(directory, 'sre-monitor.db') });
      opened.push(store);
      await store.migrate();
      return store;
    },
    async cleanup() {
      for (const store of opened.splice(0)) await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
