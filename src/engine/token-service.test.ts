// The token service over a real SQLite store: verified tokens answered from memory for a few
// seconds, revocations through this process at once, and revocations written to the store by
// another process (`sre-monitor token revoke`) found by the periodic check.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers } from '../../test/support/manual-timers.js';
import { useTestStoreFiles } from '../../test/support/real-store.js';
import type { Store } from '../adapters/store/store.js';
import { createEventBus } from './event-bus.js';
import { createTokenService, verifiedForMs, type TokenService } from './token-service.js';

const cli = { name: 'cli', role: 'admin' as const, requestId: null };

describe('token service', () => {
  const newStoreFile = useTestStoreFiles();
  let store: Store;
  let timers: ManualTimers;
  let tokens: TokenService;
  let lookups: number;
  let revokedEvents: string[];
  let stopWatch: () => void = () => undefined;

  beforeEach(async () => {
    store = await (await newStoreFile()).open();
    timers = createManualTimers();
    const findByHash = store.tokens.findByHash.bind(store.tokens);
    store.tokens.findByHash = (hash) => {
      lookups += 1;
      return findByHash(hash);
    };
    lookups = 0;
    revokedEvents = [];
    const bus = createEventBus({ clock: timers.clock });
    bus.subscribe((event) => {
      if (event.type === 'token.revoked') revokedEvents.push(event.data.name);
    });
    tokens = createTokenService({ store, clock: timers.clock, bus });
  });
  afterEach(async () => {
    stopWatch();
    await store.close();
  });

  it('answers a verified token from memory for a few seconds, then reads it again', async () => {
    const { secret } = await tokens.create('ci-bot', 'responder', cli);
    expect((await tokens.verify(secret))?.name).toBe('ci-bot');
    await timers.advanceMs(verifiedForMs - 1);
    expect((await tokens.verify(secret))?.role).toBe('responder');
    expect(lookups).toBe(1);
    await timers.advanceMs(1);
    expect((await tokens.verify(secret))?.name).toBe('ci-bot');
    expect(lookups).toBe(2);
  });

  it('looks up every unknown token, never remembering a miss', async () => {
    expect(await tokens.verify('srem_not-a-token')).toBeUndefined();
    expect(await tokens.verify('srem_not-a-token')).toBeUndefined();
    expect(await tokens.verify('no-prefix')).toBeUndefined();
    expect(lookups).toBe(2);
  });

  it('stops accepting a token revoked through this process at once', async () => {
    const { secret } = await tokens.create('ci-bot', 'viewer', cli);
    await tokens.verify(secret);
    await tokens.revoke('ci-bot', cli);
    expect(await tokens.verify(secret)).toBeUndefined();
    expect(revokedEvents).toEqual(['ci-bot']);
    // Already told: the next check finds nothing more.
    expect(await tokens.checkRevocations()).toEqual([]);
    expect(revokedEvents).toEqual(['ci-bot']);
  });

  it('finds tokens revoked or replaced by another process, forgets them and publishes token.revoked', async () => {
    const first = await tokens.create('ci-bot', 'admin', cli);
    const second = await tokens.create('grafana', 'viewer', cli);
    const untouched = await tokens.create('oncall', 'responder', cli);
    for (const { secret } of [first, second, untouched]) await tokens.verify(secret);
    // Another process (the CLI) on the same store: revokes one, and revokes and re-creates the other under its name.
    const other = createTokenService({ store, clock: timers.clock });
    await other.revoke('ci-bot', cli);
    await other.revoke('grafana', cli);
    const replacement = await other.create('grafana', 'admin', cli);
    // Until the check, this process still answers from memory.
    expect((await tokens.verify(first.secret))?.name).toBe('ci-bot');
    expect((await tokens.checkRevocations()).sort()).toEqual(['ci-bot', 'grafana']);
    expect(revokedEvents.sort()).toEqual(['ci-bot', 'grafana']);
    expect(await tokens.verify(first.secret)).toBeUndefined();
    expect(await tokens.verify(second.secret)).toBeUndefined();
    expect((await tokens.verify(replacement.secret))?.role).toBe('admin');
    expect((await tokens.verify(untouched.secret))?.name).toBe('oncall');
    expect(await tokens.checkRevocations()).toEqual([]);
  });

  it('checks for revocations every few seconds once watching, and not after it stops', async () => {
    const { secret } = await tokens.create('ci-bot', 'viewer', cli);
    await tokens.verify(secret);
    stopWatch = tokens.watchRevocations(timers, (error) => {
      throw error;
    });
    await store.tokens.revoke('ci-bot');
    await timers.advanceMs(verifiedForMs);
    expect(revokedEvents).toEqual(['ci-bot']);
    expect(await tokens.verify(secret)).toBeUndefined();

    const again = await tokens.create('grafana', 'viewer', cli);
    await tokens.verify(again.secret);
    stopWatch();
    await store.tokens.revoke('grafana');
    await timers.advanceMs(3 * verifiedForMs);
    expect(revokedEvents).toEqual(['ci-bot']);
    expect(timers.pendingCount()).toBe(0);
  });
});
