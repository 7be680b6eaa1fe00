// Contract cases for transactions, API tokens and the audit log.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/errors.js';
import { baseAuditEntry, baseService, baseToken, t1 } from './store-builders.contract.js';
import type { AuditEntryInput, Store } from './store.js';

export function registerTransactionCases(current: () => Store): void {
  describe('transactions', () => {
    it('commits all writes together and returns the work result', async () => {
      const result = await current().transaction(async (repositories) => {
        await repositories.services.insert(baseService());
        await repositories.audit.append(baseAuditEntry());
        return 'done';
      });
      expect(result).toBe('done');
      expect(await current().services.get('checkout')).toBeDefined();
      expect(await current().audit.list({ limit: 10 })).toHaveLength(1);
    });

    it('rolls back the service and its audit entry when the work throws', async () => {
      const failure = new Error('boom after the writes');
      const attempt = current().transaction(async (repositories) => {
        await repositories.services.insert(baseService());
        await repositories.audit.append(baseAuditEntry());
        expect(await repositories.services.get('checkout')).toBeDefined();
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await current().services.get('checkout')).toBeUndefined();
      expect(await current().services.list({ limit: 10, tag: 'web' })).toEqual([]);
      expect(await current().audit.list({ limit: 10 })).toEqual([]);
    });

    it('rolls back an update, tags included', async () => {
      await current().services.insert(baseService());
      const attempt = current().transaction(async (repositories) => {
        await repositories.services.update(baseService({ tags: ['moved'], displayName: 'Changed' }));
        throw new Error('abort');
      });
      await expect(attempt).rejects.toThrow('abort');
      expect(await current().services.get('checkout')).toEqual(baseService());
      expect(await current().services.list({ limit: 10, tag: 'moved' })).toEqual([]);
    });

    it('keeps concurrent transactions apart', async () => {
      // Single-connection backends (SQLite, PGlite) must serialize: otherwise the second
      // transaction's insert would land in the first and vanish with its rollback.
      const failing = current().transaction(async (repositories) => {
        await repositories.services.insert(baseService({ name: 'rolled-back' }));
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('abort first');
      });
      const succeeding = current().transaction(async (repositories) => {
        await repositories.services.insert(baseService({ name: 'committed' }));
      });
      const plainRead = current().services.count();
      const [first, second, count] = await Promise.allSettled([failing, succeeding, plainRead]);
      expect(first.status).toBe('rejected');
      expect(second.status).toBe('fulfilled');
      expect(count.status).toBe('fulfilled');
      expect((await current().services.all()).map((s) => s.name)).toEqual(['committed']);
    });

    it('stays usable after a conflict is caught inside it', async () => {
      await current().services.insert(baseService());
      await current().transaction(async (repositories) => {
        await expect(repositories.services.insert(baseService())).rejects.toBeInstanceOf(ConflictError);
        await expect(repositories.tokens.insert(baseToken())).resolves.toBeUndefined();
        await expect(repositories.tokens.insert(baseToken())).rejects.toBeInstanceOf(ConflictError);
        await repositories.services.insert(baseService({ name: 'search' }));
      });
      expect((await current().services.all()).map((s) => s.name)).toEqual(['checkout', 'search']);
      expect(await current().tokens.list()).toHaveLength(1);
    });
  });
}

export function registerTokenCases(current: () => Store): void {
  describe('tokens', () => {
    it('finds a token by hash, lists by name, touches and revokes', async () => {
      const admin = baseToken({ name: 'admin-laptop', role: 'admin', tokenHash: 'b'.repeat(64) });
      await current().tokens.insert(baseToken());
      await current().tokens.insert(admin);
      expect(await current().tokens.findByHash('b'.repeat(64))).toEqual(admin);
      expect(await current().tokens.findByHash('f'.repeat(64))).toBeUndefined();
      expect((await current().tokens.list()).map((token) => token.name)).toEqual(['admin-laptop', 'ci']);

      await current().tokens.touch('ci', t1);
      expect((await current().tokens.findByHash(baseToken().tokenHash))?.lastUsedAt).toBe(t1);
      await expect(current().tokens.touch('nobody', t1)).resolves.toBeUndefined();

      expect(await current().tokens.revoke('ci')).toBe(true);
      expect(await current().tokens.revoke('ci')).toBe(false);
      expect(await current().tokens.findByHash(baseToken().tokenHash)).toBeUndefined();
      expect(await current().tokens.list()).toEqual([admin]);
    });

    it.each([
      ['name', baseToken({ tokenHash: 'c'.repeat(64) }), 'name'],
      ['hash', baseToken({ name: 'other' }), 'tokenHash'],
    ])('rejects a duplicate %s with ConflictError', async (_case, duplicate, field) => {
      await current().tokens.insert(baseToken());
      const attempt = current().tokens.insert(duplicate);
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ problems: [expect.objectContaining({ field })] });
      expect(await current().tokens.list()).toEqual([baseToken()]);
    });
  });
}

