import { describe, expect, it } from 'vitest';
import { createSessionStore, readCookie, sessionCookie } from './sessions.js';

function fakeClock(startMs: number) {
  let nowMs = startMs;
  return { clock: { nowMs: () => nowMs }, advance: (ms: number) => (nowMs += ms) };
}

describe('session store', () => {
  it('expires a session at its fixed end, not later', () => {
    const { clock, advance } = fakeClock(1_000_000);
    const store = createSessionStore({ clock, ttlMs: 60_000 });
    const { id, session } = store.create('alice', 'responder');
    expect(session.expiresAtMs).toBe(1_060_000);
    advance(59_999);
    expect(store.find(id)?.tokenName).toBe('alice');
    advance(1);
    expect(store.find(id)).toBeUndefined();
  });

  it('revokes one session, or every session of a token', () => {
    const { clock } = fakeClock(0);
    const store = createSessionStore({ clock, ttlMs: 60_000 });
    const a = store.create('alice', 'viewer');
    const b = store.create('alice', 'viewer');
    const c = store.create('bob', 'admin');
    store.revoke(a.id);
    expect(store.find(a.id)).toBeUndefined();
    expect(store.revokeToken('alice')).toBe(1);
    expect(store.find(b.id)).toBeUndefined();
    expect(store.find(c.id)?.role).toBe('admin');
  });

  it('drops the oldest session beyond the cap', () => {
    const { clock } = fakeClock(0);
    let counter = 0;
    const store = createSessionStore({ clock, ttlMs: 60_000, maxSessions: 2, randomId: () => `id-${(counter += 1)}` });
    const first = store.create('a', 'viewer');
    store.create('b', 'viewer');
    const third = store.create('c', 'viewer');
    expect(store.find(first.id)).toBeUndefined();
    expect(store.find(third.id)?.tokenName).toBe('c');
  });
});

describe('cookies', () => {
  it.each([
    [undefined, undefined],
    ['srem_session=abc', 'abc'],
    ['theme=dark; srem_session=a-b_c; other=1', 'a-b_c'],
    ['xsrem_session=nope', undefined],
  ])('reads %s', (header, expected) => {
    expect(readCookie(header, 'srem_session')).toBe(expected);
  });

  it('writes httpOnly, SameSite=Strict cookies, Secure over https', () => {
    expect(sessionCookie('v', 60, false)).toBe('srem_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('', 0, true)).toContain('Max-Age=0; Secure');
  });
});
