/**
 * Dashboard sessions: an API token exchanged once for a random session id carried in an
 * httpOnly cookie, so the token never sits in the browser's storage where a script could read it.
 * Kept in memory (a restart logs everyone out, which is acceptable for a dashboard) and keyed by
 * the id's SHA-256 so a heap dump does not hand out live cookies. Sessions end at a fixed time
 * after login, on logout, and when the token behind them is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Role } from '../core/auth/roles.js';

export const sessionCookieName = 'srem_session';

export interface Session {
  tokenName: string;
  role: Role;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface SessionStore {
  /** Returns the new session and its id, which only the cookie carries. */
  create(tokenName: string, role: Role): { id: string; session: Session };
  /** The live session for `id`, else undefined (unknown, expired or revoked). */
  find(id: string): Session | undefined;
  revoke(id: string): void;
  /** Ends every session opened with the token `tokenName` (it was revoked). */
  revokeToken(tokenName: string): number;
}

export interface SessionStoreOptions {
  clock: Clock;
  ttlMs: number;
  /** The oldest sessions are dropped beyond this, so logins cannot grow memory without bound. */
  maxSessions?: number;
  randomId?: () => string;
}

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 10_000;
  const randomId = options.randomId ?? (() => randomBytes(32).toString('base64url'));

  return {
    create(tokenName, role) {
      const nowMs = options.clock.nowMs();
      const id = randomId();
      const session: Session = { tokenName, role, createdAtMs: nowMs, expiresAtMs: nowMs + options.ttlMs };
      // Map iteration follows insertion order, so the first key is the oldest session.
      while (sessions.size >= maxSessions) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      sessions.set(hashId(id), session);
      return { id, session };
    },
    find(id) {
      const key = hashId(id);
      const session = sessions.get(key);
      if (!session) return undefined;
      if (session.expiresAtMs <= options.clock.nowMs()) {
        sessions.delete(key);
        return undefined;
      }
      return session;
    },
    revoke(id) {
      sessions.delete(hashId(id));
    },
    revokeToken(tokenName) {
      let ended = 0;
      for (const [key, session] of sessions) {
        if (session.tokenName !== tokenName) continue;
        sessions.delete(key);
        ended += 1;
      }
      return ended;
    },
  };
}

/** The value of cookie `name` in a Cookie header, else undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value; `maxAgeSeconds` 0 deletes the cookie. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${sessionCookieName}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}
