/**
 * The service catalog: create, change and delete services through the API, and reconcile the
 * config-declared ones at start and reload. Every write and its audit entry commit in one
 * transaction; events go out only after the commit.
 */
import type { Clock } from '../core/clock.js';
import { ConflictError, NotFoundError, ReadOnlyError, ValidationError, type FieldProblem } from '../core/errors.js';
import { checkDependencyGraph, type DependencyNode } from '../core/services/dependency-graph.js';
import { sameServiceSpec, type Service, type ServiceSpec } from '../core/services/service.js';
import type { ServiceListQuery, Store, StoreRepositories } from '../adapters/store/store.js';
import type { Actor } from './actor.js';
import type { EventBus } from './event-bus.js';
import type { ServiceReadModel } from './service-read-model.js';

export type ServicePatch = Partial<Omit<ServiceSpec, 'name'>>;

export interface ReconcileResult {
  created: string[];
  updated: string[];
  removed: string[];
}

export interface ServiceCatalog {
  list(query: ServiceListQuery): Promise<Service[]>;
  get(name: string): Promise<Service>;
  create(spec: ServiceSpec, actor: Actor): Promise<Service>;
  update(name: string, patch: ServicePatch, actor: Actor): Promise<Service>;
  delete(name: string, actor: Actor): Promise<void>;
  /** Makes the config-owned services equal `specs`; throws ValidationError and writes nothing if that would break the graph. */
  reconcile(specs: readonly ServiceSpec[], actor: Actor): Promise<ReconcileResult>;
}

export interface ServiceCatalogOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  /** Serves reads; invalidated after every committed write. */
  readModel: ServiceReadModel;
}

const readOnlyMessage = (name: string) =>
  `service '${name}' is declared in the config file; edit the file and reload (SIGHUP or POST /api/v1/-/reload) to change it`;

export function createServiceCatalog({ store, bus, clock, readModel }: ServiceCatalogOptions): ServiceCatalog {
  const nowIso = () => new Date(clock.nowMs()).toISOString();

  const audit = (repos: StoreRepositories, actor: Actor, action: string, name: string, before: Service | null, after: Service | null) =>
    repos.audit.append({ at: nowIso(), actor: actor.name, action, objectType: 'service', objectId: name, before, after, requestId: actor.requestId });

  return {
    list: (query) => readModel.list(query),

    async get(name) {
      const service = await readModel.get(name);
      if (!service) throw new NotFoundError('service', name);
      return service;
    },

    async create(spec, actor) {
      const created = await store.transaction(async (repos) => {
        const existing = await repos.services.get(spec.name);
        if (existing) throw new ConflictError(`service '${spec.name}' already exists`, [{ field: 'name', message: 'is already taken' }]);
        await assertGraphAccepts(repos, spec);
        const now = nowIso();
        const service: Service = { ...spec, source: 'api', createdAt: now, updatedAt: now };
        await repos.services.insert(service);
        await audit(repos, actor, 'service.create', spec.name, null, service);
        return service;
      });
      readModel.invalidate();
      bus.publish('service.created', { service: created });
      return created;
    },

    async update(name, patch, actor) {
      const [before, after] = await store.transaction(async (repos) => {
        const current = await repos.services.get(name);
        if (!current) throw new NotFoundError('service', name);
        if (current.source === 'config') throw new ReadOnlyError(readOnlyMessage(name));
        const next: Service = { ...current, ...definedFields(patch), name, updatedAt: nowIso() };
        await assertGraphAccepts(repos, next);
        await repos.services.update(next);
        await audit(repos, actor, 'service.update', name, current, next);
        return [current, next] as const;
      });
      readModel.invalidate();
      bus.publish('service.updated', { before, after });
      return after;
    },

    async delete(name, actor) {
      const deleted = await store.transaction(async (repos) => {
        const current = await repos.services.get(name);
        if (!current) throw new NotFoundError('service', name);
        if (current.source === 'config') throw new ReadOnlyError(readOnlyMessage(name));
        const dependents = (await repos.services.dependencyGraph()).filter((s) => s.dependencies.includes(name)).map((s) => s.name);
        if (dependents.length > 0) {
          throw new ConflictError(`service '${name}' cannot be deleted: ${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on it`);
        }
        const slos = await repos.slos.countByService(name);
        if (slos > 0) throw new ConflictError(`service '${name}' cannot be deleted: ${slos} SLO${slos === 1 ? '' : 's'} belong${slos === 1 ? 's' : ''} to it; delete them first`);
        const monitors = await repos.monitors.countByService(name);
        if (monitors > 0) {
          throw new ConflictError(`service '${name}' cannot be deleted: ${monitors} monitor${monitors === 1 ? '' : 's'} still watch${monitors === 1 ? 'es' : ''} it; delete or move them first`);
        }
        await repos.services.delete(name);
        await audit(repos, actor, 'service.delete', name, current, null);
        return current;
      });
      readModel.invalidate();
      bus.publish('service.deleted', { service: deleted });
    },

    async reconcile(specs, actor) {
      const changes = await store.transaction(async (repos) => reconcileInTransaction(repos, specs, actor, nowIso(), audit));
      readModel.invalidate();
      for (const service of changes.createdServices) bus.publish('service.created', { service });
      for (const [before, after] of changes.updatedServices) bus.publish('service.updated', { before, after });
      for (const service of changes.removedServices) bus.publish('service.deleted', { service });
      return {
        created: changes.createdServices.map((s) => s.name),
        updated: changes.updatedServices.map(([, after]) => after.name),
        removed: changes.removedServices.map((s) => s.name),
      };
    },
  };
}

