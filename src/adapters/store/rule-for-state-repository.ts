/**
 * The `for` progress of alerting-rule alerts (see migration 0011). The evaluator replaces the
 * rows of a whole rule group after each evaluation, so the table always holds exactly the
 * alerts that were pending or firing at the last evaluation of their group.
 */
import { atomically, type StoreExecutor } from './executor.js';
import type { RuleForStateRepository } from './store.js';

const chunkSize = 500;

export function createRuleForStateRepository(executor: StoreExecutor): RuleForStateRepository {
  return {
    async all() {
      const rows = await executor.selectFrom('rule_for_states').selectAll().orderBy('rule_key').orderBy('fingerprint').execute();
      return rows.map((row) => ({ ruleKey: row.rule_key, fingerprint: row.fingerprint, activeAtMs: Number(row.active_at_ms), lastSeenAtMs: Number(row.last_seen_at_ms) }));
    },

    async replace(ruleKeys, rows) {
      if (ruleKeys.length === 0) return;
      const keys = new Set(ruleKeys);
      const outside = rows.find((row) => !keys.has(row.ruleKey));
      if (outside !== undefined) throw new RangeError(`row of rule ${outside.ruleKey} is not among the rules being replaced`);
      await atomically(executor, async (transaction) => {
        for (let index = 0; index < ruleKeys.length; index += chunkSize) {
          await transaction.deleteFrom('rule_for_states').where('rule_key', 'in', ruleKeys.slice(index, index + chunkSize)).execute();
        }
        for (let index = 0; index < rows.length; index += chunkSize) {
          const values = rows.slice(index, index + chunkSize).map((row) => ({ rule_key: row.ruleKey, fingerprint: row.fingerprint, active_at_ms: row.activeAtMs, last_seen_at_ms: row.lastSeenAtMs }));
          await transaction.insertInto('rule_for_states').values(values).execute();
        }
      });
    },
  };
}
