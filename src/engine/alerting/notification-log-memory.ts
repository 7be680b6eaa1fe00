/**
 * The notification log held in memory over its store, as Alertmanager holds its nflog: every
 * group flush reads its entry (the dedup decision), and a read through the store cost a query
 * per flush (building and compiling it was most of that) — 5,000 of them in a fan-out of 5,000
 * groups. Here reads come from a map loaded once at start; writes go to the store first and
 * reach the map only after they committed, so the map never knows something a restart would
 * forget. One process owns alerting per store (docs/operations.md), so nothing else writes the
 * table behind the map's back.
 *
 * Before `load()` resolves, reads go to the store.
 */
import type { NotificationLogEntry, NotificationLogRepository } from '../../adapters/store/alerting-repositories.js';
import type { IntegrationRef } from '../../core/alerting/notification.js';

export interface NotificationLogMemory extends NotificationLogRepository {
  /** Reads every stored entry into memory; later reads are answered from it. */
  load(): Promise<void>;
  /** Entries held in memory (metrics, tests). */
  size(): number;
}

const keyOf = (integration: IntegrationRef, groupKey: string): string => `${integration.receiver}\u0000${integration.key}\u0000${integration.index}\u0000${groupKey}`;

export function createNotificationLogMemory(store: NotificationLogRepository): NotificationLogMemory {
  let entries: Map<string, NotificationLogEntry> | undefined;

  const remember = (entry: NotificationLogEntry): void => {
    entries?.set(keyOf(entry.integration, entry.groupKey), entry);
  };

  return {
    async load() {
      const loaded = new Map<string, NotificationLogEntry>();
      for (const entry of await store.all()) loaded.set(keyOf(entry.integration, entry.groupKey), entry);
      entries = loaded;
    },
    size: () => entries?.size ?? 0,
    get(integration, groupKey) {
      if (entries === undefined) return store.get(integration, groupKey);
      return Promise.resolve(entries.get(keyOf(integration, groupKey)));
    },
    async all() {
      if (entries === undefined) return store.all();
      return [...entries.values()];
    },
    async upsert(entry) {
      await store.upsert(entry);
      remember(entry);
    },
    async upsertMany(list) {
      await store.upsertMany(list);
      for (const entry of list) remember(entry);
    },
    async deleteOlderThan(beforeMs, limit) {
      const deleted = await store.deleteOlderThan(beforeMs, limit);
      // The store deletes at most `limit` per call; once it ran out, nothing older is left there.
      if (entries !== undefined && deleted < limit) {
        for (const [key, entry] of entries) if (entry.sentAtMs < beforeMs) entries.delete(key);
      }
      return deleted;
    },
  };
}