export function registerAuditCases(current: () => Store): void {
  describe('audit log', () => {
    const entries: AuditEntryInput[] = [
      baseAuditEntry({ actor: 'alice', action: 'service.create', objectId: 'checkout' }),
      baseAuditEntry({ actor: 'bob', action: 'service.update', objectId: 'checkout' }),
      baseAuditEntry({ actor: 'alice', action: 'token.create', objectType: 'token', objectId: 'ci' }),
      baseAuditEntry({ actor: 'config', action: 'service.create', objectId: 'search', requestId: null }),
      baseAuditEntry({ actor: 'alice', action: 'service.delete', objectId: 'checkout' }),
    ];
    const appendAll = async () => {
      for (const entry of entries) await current().audit.append(entry);
    };
    const actions = (listed: readonly AuditEntryInput[]) =>
      listed.map((entry) => `${entry.actor}:${entry.action}:${entry.objectId}`);

    it('lists newest first with increasing numeric ids', async () => {
      await appendAll();
      const listed = await current().audit.list({ limit: 100 });
      expect(actions(listed)).toEqual(actions(entries).reverse());
      for (const entry of listed) expect(typeof entry.id).toBe('number');
      const ids = listed.map((entry) => entry.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(listed.at(-1)).toMatchObject({ ...entries[0], id: ids.at(-1) });
    });

    it.each([
      ['actor', { actor: 'alice' }, ['alice:service.delete:checkout', 'alice:token.create:ci', 'alice:service.create:checkout']],
      ['action', { action: 'service.create' }, ['config:service.create:search', 'alice:service.create:checkout']],
      ['object type', { objectType: 'token' }, ['alice:token.create:ci']],
      ['object', { objectType: 'service', objectId: 'checkout' }, ['alice:service.delete:checkout', 'bob:service.update:checkout', 'alice:service.create:checkout']],
      ['actor + object', { actor: 'alice', objectId: 'checkout' }, ['alice:service.delete:checkout', 'alice:service.create:checkout']],
      ['no match', { actor: 'mallory' }, []],
    ])('filters by %s', async (_case, query, expected) => {
      await appendAll();
      expect(actions(await current().audit.list({ limit: 100, ...query }))).toEqual(expected);
    });

    it('pages from newest to oldest with beforeId', async () => {
      for (let index = 0; index < 25; index += 1) {
        await current().audit.append(baseAuditEntry({ objectId: `svc-${index}` }));
      }
      const seen: string[] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await current().audit.list({ limit: 10, beforeId });
        seen.push(...page.map((entry) => entry.objectId));
        if (page.length < 10) break;
        beforeId = page.at(-1)?.id;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `svc-${24 - index}`));
    });

    it.each([
      ['nested objects', { name: 'checkout', tags: ['web'], links: { runbook: 'https://x' }, weight: 0.5 }, { deep: { list: [1, null, 'três'] } }],
      ['null before (a create)', null, { name: 'checkout' }],
      ['null after (a delete)', { name: 'checkout' }, null],
      ['scalars', 'text', 42],
      ['undefined, stored as null', undefined, true],
    ])('round-trips before/after: %s', async (_case, before, after) => {
      await current().audit.append(baseAuditEntry({ before, after }));
      const [stored] = await current().audit.list({ limit: 1 });
      expect(stored?.before).toEqual(before ?? null);
      expect(stored?.after).toEqual(after);
    });
  });
}
