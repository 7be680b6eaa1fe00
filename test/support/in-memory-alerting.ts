/**
 * IN-MEMORY STAND-INS for the alerting repositories, for the unit tests of the alert registry,
 * silence service and dispatcher only, written while the SQLite/PostgreSQL implementations were
 * being built in parallel. They keep the interfaces' contracts that those tests rely on (copies
 * in and out, ordering) and can be told to fail, to test what a failed write does. Tests of the
 * real pipeline use the real store.
 */
import type { Alert } from '../../src/core/alerting/alert.js';
import type { IntegrationRef } from '../../src/core/alerting/notification.js';
import type { Silence } from '../../src/core/alerting/silence.js';
import type { AlertRepository, NotificationLogEntry, NotificationLogRepository, SilenceRepository } from '../../src/adapters/store/alerting-repositories.js';

/** Makes the next writes reject, as a full disk or a lost database connection would. */
export interface FailureSwitch {
  failWrites: boolean;
  writes: number;
}

function checkWrite(failure: FailureSwitch): void {
  if (failure.failWrites) throw new Error('in-memory repository: write failed (test)');
  failure.writes += 1;
}

export function createInMemoryAlertRepository(): AlertRepository & FailureSwitch & { rows: Map<string, Alert> } {
  const rows = new Map<string, Alert>();
  const self = {
    rows,
    failWrites: false,
    writes: 0,
    upsert(alerts: readonly Alert[]) {
      checkWrite(self);
      for (const alert of alerts) rows.set(alert.fingerprint, structuredClone(alert));
      return Promise.resolve();
    },
    all: () => Promise.resolve([...rows.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)).map((alert) => structuredClone(alert))),
    get: (fingerprint: string) => Promise.resolve(rows.has(fingerprint) ? structuredClone(rows.get(fingerprint)) : undefined),
    deleteResolvedBefore(beforeMs: number, limit: number) {
      checkWrite(self);
      let deleted = 0;
      for (const [fingerprint, alert] of rows) {
        if (deleted >= limit) break;
        if (alert.endsAtMs < beforeMs) {
          rows.delete(fingerprint);
          deleted += 1;
        }
      }
      return Promise.resolve(deleted);
    },
  };
  return self;
}

export function createInMemorySilenceRepository(): SilenceRepository & FailureSwitch & { rows: Map<string, Silence> } {
  const rows = new Map<string, Silence>();
  // Matchers hold compiled regexes, which structuredClone cannot copy: copy shallowly instead.
  const copy = (silence: Silence): Silence => ({ ...silence, matchers: [...silence.matchers] });
  const self = {
    rows,
    failWrites: false,
    writes: 0,
    upsert(silence: Silence) {
      checkWrite(self);
      rows.set(silence.id, copy(silence));
      return Promise.resolve();
    },
    get: (id: string) => Promise.resolve(rows.has(id) ? copy(rows.get(id) as Silence) : undefined),
    all: () => Promise.resolve([...rows.values()].sort((a, b) => a.startsAtMs - b.startsAtMs || (a.id < b.id ? -1 : 1)).map(copy)),
    deleteExpiredBefore(beforeMs: number, limit: number) {
      checkWrite(self);
      let deleted = 0;
      for (const [id, silence] of rows) {
        if (deleted < limit && silence.endsAtMs < beforeMs) {
          rows.delete(id);
          deleted += 1;
        }
      }
      return Promise.resolve(deleted);
    },
  };
  return self;
}

const logKey = (integration: IntegrationRef, groupKey: string) => JSON.stringify([integration.receiver, integration.key, integration.index, groupKey]);

export function createInMemoryNotificationLogRepository(): NotificationLogRepository & FailureSwitch & { rows: Map<string, NotificationLogEntry> } {
  const rows = new Map<string, NotificationLogEntry>();
  const self = {
    rows,
    failWrites: false,
    writes: 0,
    get: (integration: IntegrationRef, groupKey: string) => Promise.resolve(structuredClone(rows.get(logKey(integration, groupKey)))),
    all: () => Promise.resolve([...rows.values()].map((entry) => structuredClone(entry))),
    upsert(entry: NotificationLogEntry) {
      checkWrite(self);
      rows.set(logKey(entry.integration, entry.groupKey), structuredClone(entry));
      return Promise.resolve();
    },
    deleteOlderThan(beforeMs: number, limit: number) {
      checkWrite(self);
      let deleted = 0;
      for (const [key, entry] of rows) {
        if (deleted < limit && entry.sentAtMs < beforeMs) {
          rows.delete(key);
          deleted += 1;
        }
      }
      return Promise.resolve(deleted);
    },
  };
  return self;
}
