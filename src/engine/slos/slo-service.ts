/**
 * SLOs as a feature: create, change and delete them (API or config), take pushed events (durable
 * before they are acknowledged, retries made safe by `Idempotency-Key`), feed monitor SLIs as
 * monitor minutes close, and answer status and the release gate from the evaluator's state.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ReadOnlyError, ValidationError } from '../../core/errors.js';
import { policyBlocksReleases } from '../../core/slo/budget-policy.js';
import type { SloDocument } from '../../core/slo/slo-document.js';
import { sloDocumentFromSpec, sloSpecFromDocument } from '../../core/slo/slo-spec.js';
import type { SloSpec } from '../../core/slo/slo.js';
import type { SloAlertStatuses } from '../../core/slo/evaluate-slo.js';
import { sliCounts as monitorSliCounts, type SliRule } from '../../core/monitors/uptime.js';
import type { MonitorRollup, SloCount, SloListQuery, Store, StoredSlo, StoreRepositories } from '../../adapters/store/store.js';
import type { Actor } from '../actor.js';
import type { EventBus } from '../event-bus.js';
import { createSloGroupCommit } from './slo-group-commit.js';
import { countsOfBatch } from './slo-ingest.js';
import type { SloEvaluator, SloRuntime } from './slo-evaluator.js';
import type { RestoreReport } from './slo-restore.js';

export interface IngestResult {
  accepted: number;
  buckets: number;
  replayed: boolean;
}

export interface GateAnswer {
  allow: boolean;
  policy: string;
  reasons: string[];
  budgets: Array<{ slo: string; policy: string; remaining_ratio: number | null; remaining_minutes: number | null }>;
}

export interface SloService {
  list(query: SloListQuery): Promise<SloRuntime[]>;
  get(name: string): SloRuntime;
  create(document: SloDocument, actor: Actor): Promise<SloRuntime>;
  replace(name: string, document: SloDocument, actor: Actor): Promise<SloRuntime>;
  delete(name: string, actor: Actor): Promise<void>;
  ingest(items: readonly unknown[], idempotencyKey: string | null): Promise<IngestResult>;
  /** Counts read from an SLI source (PromQL): durable, then applied. */
  addSourceCounts(counts: SloCount[]): Promise<void>;
  /** Monitor minutes that just closed: counts for the SLOs that read those monitors. */
  monitorMinuteClosed(rollups: readonly MonitorRollup[]): Promise<void>;
  gate(service: string): GateAnswer;
  removeUnconfigured(specs: readonly SloSpec[], actor: Actor): Promise<string[]>;
  reconcile(specs: readonly SloSpec[], actor: Actor): Promise<{ created: string[]; updated: string[] }>;
  /** Restores every stored SLO (the start); says how many came from checkpoints. */
  load(): Promise<RestoreReport>;
  /**
   * End (ms) of the oldest minute among batches being committed and not yet in the evaluator's
   * counts; null when none is. Restart checkpoints cut before it.
   */
  oldestPendingMs(): number | null;
}

export interface SloServiceOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  evaluator: SloEvaluator;
  latenessMs?: number;
}

const readOnly = (name: string) => new ReadOnlyError(`SLO '${name}' is declared in the config file; edit the file and reload to change it`);

