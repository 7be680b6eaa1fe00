/**
 * The store: sre-monitor's durable state behind small repositories. Two implementations share
 * this contract and one test suite (store.contract.ts): SQLite (embedded default) and
 * PostgreSQL. Every method resolves only after the write is committed, so an acknowledged API
 * write survives `kill -9`.
 */
import type { Role } from '../../core/auth/roles.js';
import type { Criticality, Service } from '../../core/services/service.js';

export interface ServiceListQuery {
  team?: string;
  tag?: string;
  criticality?: Criticality;
  /** Exclusive lower bound on name (keyset pagination; results are ordered by name). */
  afterName?: string;
  limit: number;
}

export interface ServiceRepository {
  list(query: ServiceListQuery): Promise<Service[]>;
  /** Every service, ordered by name (config reconcile, the read model). */
  all(): Promise<Service[]>;
  /** Every service's name and dependencies, ordered by name: the graph checks need no more. */
  dependencyGraph(): Promise<Array<{ name: string; dependencies: string[] }>>;
  get(name: string): Promise<Service | undefined>;
  /** Throws ConflictError when the name is taken. */
  insert(service: Service): Promise<void>;
  /** Replaces the stored service with the same name; throws NotFoundError when there is none. */
  update(service: Service): Promise<void>;
  /** Returns false when there was nothing to delete. */
  delete(name: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface ApiToken {
  name: string;
  role: Role;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  tokenHash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface TokenRepository {
  /** Throws ConflictError when the name is taken. */
  insert(token: ApiToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | undefined>;
  list(): Promise<ApiToken[]>;
  /** Deletes the token; false when no token has that name. */
  revoke(name: string): Promise<boolean>;
  touch(name: string, at: string): Promise<void>;
}

export interface AuditEntryInput {
  at: string;
  /** Token name, `anonymous`, `config` (reconcile) or `cli`. */
  actor: string;
  /** Verb like `service.create`, `token.revoke`, `config.reload`. */
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
}

export interface AuditListQuery {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  /** Exclusive upper bound on id (pagination goes from newest to oldest). */
  beforeId?: number;
  limit: number;
}

export interface AuditRepository {
  append(entry: AuditEntryInput): Promise<void>;
  /** Newest first. */
  list(query: AuditListQuery): Promise<AuditEntry[]>;
}

/** The repositories available inside one transaction. */
export interface StoreRepositories {
  services: ServiceRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export interface Store extends StoreRepositories {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, without secrets: a file path or a URL without its password. */
  readonly location: string;
  /** Runs pending numbered migrations; returns the names it applied. */
  migrate(): Promise<string[]>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Runs `work` in one transaction: all its writes commit together or none do. */
  transaction<T>(work: (repositories: StoreRepositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Called with each query's duration, for the sre_monitor_store_query_duration_seconds histogram. */
export type QueryTimingListener = (operation: string, durationSeconds: number) => void;
