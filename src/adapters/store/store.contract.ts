/**
 * The store contract: one vitest suite every Store implementation must pass (SQLite file,
 * PostgreSQL server, PGlite). Behaviour callers rely on is asserted here once, so the backends
 * cannot drift apart. Excluded from the build; imported by store.test.ts. The cases live in
 * service-cases.contract.ts, record-cases.contract.ts, monitor-cases.contract.ts,
 * monitor-data-cases.contract.ts, slo-cases.contract.ts, slo-data-cases.contract.ts,
 * slo-checkpoint-cases.contract.ts, alerting-cases.contract.ts, outbox-cases.contract.ts,
 * incident-cases.contract.ts and postmortem-cases.contract.ts;
 * builders in store-builders.contract.ts and alerting-builders.contract.ts.
 * Escalation states must pass the escalation runner's own cases
 * (src/engine/escalation/escalation-state-repository.contract.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRuleForStateCases } from './rule-for-state-cases.contract.js';
import { registerEscalationStateCases } from '../../engine/escalation/escalation-state-repository.contract.js';
import { checkAlertingSurvivesReopen, registerAlertingCases } from './alerting-cases.contract.js';
import { checkIncidentsSurviveReopen, registerIncidentCases } from './incident-cases.contract.js';
import { migrations } from './migrations/index.js';
import { registerOncallOverrideCases } from './oncall-override-cases.contract.js';
import { registerMonitorCases } from './monitor-cases.contract.js';
import { registerRunbookRunCases } from './runbook-run-cases.contract.js';
import { registerPostmortemCases } from './postmortem-cases.contract.js';
import { registerMonitorResultCases, registerMonitorRollupCases, registerMonitorStateCases } from './monitor-data-cases.contract.js';
import { registerListCases, registerServiceCases } from './service-cases.contract.js';
import { registerAuditCases, registerTokenCases, registerTransactionCases } from './record-cases.contract.js';
import { registerSloCases } from './slo-cases.contract.js';
import { registerSloCheckpointCases } from './slo-checkpoint-cases.contract.js';
import { registerIngestKeyCases, registerSloCountCases, registerSloHistoryCases, registerSloStateCases } from './slo-data-cases.contract.js';
import { baseAuditEntry, baseIngestKey, baseMonitor, baseResult, baseService, baseSlo, baseToken, epochMs } from './store-builders.contract.js';
import type { Store } from './store.js';

export interface ContractStore {
  /** An unmigrated store on empty storage. */
  store: Store;
  /** Closes the store if still open and removes what newStore created. */
  cleanup: () => Promise<void>;
  /** Opens another store on the same data (the suite closes it); enables the restart case. */
  reopen?: () => Promise<Store>;
}

const migrationNames = Object.keys(migrations).sort();