export function createSloService(options: SloServiceOptions): SloService {
  const { store, bus, clock, evaluator } = options;
  const latenessMs = options.latenessMs ?? 3_600_000;
  const nowIso = () => new Date(clock.nowMs()).toISOString();
  const audit = (repos: StoreRepositories, actor: Actor, action: string, name: string, before: unknown, after: unknown) =>
    repos.audit.append({ at: nowIso(), actor: actor.name, action, objectType: 'slo', objectId: name, before, after, requestId: actor.requestId });

  function specOf(document: SloDocument): SloSpec {
    const { spec, problems } = sloSpecFromDocument(document);
    if (problems.length > 0) throw new ValidationError(problems);
    return spec;
  }

  async function checkReferences(repos: StoreRepositories, spec: SloSpec): Promise<void> {
    if ((await repos.services.get(spec.service)) === undefined) {
      throw new ValidationError([{ field: 'service', message: `service '${spec.service}' does not exist` }]);
    }
    if (spec.sli.kind === 'monitor') {
      const monitor = await repos.monitors.get(spec.sli.monitor);
      if (monitor === undefined) throw new ValidationError([{ field: 'sli.monitor.name', message: `monitor '${spec.sli.monitor}' does not exist` }]);
      if (spec.sli.metric === 'latency' && !monitor.latencyThresholdsMs.includes(spec.sli.thresholdMs)) {
        throw new ValidationError([{ field: 'sli.monitor.threshold', message: `monitor '${monitor.name}' keeps exact counts only for ${monitor.latencyThresholdsMs.join(', ')} ms (its latency_thresholds)` }]);
      }
    }
  }

  function runtimeOf(name: string): SloRuntime {
    const runtime = evaluator.runtimes.get(name);
    if (runtime === undefined) throw new NotFoundError('SLO', name);
    return runtime;
  }

  // Concurrent batches share one transaction (slo-group-commit.ts); each is acknowledged after it.
  const groupCommit = createSloGroupCommit({ store, apply: (counts) => evaluator.apply(counts) });

  function persistAndApply(counts: SloCount[], keyEntry: { key: string; hash: string; response: IngestResult } | null): Promise<void> {
    const key = keyEntry === null ? null : { key: keyEntry.key, requestHash: keyEntry.hash, response: keyEntry.response, createdAtMs: clock.nowMs() };
    return groupCommit.write({ counts, key });
  }

  return {
    async list(query) {
      return (await store.slos.list(query)).map((stored) => evaluator.runtimes.get(stored.name)).filter((runtime) => runtime !== undefined);
    },

    get: runtimeOf,

    async create(document, actor) {
      const spec = specOf(document);
      await store.transaction(async (repos) => {
        if ((await repos.slos.get(spec.name)) !== undefined) throw new ConflictError(`SLO '${spec.name}' already exists`, [{ field: 'name', message: 'is already taken' }]);
        await checkReferences(repos, spec);
        const now = nowIso();
        const stored: StoredSlo = { name: spec.name, service: spec.service, document: sloDocumentFromSpec(spec), source: 'api', createdAt: now, updatedAt: now };
        await repos.slos.insert(stored);
        await audit(repos, actor, 'slo.create', spec.name, null, stored.document);
      });
      await evaluator.upsert(spec);
      bus.publish('slo.created', { slo: spec.name, service: spec.service, source: 'api' });
      return runtimeOf(spec.name);
    },

    async replace(name, document, actor) {
      if (document.name !== name) throw new ValidationError([{ field: 'name', message: `must be '${name}' (the name in the URL); SLOs cannot be renamed` }]);
      const spec = specOf(document);
      await store.transaction(async (repos) => {
        const current = await repos.slos.get(name);
        if (current === undefined) throw new NotFoundError('SLO', name);
        if (current.source === 'config') throw readOnly(name);
        await checkReferences(repos, spec);
        const stored: StoredSlo = { ...current, service: spec.service, document: sloDocumentFromSpec(spec), updatedAt: nowIso() };
        await repos.slos.update(stored);
        await audit(repos, actor, 'slo.update', name, current.document, stored.document);
      });
      await evaluator.upsert(spec);
      bus.publish('slo.updated', { slo: spec.name, service: spec.service, source: 'api' });
      return runtimeOf(name);
    },

    async delete(name, actor) {
      const deleted = await store.transaction(async (repos) => {
        const current = await repos.slos.get(name);
        if (current === undefined) throw new NotFoundError('SLO', name);
        if (current.source === 'config') throw readOnly(name);
        await repos.slos.delete(name);
        await audit(repos, actor, 'slo.delete', name, current.document, null);
        return current;
      });
      evaluator.remove(name);
      bus.publish('slo.deleted', { slo: name, service: deleted.service, source: 'api' });
    },

    async ingest(items, idempotencyKey) {
      const hash = createHash('sha256').update(JSON.stringify(items)).digest('hex');
      if (idempotencyKey !== null) {
        const seen = await store.ingestKeys.get(idempotencyKey);
        if (seen !== undefined) {
          if (seen.requestHash !== hash) throw new ConflictError('this Idempotency-Key was used with a different body', [{ field: 'Idempotency-Key', message: 'already used with another body' }]);
          return { ...(seen.response as IngestResult), replayed: true };
        }
      }
      const counts = countsOfBatch(items, (name) => evaluator.runtimes.get(name)?.spec, { nowMs: clock.nowMs(), latenessMs, maxFutureMs: 60_000 });
      const result: IngestResult = { accepted: items.length, buckets: counts.length, replayed: false };
      try {
        await persistAndApply(counts, idempotencyKey === null ? null : { key: idempotencyKey, hash, response: result });
      } catch (error) {
        // A concurrent retry with the same key committed first: answer as it did.
        if (error instanceof ConflictError && idempotencyKey !== null) {
          const seen = await store.ingestKeys.get(idempotencyKey);
          if (seen !== undefined) return { ...(seen.response as IngestResult), replayed: true };
        }
        throw error;
      }
      return result;
    },

    async addSourceCounts(counts) {
      if (counts.length > 0) await persistAndApply(counts, null);
    },

    async monitorMinuteClosed(rollups) {
      const byMonitor = new Map(rollups.map((rollup) => [rollup.monitor, rollup]));
      const counts: SloCount[] = [];
      for (const runtime of evaluator.runtimes.values()) {
        const sli = runtime.spec.sli;
        if (sli.kind !== 'monitor') continue;
        const rollup = byMonitor.get(sli.monitor);
        if (rollup === undefined) continue;
        const rule: SliRule = sli.metric === 'availability' ? { kind: 'availability' } : { kind: 'latency', thresholdMs: sli.thresholdMs };
        const sliCount = monitorSliCounts(rollup.bucket, rule);
        if (sliCount !== undefined && sliCount.total > 0) counts.push({ slo: runtime.spec.name, endMs: rollup.bucket.endMs, good: sliCount.good, total: sliCount.total });
      }
      if (counts.length > 0) await persistAndApply(counts, null);
    },

    gate(service) {
      const runtimes = [...evaluator.runtimes.values()].filter((runtime) => runtime.spec.service === service);
      const budgets = runtimes.map((runtime) => ({
        slo: runtime.spec.name,
        policy: runtime.status?.policy ?? 'normal',
        remaining_ratio: runtime.status?.errorBudget.remainingRatio ?? null,
        remaining_minutes: runtime.status?.errorBudget.remainingMinutes ?? null,
      }));
      const blocking = runtimes.filter((runtime) => runtime.status !== null && policyBlocksReleases(runtime.status.policy));
      const reasons = blocking.map((runtime) => `SLO '${runtime.spec.name}' is in budget policy ${runtime.status?.policy ?? ''} (${((runtime.status?.errorBudget.remainingRatio ?? 0) * 100).toFixed(1)}% of its error budget left)`);
      const order = ['normal', 'slow_down', 'freeze', 'exhausted'];
      const worst = budgets.reduce((acc, budget) => (order.indexOf(budget.policy) > order.indexOf(acc) ? budget.policy : acc), 'normal');
      return { allow: blocking.length === 0, policy: worst, reasons, budgets };
    },

    async removeUnconfigured(specs, actor) {
      const wanted = new Set(specs.map((spec) => spec.name));
      const removed = await store.transaction(async (repos) => {
        const gone: StoredSlo[] = [];
        for (const current of await repos.slos.all()) {
          if (current.source !== 'config' || wanted.has(current.name)) continue;
          await repos.slos.delete(current.name);
          await audit(repos, actor, 'slo.delete', current.name, current.document, null);
          gone.push(current);
        }
        return gone;
      });
      for (const slo of removed) {
        evaluator.remove(slo.name);
        bus.publish('slo.deleted', { slo: slo.name, service: slo.service, source: 'config' });
      }
      return removed.map((slo) => slo.name);
    },

    async reconcile(specs, actor) {
      const changed = await store.transaction(async (repos) => {
        const stored = new Map((await repos.slos.all()).map((slo) => [slo.name, slo]));
        const created: SloSpec[] = [];
        const updated: SloSpec[] = [];
        const now = nowIso();
        for (const spec of specs) {
          const document = sloDocumentFromSpec(spec) as Record<string, unknown>;
          const current = stored.get(spec.name);
          if (current === undefined) {
            await repos.slos.insert({ name: spec.name, service: spec.service, document, source: 'config', createdAt: now, updatedAt: now });
            await audit(repos, actor, 'slo.create', spec.name, null, document);
            created.push(spec);
          } else if (current.source !== 'config' || JSON.stringify(current.document) !== JSON.stringify(document)) {
            await repos.slos.update({ ...current, service: spec.service, document, source: 'config', updatedAt: now });
            await audit(repos, actor, 'slo.update', spec.name, current.document, document);
            updated.push(spec);
          }
        }
        return { created, updated };
      });
      for (const spec of [...changed.created, ...changed.updated]) {
        await evaluator.upsert(spec);
        bus.publish(changed.created.includes(spec) ? 'slo.created' : 'slo.updated', { slo: spec.name, service: spec.service, source: 'config' });
      }
      return { created: changed.created.map((spec) => spec.name), updated: changed.updated.map((spec) => spec.name) };
    },

    async load() {
      const states = new Map((await store.sloStates.all()).map((state) => [state.slo, state.state['alerts'] as SloAlertStatuses | undefined]));
      const entries: Array<{ spec: SloSpec; alerts?: SloAlertStatuses }> = [];
      for (const stored of await store.slos.all()) {
        const { spec, problems } = sloSpecFromDocument(stored.document as SloDocument);
        if (problems.length === 0) entries.push({ spec, alerts: states.get(spec.name) });
      }
      return evaluator.restoreAll(entries);
    },

    oldestPendingMs() {
      return groupCommit.oldestPendingMs();
    },
  };
}