type AuditWriter = (repos: StoreRepositories, actor: Actor, action: string, name: string, before: Service | null, after: Service | null) => Promise<void>;

interface ReconcileChanges {
  createdServices: Service[];
  updatedServices: Array<readonly [Service, Service]>;
  removedServices: Service[];
}

async function reconcileInTransaction(
  repos: StoreRepositories,
  specs: readonly ServiceSpec[],
  actor: Actor,
  now: string,
  audit: AuditWriter,
): Promise<ReconcileChanges> {
  const stored = await repos.services.all();
  const storedByName = new Map(stored.map((s) => [s.name, s]));
  const wanted = new Set(specs.map((s) => s.name));
  const apiOwned = stored.filter((s) => s.source === 'api' && !wanted.has(s.name));
  // The config is checked on its own by the loader; here the API-created services join it, so
  // removing a config service that an API service still depends on is refused, not orphaned.
  const problems = checkDependencyGraph([...specs, ...apiOwned], (index) =>
    index < specs.length ? `services[${index}].dependencies` : `service '${apiOwned[index - specs.length]?.name ?? ''}' (created through the API).dependencies`,
  );
  if (problems.length > 0) throw new ValidationError(problems, `the config conflicts with services created through the API: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);

  const changes: ReconcileChanges = { createdServices: [], updatedServices: [], removedServices: [] };
  for (const spec of specs) {
    const current = storedByName.get(spec.name);
    if (!current) {
      const service: Service = { ...spec, source: 'config', createdAt: now, updatedAt: now };
      await repos.services.insert(service);
      await audit(repos, actor, 'service.create', spec.name, null, service);
      changes.createdServices.push(service);
    } else if (current.source !== 'config' || !sameServiceSpec(current, spec)) {
      const service: Service = { ...spec, source: 'config', createdAt: current.createdAt, updatedAt: now };
      await repos.services.update(service);
      await audit(repos, actor, 'service.update', spec.name, current, service);
      changes.updatedServices.push([current, service]);
    }
  }
  for (const current of stored) {
    if (current.source === 'config' && !wanted.has(current.name)) {
      const monitors = await repos.monitors.countByService(current.name);
      if (monitors > 0) {
        throw new ValidationError(
          [{ field: 'services', message: `service '${current.name}' was removed from the config but ${monitors} monitor(s) created through the API still watch it` }],
        );
      }
      await repos.services.delete(current.name);
      await audit(repos, actor, 'service.delete', current.name, current, null);
      changes.removedServices.push(current);
    }
  }
  return changes;
}

/** Refuses a create or update whose dependencies are unknown or would close a cycle. */
async function assertGraphAccepts(repos: StoreRepositories, candidate: ServiceSpec): Promise<void> {
  const others: DependencyNode[] = (await repos.services.dependencyGraph()).filter((s) => s.name !== candidate.name);
  const problems: FieldProblem[] = checkDependencyGraph([candidate, ...others], (index) => (index === 0 ? 'dependencies' : `service '${others[index - 1]?.name ?? ''}'.dependencies`));
  // The stored graph is acyclic, so any cycle found now runs through the candidate; problems of
  // other services (e.g. a dangling dependency from before) are not this request's fault.
  const own = problems.filter((p) => p.field.startsWith('dependencies') || p.message.startsWith('dependency cycle:'));
  if (own.length > 0) throw new ValidationError(own.map((p) => (p.field.startsWith('dependencies') ? p : { field: 'dependencies', message: p.message })));
}

function definedFields(patch: ServicePatch): ServicePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