export function runStoreContract(name: string, newStore: () => Promise<ContractStore>): void {
  describe(`store contract: ${name}`, () => {
    let harness: ContractStore;
    let store: Store;

    beforeEach(async () => {
      harness = await newStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe('migrations', () => {
      it('reports every migration pending on empty storage', async () => {
        expect(await store.migrationStatus()).toEqual({ applied: [], pending: migrationNames });
      });

      it('applies all migrations once; a second run applies none', async () => {
        expect(await store.migrate()).toEqual(migrationNames);
        expect(await store.migrate()).toEqual([]);
        expect(await store.migrationStatus()).toEqual({ applied: migrationNames, pending: [] });
      });

      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('with the schema migrated', () => {
      beforeEach(async () => {
        await store.migrate();
      });

      registerServiceCases(() => store);
      registerListCases(() => store);
      registerTransactionCases(() => store);
      registerTokenCases(() => store);
      registerAuditCases(() => store);
      registerMonitorCases(() => store);
      registerMonitorResultCases(() => store);
      registerMonitorStateCases(() => store);
      registerMonitorRollupCases(() => store);
      registerSloCases(() => store);
      registerSloCountCases(() => store);
      registerIngestKeyCases(() => store);
      registerSloStateCases(() => store);
      registerSloHistoryCases(() => store);
      registerAlertingCases(() => store);
      registerEscalationStateCases(() => store.escalations);
      registerRuleForStateCases(() => store);
      registerRunbookRunCases(() => store);
      registerOncallOverrideCases(() => store);
      registerPostmortemCases(() => store);

      it('keeps escalation states across close and reopen', async () => {
        const reopen = harness.reopen;
        if (reopen === undefined) throw new Error(`${name}: the harness must provide reopen()`);
        const record = {
          state: {
            subject: { kind: 'group', id: '{}:{alertname="DatabaseDown"}' },
            policy: 'critical',
            status: 'active' as const,
            startedAtMs: epochMs,
            level: 0,
            round: 0,
            lastFiredAtMs: epochMs,
            acknowledgedAtMs: null,
            acknowledgedBy: null,
            resolvedAtMs: null,
          },
          context: { groupKey: '{}:{alertname="DatabaseDown"}', receiver: 'oncall' },
        };
        await store.escalations.save(record);
        await store.escalations.save({ state: { ...record.state, subject: { kind: 'incident', id: 'INC-1' } }, context: undefined });
        await store.close();
        const reopened = await reopen();
        try {
          expect(await reopened.escalations.all()).toEqual([record, { state: { ...record.state, subject: { kind: 'incident', id: 'INC-1' } }, context: undefined }]);
        } finally {
          await reopened.close();
        }
      });

      it('keeps alerts, silences, the notification log and the outbox across close and reopen', async () => {
        const reopen = harness.reopen;
        if (reopen === undefined) throw new Error(`${name}: the harness must provide reopen()`);
        await checkAlertingSurvivesReopen(store, reopen);
      });
      registerSloCheckpointCases(() => store);
      registerIncidentCases(() => store);

      it('keeps incidents, their timelines and day counters across close and reopen', async () => {
        const reopen = harness.reopen;
        if (reopen === undefined) throw new Error(`${name}: the harness must provide reopen()`);
        await checkIncidentsSurviveReopen(store, reopen);
      });

      it('commits a relaxed-durability transaction, rolls one back when its work fails, and keeps it across reopen', async () => {
        const reopen = harness.reopen;
        if (reopen === undefined) throw new Error(`${name}: the harness must provide reopen()`);
        await store.transaction(async (repositories) => {
          await repositories.services.insert(baseService());
          await repositories.tokens.insert(baseToken());
        }, { durability: 'relaxed' });
        await expect(store.transaction(async (repositories) => {
          await repositories.tokens.revoke(baseToken().name);
          throw new Error('work failed');
        }, { durability: 'relaxed' })).rejects.toThrow('work failed');
        // Ordinary writes go on as before.
        await store.audit.append(baseAuditEntry());
        await store.close();
        const reopened = await reopen();
        try {
          expect(await reopened.services.get('checkout')).toEqual(baseService());
          expect(await reopened.tokens.findByHash(baseToken().tokenHash)).toEqual(baseToken());
          expect(await reopened.audit.list({ limit: 10 })).toHaveLength(1);
        } finally {
          await reopened.close();
        }
      });

      it('keeps services, tokens, audit entries, monitors, results and SLO data across close and reopen', async () => {
        const reopen = harness.reopen;
        if (reopen === undefined) throw new Error(`${name}: the harness must provide reopen()`);
        await store.services.insert(baseService());
        await store.tokens.insert(baseToken());
        await store.audit.append(baseAuditEntry());
        await store.monitors.insert(baseMonitor());
        await store.monitorResults.append([baseResult()]);
        const counts = [{ slo: 'checkout-availability', endMs: epochMs + 60_000, good: 99.5, total: 100 }];
        const state = { slo: 'checkout-availability', state: { page: { activeAtMs: epochMs } } };
        const point = { slo: 'checkout-availability', atMs: epochMs + 60_000, data: { burn: 0.5 } };
        await store.transaction(async (repositories) => {
          await repositories.slos.insert(baseSlo());
          await repositories.sloCounts.add(counts);
          await repositories.ingestKeys.insert(baseIngestKey());
          await repositories.sloStates.upsert([state]);
          await repositories.sloHistory.append([point]);
        });
        await store.close();

        const reopened = await reopen();
        try {
          expect(await reopened.migrationStatus()).toEqual({ applied: migrationNames, pending: [] });
          expect(await reopened.services.get('checkout')).toEqual(baseService());
          expect(await reopened.tokens.findByHash(baseToken().tokenHash)).toEqual(baseToken());
          expect(await reopened.monitors.get('checkout-http')).toEqual(baseMonitor());
          const results = await reopened.monitorResults.between(0, baseResult().atMs);
          expect(results).toEqual([baseResult()]);
          expect(await reopened.slos.get('checkout-availability')).toEqual(baseSlo());
          expect(await reopened.sloCounts.minutes(undefined, 0, epochMs + 60_000)).toEqual(counts);
          expect(await reopened.sloCounts.hours(undefined, 0, epochMs + 3_600_000)).toEqual([{ ...counts[0], endMs: epochMs + 3_600_000 }]);
          expect(await reopened.ingestKeys.get(baseIngestKey().key)).toEqual(baseIngestKey());
          expect(await reopened.sloStates.all()).toEqual([state]);
          expect(await reopened.sloHistory.latestAtOrBefore('checkout-availability', epochMs + 120_000)).toEqual(point);
          await reopened.audit.append(baseAuditEntry({ action: 'service.update' }));
          const entries = await reopened.audit.list({ limit: 10 });
          expect(entries.map((entry) => entry.action)).toEqual(['service.update', 'service.create']);
          expect(entries[0]!.id).toBeGreaterThan(entries[1]!.id);
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
