/**
 * API tokens: created once and shown once, stored only as a SHA-256 hash. Tokens are 256 random
 * bits, so a fast hash is enough (no password-style stretching is needed to resist guessing).
 *
 * A verified token is remembered for `verifiedForMs` (5 s): every authenticated request used to
 * look its token up in the store, which on PostgreSQL was a round trip and ~15 % of the server's
 * CPU at 100 requests/s (bench/README.md "Alerts"). A revocation through this process
 * (`revoke`) takes effect at once. `sre-monitor token revoke` writes the store from another
 * process: `checkRevocations` (run every `verifiedForMs` by `watchRevocations`) finds the tokens
 * this process accepted that are gone or replaced, forgets them and publishes `token.revoked`,
 * which also ends their dashboard sessions. So a token revoked elsewhere stops working within
 * ~5 s (decision 29). Unknown tokens are never remembered: each is looked up.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Role } from '../core/auth/roles.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { ApiToken, Store } from '../adapters/store/store.js';
import type { Actor } from './actor.js';
import type { EventBus } from './event-bus.js';
import type { Timers } from './timers.js';

export const tokenPrefix = 'srem_';
export const tokenNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** last_used_at is refreshed at most this often per token, so reads do not turn into writes. */
const touchIntervalMs = 60_000;
/** How long a verified token is answered from memory, and how often revocations by other processes are looked for. */
export const verifiedForMs = 5_000;
/** Verified tokens remembered at most (the oldest is forgotten first). */
const maxRemembered = 1_000;

export interface TokenService {
  /** Returns the stored record and the secret, which is never retrievable again. */
  create(name: string, role: Role, actor: Actor): Promise<{ token: ApiToken; secret: string }>;
  list(): Promise<ApiToken[]>;
  revoke(name: string, actor: Actor): Promise<void>;
  /** The token's record when `secret` is a live token, else undefined. */
  verify(secret: string): Promise<ApiToken | undefined>;
  /**
   * Looks for tokens this process accepted that were revoked (or replaced under the same name)
   * by another process; forgets them and publishes `token.revoked` for each. Answers their names.
   */
  checkRevocations(): Promise<string[]>;
  /** Runs `checkRevocations` every `verifiedForMs`; returns the function that stops it. */
  watchRevocations(timers: Timers, onError: (error: unknown) => void): () => void;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function createTokenService(options: { store: Store; clock: Clock; bus?: EventBus }): TokenService {
  const { store, clock, bus } = options;
  const lastTouchMs = new Map<string, number>();
  const nowIso = () => new Date(clock.nowMs()).toISOString();
  /** Verified tokens by hash, with when they were read from the store; oldest first. */
  const remembered = new Map<string, { token: ApiToken; readAtMs: number }>();
  /** The hash of each token name this process accepted: what `checkRevocations` compares with the store. */
  const accepted = new Map<string, string>();

  function forget(name: string): void {
    for (const [hash, entry] of remembered) if (entry.token.name === name) remembered.delete(hash);
    accepted.delete(name);
    lastTouchMs.delete(name);
  }

  function remember(token: ApiToken, nowMs: number): void {
    remembered.delete(token.tokenHash);
    remembered.set(token.tokenHash, { token, readAtMs: nowMs });
    if (remembered.size > maxRemembered) remembered.delete(remembered.keys().next().value as string);
    accepted.set(token.name, token.tokenHash);
  }

  async function lookUp(secret: string, nowMs: number): Promise<ApiToken | undefined> {
    const hash = hashToken(secret);
    const known = remembered.get(hash);
    if (known !== undefined && nowMs - known.readAtMs < verifiedForMs) return known.token;
    const token = await store.tokens.findByHash(hash);
    if (token === undefined) {
      remembered.delete(hash);
      return undefined;
    }
    remember(token, nowMs);
    return token;
  }

  const service: TokenService = {
    async create(name, role, actor) {
      if (!tokenNamePattern.test(name)) {
        throw new ValidationError([{ field: 'name', message: 'must be 1-64 letters, digits, dots, dashes or underscores' }]);
      }
      const secret = tokenPrefix + randomBytes(32).toString('base64url');
      const token: ApiToken = { name, role, tokenHash: hashToken(secret), createdAt: nowIso(), lastUsedAt: null };
      await store.transaction(async (repos) => {
        await repos.tokens.insert(token);
        await repos.audit.append({
          at: token.createdAt, actor: actor.name, action: 'token.create', objectType: 'token', objectId: name,
          before: null, after: { name, role }, requestId: actor.requestId,
        });
      });
      bus?.publish('token.created', { name, role });
      return { token, secret };
    },

    list: () => store.tokens.list(),

    async revoke(name, actor) {
      await store.transaction(async (repos) => {
        const existing = (await repos.tokens.list()).find((t) => t.name === name);
        if (!existing || !(await repos.tokens.revoke(name))) throw new NotFoundError('token', name);
        await repos.audit.append({
          at: nowIso(), actor: actor.name, action: 'token.revoke', objectType: 'token', objectId: name,
          before: { name, role: existing.role }, after: null, requestId: actor.requestId,
        });
      });
      forget(name);
      bus?.publish('token.revoked', { name });
    },

    async verify(secret) {
      if (!secret.startsWith(tokenPrefix)) return undefined;
      const nowMs = clock.nowMs();
      const token = await lookUp(secret, nowMs);
      if (!token) return undefined;
      if (nowMs - (lastTouchMs.get(token.name) ?? 0) >= touchIntervalMs) {
        lastTouchMs.set(token.name, nowMs);
        await store.tokens.touch(token.name, new Date(nowMs).toISOString());
      }
      return token;
    },

    async checkRevocations() {
      if (accepted.size === 0) return [];
      const live = new Map((await store.tokens.list()).map((token) => [token.name, token.tokenHash]));
      const revoked: string[] = [];
      for (const [name, hash] of [...accepted]) {
        // A revoke through this process while the list was read already forgot it and told everyone.
        if (live.get(name) === hash || accepted.get(name) !== hash) continue;
        forget(name);
        revoked.push(name);
        bus?.publish('token.revoked', { name });
      }
      return revoked;
    },

    watchRevocations(timers, onError) {
      let handle = timers.after(verifiedForMs, tick);
      let stopped = false;
      function tick(): void {
        service
          .checkRevocations()
          .catch(onError)
          .finally(() => {
            if (!stopped) handle = timers.after(verifiedForMs, tick);
          });
      }
      return () => {
        stopped = true;
        handle.cancel();
      };
    },
  };
  return service;
}
