// Contract cases for the alerting pipeline's state: alerts round-trip exactly and are replaced
// by fingerprint, silences keep their matchers (regexes compiled again and working), the
// notification log is keyed by (integration, group key), retention deletes oldest first within
// its limit, and everything survives closing and reopening the store. Outbox cases live in
// outbox-cases.contract.ts.
import { describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../core/alerting/alert.js';
import { createMatcher, matchersMatch } from '../../core/alerting/label-matcher.js';
import type { Silence } from '../../core/alerting/silence.js';
import { baseAlert, baseLogEntry, baseNotification, baseSilence, webhook } from './alerting-builders.contract.js';
import { registerOutboxCases } from './outbox-cases.contract.js';
import { epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

/** Matchers without their compiled regex: what a user wrote. */
const written = (silence: Silence | undefined) => silence?.matchers.map(({ type, name, value }) => ({ type, name, value }));

export function registerAlertingCases(current: () => Store): void {
  registerAlertCases(current);
  registerSilenceCases(current);
  registerNotificationLogCases(current);
  registerOutboxCases(current);
}

function registerAlertCases(current: () => Store): void {
  describe('alerts', () => {
    it('returns upserted alerts exactly, ordered by fingerprint', async () => {
      const acknowledged = baseAlert({ fingerprint: '00000000000000ff', acknowledgedBy: 'bob', acknowledgedAtMs: epochMs + 5_000, endsAtFromTimeout: false, source: 'manual' });
      await current().alerts.upsert([baseAlert(), acknowledged]);
      expect(await current().alerts.all()).toEqual([acknowledged, baseAlert()]);
      expect(await current().alerts.get(baseAlert().fingerprint)).toEqual(baseAlert());
      expect(await current().alerts.get('ffffffffffffffff')).toBeUndefined();
    });

    it('replaces every field of an alert with the same fingerprint; the last of a batch wins', async () => {
      await current().alerts.upsert([baseAlert()]);
      const changed = baseAlert({ annotations: {}, endsAtMs: epochMs + 60_000, endsAtFromTimeout: false, updatedAtMs: epochMs + 9_000, generatorUrl: '', source: 'rule', acknowledgedBy: 'carol', acknowledgedAtMs: epochMs + 8_000 });
      await current().alerts.upsert([baseAlert({ labels: { alertname: 'Earlier' } }), changed]);
      expect(await current().alerts.all()).toEqual([changed]);
    });

    it('stores a push of 2,500 alerts (several statements) in one call', async () => {
      const alerts = Array.from({ length: 2_500 }, (_, index) => {
        const labels = { alertname: 'Load', instance: `host-${index}` };
        return baseAlert({ fingerprint: alertFingerprint(labels), labels });
      });
      await current().alerts.upsert(alerts);
      const stored = await current().alerts.all();
      expect(stored).toHaveLength(2_500);
      expect(stored.map((alert) => alert.fingerprint)).toEqual(alerts.map((alert) => alert.fingerprint).sort());
    });

    it('deletes alerts that ended before a time, oldest first, at most `limit`', async () => {
      await current().alerts.upsert([
        baseAlert({ fingerprint: 'a000000000000001', endsAtMs: epochMs + 3_000 }),
        baseAlert({ fingerprint: 'a000000000000002', endsAtMs: epochMs + 1_000 }),
        baseAlert({ fingerprint: 'a000000000000003', endsAtMs: epochMs + 2_000 }),
        baseAlert({ fingerprint: 'a000000000000004', endsAtMs: epochMs + 10_000 }),
      ]);
      expect(await current().alerts.deleteResolvedBefore(epochMs + 5_000, 0)).toBe(0);
      expect(await current().alerts.deleteResolvedBefore(epochMs + 5_000, 2)).toBe(2);
      expect((await current().alerts.all()).map((alert) => alert.fingerprint)).toEqual(['a000000000000001', 'a000000000000004']);
      expect(await current().alerts.deleteResolvedBefore(epochMs + 5_000, 100)).toBe(1);
      expect(await current().alerts.deleteResolvedBefore(epochMs + 5_000, 100)).toBe(0);
      expect((await current().alerts.all()).map((alert) => alert.fingerprint)).toEqual(['a000000000000004']);
    });
  });
}

function registerSilenceCases(current: () => Store): void {
  describe('silences', () => {
    it('returns a silence with its matchers as written, regexes compiled and matching', async () => {
      await current().silences.upsert(baseSilence());
      const stored = await current().silences.get(baseSilence().id);
      expect(stored).toMatchObject({ ...baseSilence(), matchers: expect.any(Array) as unknown });
      expect(written(stored)).toEqual(written(baseSilence()));
      const matchers = stored?.matchers ?? [];
      expect(matchersMatch(matchers, { service: 'checkout', severity: 'P1', env: 'prod' })).toBe(true);
      expect(matchersMatch(matchers, { service: 'checkout', severity: 'px', env: 'prod' })).toBe(false);
      expect(matchersMatch(matchers, { service: 'checkout', severity: 'p2', env: 'dev' })).toBe(false);
      expect(await current().silences.get('missing')).toBeUndefined();
    });

    it('replaces a silence with the same id (expiring it keeps it)', async () => {
      await current().silences.upsert(baseSilence());
      const expired = baseSilence({ endsAtMs: epochMs + 60_000, updatedAtMs: epochMs + 60_000, comment: '', matchers: [createMatcher('!=', 'team', '')] });
      await current().silences.upsert(expired);
      const all = await current().silences.all();
      expect(all).toHaveLength(1);
      expect({ ...all[0], matchers: written(all[0]) }).toEqual({ ...expired, matchers: written(expired) });
    });

    it('lists every silence by start, then id', async () => {
      await current().silences.upsert(baseSilence({ id: 'c', startsAtMs: epochMs + 1 }));
      await current().silences.upsert(baseSilence({ id: 'b', startsAtMs: epochMs }));
      await current().silences.upsert(baseSilence({ id: 'a', startsAtMs: epochMs + 1 }));
      expect((await current().silences.all()).map((silence) => silence.id)).toEqual(['b', 'a', 'c']);
    });

    it('deletes silences that ended before a time, oldest first, at most `limit`', async () => {
      for (const [id, endsAtMs] of [['s1', 3_000], ['s2', 1_000], ['s3', 9_000]] as const) {
        await current().silences.upsert(baseSilence({ id, endsAtMs: epochMs + endsAtMs }));
      }
      expect(await current().silences.deleteExpiredBefore(epochMs + 5_000, 1)).toBe(1);
      expect((await current().silences.all()).map((silence) => silence.id)).toEqual(['s1', 's3']);
      expect(await current().silences.deleteExpiredBefore(epochMs + 5_000, 10)).toBe(1);
      expect((await current().silences.all()).map((silence) => silence.id)).toEqual(['s3']);
    });
  });
}

function registerNotificationLogCases(current: () => Store): void {
  describe('notification log', () => {
    it('keys entries by receiver, integration key and index, and group key', async () => {
      const second = { ...webhook, index: 1 };
      const entries = [
        baseLogEntry(),
        baseLogEntry({ integration: second, firingFingerprints: [], resolvedFingerprints: ['0123456789abcdef'] }),
        baseLogEntry({ groupKey: '{}:{alertname="Other"}' }),
        baseLogEntry({ integration: { receiver: 'team-db', key: 'slack_configs', index: 0 } }),
      ];
      for (const entry of entries) await current().notificationLog.upsert(entry);
      expect(await current().notificationLog.get(webhook, baseLogEntry().groupKey)).toEqual(baseLogEntry());
      expect(await current().notificationLog.get(second, baseLogEntry().groupKey)).toEqual(entries[1]);
      expect(await current().notificationLog.get({ ...webhook, receiver: 'other' }, baseLogEntry().groupKey)).toBeUndefined();
      // Byte order: slack_configs < webhook_configs; index 0 < 1; '{}/' < '{}:'.
      expect(await current().notificationLog.all()).toEqual([entries[3], entries[0], entries[2], entries[1]]);
    });

    it('replaces the entry of the same key', async () => {
      await current().notificationLog.upsert(baseLogEntry());
      const later = baseLogEntry({ firingFingerprints: [], resolvedFingerprints: ['0123456789abcdef', 'fedcba9876543210'], sentAtMs: epochMs + 300_000 });
      await current().notificationLog.upsert(later);
      expect(await current().notificationLog.all()).toEqual([later]);
    });

    it('upserts many entries in one call, the last entry of a key winning', async () => {
      await current().notificationLog.upsert(baseLogEntry({ groupKey: 'g1' }));
      const replaced = baseLogEntry({ groupKey: 'g1', firingFingerprints: [], resolvedFingerprints: ['0123456789abcdef'], sentAtMs: epochMs + 60_000 });
      const twice = baseLogEntry({ groupKey: 'g2', sentAtMs: epochMs + 120_000 });
      await current().notificationLog.upsertMany([replaced, baseLogEntry({ groupKey: 'g2' }), twice, baseLogEntry({ groupKey: 'g3' })]);
      await current().notificationLog.upsertMany([]);
      expect(await current().notificationLog.all()).toEqual([replaced, twice, baseLogEntry({ groupKey: 'g3' })]);
    });

    it('deletes entries sent before a time, oldest first, at most `limit`', async () => {
      for (const [groupKey, sentAtMs] of [['g1', 3_000], ['g2', 1_000], ['g3', 9_000]] as const) {
        await current().notificationLog.upsert(baseLogEntry({ groupKey, sentAtMs: epochMs + sentAtMs }));
      }
      expect(await current().notificationLog.deleteOlderThan(epochMs + 5_000, 0)).toBe(0);
      expect(await current().notificationLog.deleteOlderThan(epochMs + 5_000, 1)).toBe(1);
      expect((await current().notificationLog.all()).map((entry) => entry.groupKey)).toEqual(['g1', 'g3']);
      expect(await current().notificationLog.deleteOlderThan(epochMs + 5_000, 10)).toBe(1);
      expect((await current().notificationLog.all()).map((entry) => entry.groupKey)).toEqual(['g3']);
    });
  });
}

/** Writes alerting state, closes `store`, reopens and checks it all came back (the restart case). */
export async function checkAlertingSurvivesReopen(store: Store, reopen: () => Promise<Store>): Promise<void> {
  await store.alerts.upsert([baseAlert()]);
  await store.silences.upsert(baseSilence());
  await store.notificationLog.upsert(baseLogEntry());
  await store.outbox.enqueue([baseNotification({ idempotencyKey: 'a' }), baseNotification({ idempotencyKey: 'b' })], epochMs);
  const [first] = await store.outbox.due(epochMs, 10);
  await store.outbox.markSent(first!.id, epochMs + 1_000);
  await store.close();

  const reopened = await reopen();
  try {
    expect(await reopened.alerts.all()).toEqual([baseAlert()]);
    expect(written(await reopened.silences.get(baseSilence().id))).toEqual(written(baseSilence()));
    expect(await reopened.notificationLog.all()).toEqual([baseLogEntry()]);
    const due = await reopened.outbox.due(epochMs + 2_000, 10);
    expect(due.map((item) => item.notification)).toEqual([baseNotification({ idempotencyKey: 'b' })]);
    expect(await reopened.outbox.countByStatus()).toEqual({ pending: 1, sent: 1, dead: 0 });
    // Ids keep increasing after a restart: enqueue order stays delivery order.
    await reopened.outbox.enqueue([baseNotification({ idempotencyKey: 'c', groupKey: 'other' })], epochMs + 3_000);
    const [newest] = await reopened.outbox.list({ limit: 1 });
    expect(newest?.notification.idempotencyKey).toBe('c');
    expect(newest!.id).toBeGreaterThan(due[0]!.id);
  } finally {
    await reopened.close();
  }
}
