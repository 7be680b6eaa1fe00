/**
 * Monitors as a feature: create, change, pause and delete them (API or config), run one now,
 * receive heartbeats, reset breakers. Every write and its audit entry commit in one transaction
 * and then reach the scheduler at once (prompt pick-up); events go out after the commit.
 */
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ReadOnlyError, ValidationError, type FieldProblem } from '../../core/errors.js';
import type { CircuitBreakerState } from '../../core/monitors/circuit-breaker.js';
import { sameMonitorSpec, type Monitor, type MonitorResult, type MonitorSpec } from '../../core/monitors/monitor.js';
import type { MonitorDocument } from '../../core/monitors/monitor-document.js';
import { heartbeatToken, monitorSpecFromDocument } from '../../core/monitors/monitor-spec.js';
import type { ProbeRegistry } from '../../adapters/probes/probe-registry.js';
import type { MonitorListQuery, MonitorResultQuery, Store, StoreRepositories, StoredMonitorResult } from '../../adapters/store/store.js';
import type { Actor } from '../actor.js';
import type { EventBus } from '../event-bus.js';
import type { MonitorScheduler, ScheduledMonitorView } from './monitor-scheduler.js';

/** A config-declared monitor: its spec and whether it starts paused. */
export interface ConfiguredMonitor {
  spec: MonitorSpec;
  paused: boolean;
}

export interface MonitorReconcileResult {
  created: string[];
  updated: string[];
  removed: string[];
}

export interface BreakerView {
  name: string;
  monitor: Monitor;
  breaker: CircuitBreakerState;
}

export interface MonitorService {
  list(query: MonitorListQuery): Promise<ScheduledMonitorView[]>;
  get(name: string): Promise<ScheduledMonitorView>;
  create(document: MonitorDocument, actor: Actor): Promise<ScheduledMonitorView>;
  /** Replaces the whole definition (PUT); `document.name` must match or be the same. */
  replace(name: string, document: MonitorDocument, actor: Actor): Promise<ScheduledMonitorView>;
  delete(name: string, actor: Actor): Promise<void>;
  setPaused(name: string, paused: boolean, actor: Actor): Promise<ScheduledMonitorView>;
  runNow(name: string): Promise<MonitorResult>;
  /** One monitor's stored results, newest first (see MonitorResultRepository.list). */
  results(query: MonitorResultQuery): Promise<StoredMonitorResult[]>;
  /** A ping to `/api/v1/heartbeats/:token`; NotFoundError for an unknown token. */
  heartbeat(token: string, ping: { ok: boolean; message: string | null }): Promise<MonitorResult | null>;
  breakers(): BreakerView[];
  resetBreaker(name: string, actor: Actor): Promise<BreakerView>;
  /** Deletes config monitors that `configured` no longer lists (before services are reconciled). */
  removeUnconfigured(configured: readonly ConfiguredMonitor[], actor: Actor): Promise<string[]>;
  /** Makes the config-owned monitors equal `configured` (after services are reconciled). */
  reconcile(configured: readonly ConfiguredMonitor[], actor: Actor): Promise<MonitorReconcileResult>;
  /** Loads every stored monitor and its state into the scheduler. */
  load(): Promise<void>;
}

export interface MonitorServiceOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  scheduler: MonitorScheduler;
  probes: ProbeRegistry;
  /** Secret for heartbeat URLs when none is given (injectable for tests). */
  newToken: () => string;
  /** Names of what reads this monitor (SLOs); a monitor in use cannot be deleted. */
  usersOf?: (monitor: string) => string[];
}

const readOnlyMessage = (name: string) =>
  `monitor '${name}' is declared in the config file; edit the file and reload (SIGHUP or POST /api/v1/-/reload) to change it`;

