// Contract cases for the rule `for` state rows, run on SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import type { Store } from './store.js';

const t0 = Date.UTC(2026, 11, 6, 12, 0);

export function registerRuleForStateCases(current: () => Store): void {
  describe('rule for-states', () => {
    it('replaces the rows of the named rules only, atomically', async () => {
      const store = current();
      const a = JSON.stringify(['HighLatency', [['severity', 'page']]]);
      const b = JSON.stringify(['DiskFull', []]);
      await store.ruleForStates.replace([a, b], [
        { ruleKey: a, fingerprint: '00000000000000aa', activeAtMs: t0, lastSeenAtMs: t0 + 60_000 },
        { ruleKey: a, fingerprint: '00000000000000bb', activeAtMs: t0 + 1, lastSeenAtMs: t0 + 60_000 },
        { ruleKey: b, fingerprint: '00000000000000cc', activeAtMs: t0 - 3_600_000, lastSeenAtMs: t0 + 60_000 },
      ]);
      await store.ruleForStates.replace([a], [{ ruleKey: a, fingerprint: '00000000000000bb', activeAtMs: t0 + 1, lastSeenAtMs: t0 + 120_000 }]);
      expect(await store.ruleForStates.all()).toEqual([
        { ruleKey: b, fingerprint: '00000000000000cc', activeAtMs: t0 - 3_600_000, lastSeenAtMs: t0 + 60_000 },
        { ruleKey: a, fingerprint: '00000000000000bb', activeAtMs: t0 + 1, lastSeenAtMs: t0 + 120_000 },
      ]);
      await expect(store.ruleForStates.replace([a], [{ ruleKey: b, fingerprint: 'x', activeAtMs: 0, lastSeenAtMs: 0 }])).rejects.toThrow(/not among/);
      await store.ruleForStates.replace([a, b], []);
      expect(await store.ruleForStates.all()).toEqual([]);
    });

    it('leaves the old rows when the replacement fails half-way', async () => {
      const store = current();
      const a = 'rule-a';
      await store.ruleForStates.replace([a], [{ ruleKey: a, fingerprint: 'f1', activeAtMs: t0, lastSeenAtMs: t0 }]);
      const duplicate = { ruleKey: a, fingerprint: 'f2', activeAtMs: t0, lastSeenAtMs: t0 };
      await expect(store.ruleForStates.replace([a], [duplicate, duplicate])).rejects.toThrow();
      expect(await store.ruleForStates.all()).toEqual([{ ruleKey: a, fingerprint: 'f1', activeAtMs: t0, lastSeenAtMs: t0 }]);
    });
  });
}
