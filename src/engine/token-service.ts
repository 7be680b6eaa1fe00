/**
 * API tokens: created once and shown once, stored only as a SHA-256 hash. Tokens are 256 random
 * bits, so a fast hash is enough (no password-style stretching is needed to resist guessing).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Role } from '../core/auth/roles.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { ApiToken, Store } from '../adapters/store/store.js';
import type { Actor } from './actor.js';
import type { EventBus } from './event-bus.js';

export const tokenPrefix = 'srem_';
export const tokenNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** last_used_at is refreshed at most this often per token, so reads do not turn into writes. */
const touchIntervalMs = 60_000;

export interface TokenService {
  /** Returns the stored record and the secret, which is never retrievable again. */
  create(name: string, role: Role, actor: Actor): Promise<{ token: ApiToken; secret: string }>;
  list(): Promise<ApiToken[]>;
  revoke(name: string, actor: Actor): Promise<void>;
  /** The token's record when `secret` is a live token, else undefined. */
  verify(secret: string): Promise<ApiToken | undefined>;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function createTokenService(options: { store: Store; clock: Clock; bus?: EventBus }): TokenService {
  const { store, clock, bus } = options;
  const lastTouchMs = new Map<string, number>();
  const nowIso = () => new Date(clock.nowMs()).toISOString();

  return {
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
      lastTouchMs.delete(name);
      bus?.publish('token.revoked', { name });
    },

    async verify(secret) {
      if (!secret.startsWith(tokenPrefix)) return undefined;
      const token = await store.tokens.findByHash(hashToken(secret));
      if (!token) return undefined;
      const nowMs = clock.nowMs();
      if (nowMs - (lastTouchMs.get(token.name) ?? 0) >= touchIntervalMs) {
        lastTouchMs.set(token.name, nowMs);
        await store.tokens.touch(token.name, new Date(nowMs).toISOString());
      }
      return token;
    },
  };
}