export function createMonitorService(options: MonitorServiceOptions): MonitorService {
  const { store, bus, clock, scheduler, probes } = options;
  const nowIso = () => new Date(clock.nowMs()).toISOString();
  /** Heartbeat token to monitor name, rebuilt from the scheduler's monitors on every change. */
  let tokens = new Map<string, string>();
  const refreshTokens = (): void => {
    tokens = new Map();
    for (const view of scheduler.views()) {
      const token = heartbeatToken(view.monitor);
      if (token !== undefined) tokens.set(token, view.monitor.name);
    }
  };

  const audit = (repos: StoreRepositories, actor: Actor, action: string, name: string, before: Monitor | null, after: Monitor | null) =>
    repos.audit.append({ at: nowIso(), actor: actor.name, action, objectType: 'monitor', objectId: name, before, after, requestId: actor.requestId });

  const changeEvent = (monitor: Monitor) => ({ monitor: monitor.name, service: monitor.service, kind: monitor.kind, source: monitor.source });

  function viewOf(monitor: Monitor): ScheduledMonitorView {
    return scheduler.view(monitor.name) ?? { monitor, state: { monitor: monitor.name, status: { status: 'pending', consecutiveFailures: 0, consecutiveSuccesses: 0, retriesUsed: 0, since: clock.nowMs(), lastMessage: '', lastOutcome: null }, breaker: null, lastResultAtMs: null, lastHeartbeatAtMs: null }, nextDueMs: null, running: false };
  }

  /** Spec from a document, with a token for heartbeats that have none; throws ValidationError. */
  function specOf(document: MonitorDocument, keepToken?: string): MonitorSpec {
    const { spec, problems } = monitorSpecFromDocument(document);
    const all: FieldProblem[] = [...problems];
    if (!problems.some((problem) => problem.field === spec.kind || problem.field.startsWith(`${spec.kind}.`))) {
      all.push(...probes.validate(spec.kind, spec.settings));
    }
    if (all.length > 0) throw new ValidationError(all);
    if (spec.kind === 'heartbeat' && spec.settings['token'] === undefined) {
      spec.settings = { ...spec.settings, token: keepToken ?? options.newToken() };
    }
    return spec;
  }

  async function assertServiceExists(repos: StoreRepositories, service: string): Promise<void> {
    if ((await repos.services.get(service)) === undefined) {
      throw new ValidationError([{ field: 'service', message: `service '${service}' does not exist (create it first)` }]);
    }
  }

  function assertTokenFree(spec: MonitorSpec): void {
    const token = heartbeatToken(spec);
    const owner = token === undefined ? undefined : tokens.get(token);
    if (owner !== undefined && owner !== spec.name) {
      throw new ConflictError(`heartbeat token is already used by monitor '${owner}'`, [{ field: 'heartbeat.token', message: 'is already in use' }]);
    }
  }

  function publishScheduled(monitor: Monitor, type: 'monitor.created' | 'monitor.updated', immediate: boolean, refresh = true): void {
    scheduler.upsert(monitor, { immediate });
    if (refresh) refreshTokens();
    bus.publish(type, changeEvent(monitor));
  }

  async function getStored(name: string): Promise<Monitor> {
    const monitor = await store.monitors.get(name);
    if (monitor === undefined) throw new NotFoundError('monitor', name);
    return monitor;
  }

  return {
    async list(query) {
      return (await store.monitors.list(query)).map(viewOf);
    },

    async get(name) {
      return viewOf(await getStored(name));
    },

    async create(document, actor) {
      const spec = specOf(document);
      assertTokenFree(spec);
      const created = await store.transaction(async (repos) => {
        if ((await repos.monitors.get(spec.name)) !== undefined) {
          throw new ConflictError(`monitor '${spec.name}' already exists`, [{ field: 'name', message: 'is already taken' }]);
        }
        await assertServiceExists(repos, spec.service);
        const now = nowIso();
        const monitor: Monitor = { ...spec, source: 'api', paused: document.paused ?? false, createdAt: now, updatedAt: now };
        await repos.monitors.insert(monitor);
        await audit(repos, actor, 'monitor.create', spec.name, null, monitor);
        return monitor;
      });
      publishScheduled(created, 'monitor.created', true);
      return viewOf(created);
    },

    async replace(name, document, actor) {
      if (document.name !== name) throw new ValidationError([{ field: 'name', message: `must be '${name}' (the name in the URL); monitors cannot be renamed` }]);
      const current = await getStored(name);
      if (current.source === 'config') throw new ReadOnlyError(readOnlyMessage(name));
      const spec = specOf(document, heartbeatToken(current));
      assertTokenFree(spec);
      const updated = await store.transaction(async (repos) => {
        const stored = await repos.monitors.get(name);
        if (stored === undefined) throw new NotFoundError('monitor', name);
        await assertServiceExists(repos, spec.service);
        const monitor: Monitor = { ...spec, source: 'api', paused: document.paused ?? stored.paused, createdAt: stored.createdAt, updatedAt: nowIso() };
        await repos.monitors.update(monitor);
        await audit(repos, actor, 'monitor.update', name, stored, monitor);
        return monitor;
      });
      publishScheduled(updated, 'monitor.updated', false);
      if (updated.paused !== current.paused) await scheduler.setPaused(name, updated.paused);
      return viewOf(updated);
    },

    async delete(name, actor) {
      const users = options.usersOf?.(name) ?? [];
      if (users.length > 0) throw new ConflictError(`monitor '${name}' cannot be deleted: ${users.join(', ')} take${users.length === 1 ? 's' : ''} an SLI from it; delete or change them first`);
      const deleted = await store.transaction(async (repos) => {
        const current = await repos.monitors.get(name);
        if (current === undefined) throw new NotFoundError('monitor', name);
        if (current.source === 'config') throw new ReadOnlyError(readOnlyMessage(name));
        await repos.monitors.delete(name);
        await audit(repos, actor, 'monitor.delete', name, current, null);
        return current;
      });
      scheduler.remove(name);
      refreshTokens();
      bus.publish('monitor.deleted', changeEvent(deleted));
    },

    async setPaused(name, paused, actor) {
      const current = await getStored(name);
      if (current.paused !== paused) {
        await store.transaction(async (repos) => {
          await repos.monitors.setPaused(name, paused, nowIso());
          await audit(repos, actor, paused ? 'monitor.pause' : 'monitor.resume', name, current, { ...current, paused });
        });
      }
      await scheduler.setPaused(name, paused);
      return viewOf({ ...current, paused });
    },

    async runNow(name) {
      const monitor = await getStored(name);
      if (monitor.kind === 'heartbeat') {
        throw new ConflictError(`monitor '${name}' is a heartbeat monitor: it is checked by pings to its heartbeat URL, not run`);
      }
      if (monitor.paused) throw new ConflictError(`monitor '${name}' is paused; resume it first`);
      const result = await scheduler.runNow(name);
      if (result === undefined) throw new NotFoundError('monitor', name);
      return result;
    },

    results: (query) => store.monitorResults.list(query),

    async heartbeat(token, ping) {
      const name = tokens.get(token);
      if (name === undefined) throw new NotFoundError('heartbeat', `${token.slice(0, 4)}…`);
      return (await scheduler.heartbeat(name, ping)) ?? null;
    },

    breakers() {
      return scheduler
        .views()
        .filter((view) => view.state.breaker !== null)
        .map((view) => ({ name: view.monitor.name, monitor: view.monitor, breaker: view.state.breaker as CircuitBreakerState }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    },

    async resetBreaker(name, actor) {
      const view = scheduler.view(name);
      if (view === undefined || view.state.breaker === null) throw new NotFoundError('breaker', name);
      const before = view.state.breaker;
      const breaker = await scheduler.resetBreaker(name);
      if (breaker === undefined) throw new NotFoundError('breaker', name);
      await store.audit.append({ at: nowIso(), actor: actor.name, action: 'breaker.reset', objectType: 'breaker', objectId: name, before, after: breaker, requestId: actor.requestId });
      return { name, monitor: view.monitor, breaker };
    },

    async removeUnconfigured(configured, actor) {
      const wanted = new Set(configured.map((entry) => entry.spec.name));
      const removed = await store.transaction(async (repos) => {
        const gone: Monitor[] = [];
        for (const current of await repos.monitors.all()) {
          if (current.source !== 'config' || wanted.has(current.name)) continue;
          await repos.monitors.delete(current.name);
          await audit(repos, actor, 'monitor.delete', current.name, current, null);
          gone.push(current);
        }
        return gone;
      });
      for (const monitor of removed) {
        scheduler.remove(monitor.name);
        bus.publish('monitor.deleted', changeEvent(monitor));
      }
      refreshTokens();
      return removed.map((monitor) => monitor.name);
    },

    async reconcile(configured, actor) {
      const result: MonitorReconcileResult = { created: [], updated: [], removed: [] };
      const changes = await store.transaction(async (repos) => {
        const stored = new Map((await repos.monitors.all()).map((monitor) => [monitor.name, monitor]));
        const created: Monitor[] = [];
        const updated: Monitor[] = [];
        const problems: FieldProblem[] = [];
        const services = new Set((await repos.services.dependencyGraph()).map((service) => service.name));
        for (const entry of configured) {
          if (!services.has(entry.spec.service)) {
            problems.push({ field: `monitors.${entry.spec.name}.service`, message: `service '${entry.spec.service}' does not exist` });
          }
        }
        if (problems.length > 0) throw new ValidationError(problems);
        const now = nowIso();
        for (const entry of configured) {
          const current = stored.get(entry.spec.name);
          const spec = withStableToken(entry.spec, current, options.newToken);
          if (current === undefined) {
            const monitor: Monitor = { ...spec, source: 'config', paused: entry.paused, createdAt: now, updatedAt: now };
            await repos.monitors.insert(monitor);
            await audit(repos, actor, 'monitor.create', spec.name, null, monitor);
            created.push(monitor);
          } else if (current.source !== 'config' || !sameMonitorSpec(specPart(current), spec)) {
            const monitor: Monitor = { ...spec, source: 'config', paused: current.paused, createdAt: current.createdAt, updatedAt: now };
            await repos.monitors.update(monitor);
            await audit(repos, actor, 'monitor.update', spec.name, current, monitor);
            updated.push(monitor);
          }
        }
        return { created, updated };
      });
      // One token refresh for the whole batch: a config of 10,000 monitors must not cost 10,000 scans.
      for (const monitor of changes.created) publishScheduled(monitor, 'monitor.created', false, false);
      for (const monitor of changes.updated) publishScheduled(monitor, 'monitor.updated', false, false);
      refreshTokens();
      result.created = changes.created.map((monitor) => monitor.name);
      result.updated = changes.updated.map((monitor) => monitor.name);
      return result;
    },

    async load() {
      const [monitors, states] = await Promise.all([store.monitors.all(), store.monitorStates.all()]);
      scheduler.load(monitors, states);
      refreshTokens();
    },
  };
}

/** A config heartbeat without a token keeps the one it was given first, across reloads. */
function withStableToken(spec: MonitorSpec, current: Monitor | undefined, newToken: () => string): MonitorSpec {
  if (spec.kind !== 'heartbeat' || spec.settings['token'] !== undefined) return spec;
  const token = current === undefined ? undefined : heartbeatToken(current);
  return { ...spec, settings: { ...spec.settings, token: token ?? newToken() } };
}

function specPart(monitor: Monitor): MonitorSpec {
  const { source: _source, paused: _paused, createdAt: _createdAt, updatedAt: _updatedAt, ...spec } = monitor;
  return spec;
}
