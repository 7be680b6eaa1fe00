import { describe, expect, it } from 'vitest';
import type { NotificationLogEntry } from '../../adapters/store/alerting-repositories.js';
import { useTestStoreFiles, withFailureSwitch } from '../../../test/support/real-store.js';
import { createNotificationLogMemory } from './notification-log-memory.js';

const newStoreFile = useTestStoreFiles();
const ref = { receiver: 'team', key: 'webhook_configs', index: 0 };
const entry = (groupKey: string, sentAtMs: number, firing: string[] = ['a1']): NotificationLogEntry => ({
  integration: ref, groupKey, firingFingerprints: firing, resolvedFingerprints: [], sentAtMs,
});

describe('createNotificationLogMemory', () => {
  it('answers reads from what the store held at load, without asking the store again', async () => {
    const store = await (await newStoreFile()).open();
    await store.notificationLog.upsert(entry('{}:{g="1"}', 1_000));
    const reads = { count: 0 };
    const counted = { ...store.notificationLog, get: (...args: Parameters<typeof store.notificationLog.get>) => ((reads.count += 1), store.notificationLog.get(...args)) };
    const log = createNotificationLogMemory(counted);
    // Before load: the store answers.
    expect(await log.get(ref, '{}:{g="1"}')).toMatchObject({ sentAtMs: 1_000 });
    expect(reads.count).toBe(1);
    await log.load();
    expect(await log.get(ref, '{}:{g="1"}')).toMatchObject({ sentAtMs: 1_000, firingFingerprints: ['a1'] });
    expect(await log.get(ref, '{}:{g="2"}')).toBeUndefined();
    expect(await log.get({ ...ref, index: 1 }, '{}:{g="1"}')).toBeUndefined();
    expect(reads.count).toBe(1);
    expect(log.size()).toBe(1);
  });

  it('writes to the store first and remembers only what committed', async () => {
    const storeFile = await newStoreFile();
    const store = await storeFile.open();
    const failing = withFailureSwitch(store.notificationLog, ['upsert', 'upsertMany']);
    const log = createNotificationLogMemory(failing);
    await log.load();
    await log.upsert(entry('{}:{g="1"}', 1_000));
    await log.upsertMany([entry('{}:{g="2"}', 2_000), entry('{}:{g="2"}', 2_500, ['b1', 'b2'])]);
    failing.failWrites = true;
    await expect(log.upsert(entry('{}:{g="1"}', 3_000))).rejects.toThrow(/write failed/);
    await expect(log.upsertMany([entry('{}:{g="3"}', 3_000)])).rejects.toThrow(/write failed/);
    expect(await log.get(ref, '{}:{g="1"}')).toMatchObject({ sentAtMs: 1_000 });
    expect(await log.get(ref, '{}:{g="2"}')).toMatchObject({ sentAtMs: 2_500, firingFingerprints: ['b1', 'b2'] });
    expect(await log.get(ref, '{}:{g="3"}')).toBeUndefined();
    // What a restart sees is what the memory held.
    const reopened = createNotificationLogMemory((await storeFile.open()).notificationLog);
    await reopened.load();
    expect(await reopened.all()).toEqual(expect.arrayContaining(await log.all()));
    expect(reopened.size()).toBe(2);
  });

  it('forgets old entries once the store has deleted all of them', async () => {
    const store = await (await newStoreFile()).open();
    const log = createNotificationLogMemory(store.notificationLog);
    await log.load();
    for (let n = 0; n < 5; n += 1) await log.upsert(entry(`{}:{g="${n}"}`, 1_000 + n));
    await log.upsert(entry('{}:{g="new"}', 9_000));
    // The store deletes 2 per call: the memory keeps the old ones until the store has none left.
    expect(await log.deleteOlderThan(5_000, 2)).toBe(2);
    expect(log.size()).toBe(6);
    expect(await log.deleteOlderThan(5_000, 2)).toBe(2);
    expect(await log.deleteOlderThan(5_000, 2)).toBe(1);
    expect(log.size()).toBe(1);
    expect(await log.get(ref, '{}:{g="0"}')).toBeUndefined();
    expect(await log.get(ref, '{}:{g="new"}')).toMatchObject({ sentAtMs: 9_000 });
    expect(await store.notificationLog.all()).toHaveLength(1);
  });
});
