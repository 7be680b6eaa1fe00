/**
 * An in-memory copy of the service catalog for reads. The catalog is small and read far more
 * often than written (every dashboard refresh lists it), and a list from memory costs a fraction
 * of a 50-row query. Writes still go to the store in transactions; after each commit the writer
 * calls `invalidate()`. A copy older than `maxAgeMs` is reloaded too, which bounds how stale a
 * replica sharing a PostgreSQL store with others can be.
 */
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/services/service.js';
import type { ServiceListQuery } from '../adapters/store/store.js';

export interface ServiceReadModel {
  list(query: ServiceListQuery): Promise<Service[]>;
  get(name: string): Promise<Service | undefined>;
  /** Drops the copy; the next read loads the store's committed state. */
  invalidate(): void;
}

export interface ServiceReadModelOptions {
  /** Loads every service ordered by name. */
  loadAll: () => Promise<Service[]>;
  clock: Clock;
  /** Reload after this long even without local writes (other replicas may have written). */
  maxAgeMs: number;
}

interface Snapshot {
  services: Service[];
  byName: Map<string, Service>;
  loadedAtMs: number;
}

export function createServiceReadModel(options: ServiceReadModelOptions): ServiceReadModel {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  // Bumped by every invalidate, so a load that started before a write never installs its result.
  let generation = 0;

  const load = (): Promise<Snapshot> => {
    if (loading) return loading;
    const startedGeneration = generation;
    const started = options.loadAll().then((services) => {
      const loaded = { services, byName: new Map(services.map((s) => [s.name, s])), loadedAtMs: options.clock.nowMs() };
      if (generation === startedGeneration) snapshot = loaded;
      return loaded;
    });
    loading = started;
    const clear = () => {
      if (loading === started) loading = undefined;
    };
    started.then(clear, clear);
    return started;
  };

  const current = async (): Promise<Snapshot> => {
    if (snapshot && options.clock.nowMs() - snapshot.loadedAtMs < options.maxAgeMs) return snapshot;
    return load();
  };

  return {
    async list(query) {
      const { services } = await current();
      const result: Service[] = [];
      for (let index = query.afterName === undefined ? 0 : firstAfter(services, query.afterName); index < services.length && result.length < query.limit; index += 1) {
        const service = services[index];
        if (service !== undefined && matches(service, query)) result.push(service);
      }
      return result;
    },
    async get(name) {
      return (await current()).byName.get(name);
    },
    invalidate() {
      generation += 1;
      snapshot = undefined;
      loading = undefined;
    },
  };
}

function matches(service: Service, query: ServiceListQuery): boolean {
  return (
    (query.team === undefined || service.team === query.team) &&
    (query.criticality === undefined || service.criticality === query.criticality) &&
    (query.tag === undefined || service.tags.includes(query.tag))
  );
}

/** Index of the first service whose name sorts after `name` (binary search; names are unique). */
function firstAfter(services: readonly Service[], name: string): number {
  let low = 0;
  let high = services.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((services[middle]?.name ?? '') <= name) low = middle + 1;
    else high = middle;
  }
  return low;
}
