/**
 * Picks the store implementation for the configured storage. Opening does not migrate: the
 * caller runs `migrate()` (the server at start-up, and CLI commands before touching data), so a
 * read-only inspection never changes the schema by accident.
 */
import type { StorageSettings } from '../../config/runtime-config.js';
import { createSqliteStore } from './sqlite-store.js';
import type { QueryTimingListener, Store } from './store.js';

export interface CreateStoreOptions {
  /** Receives each query's operation and duration in seconds. */
  onQuery?: QueryTimingListener;
}

export async function createStore(settings: StorageSettings, options: CreateStoreOptions = {}): Promise<Store> {
  switch (settings.kind) {
    case 'sqlite':
      return createSqliteStore({ path: settings.path, onQuery: options.onQuery });
    case 'postgres': {
      // Loaded only here: node-postgres and its store cost SQLite installations memory for nothing.
      const { createPostgresStore } = await import('./postgres-store.js');
      return createPostgresStore({
        url: settings.url,
        poolMax: settings.poolMax,
        idleTimeoutMs: settings.idleTimeoutMs,
        onQuery: options.onQuery,
      });
    }
  }
}
