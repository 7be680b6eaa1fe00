/**
 * The store: sre-monitor's durable state behind small repositories. Two implementations share
 * this contract and one test suite (store.contract.ts): SQLite (embedded default) and
 * PostgreSQL. Every method resolves only after the write is committed, so an acknowledged API
 * write survives `kill -9`.
 */
import type { Role } from '../../core/auth/roles.js';
import type { EscalationState, EscalationSubject } from '../../core/escalation/escalation-state.js';
import type { Monitor, MonitorKind, MonitorResult, MonitorRuntimeState } from '../../core/monitors/monitor.js';
import type { UptimeBucket } from '../../core/monitors/uptime.js';
import type { Criticality, Service } from '../../core/services/service.js';
import type { RunbookRun } from '../../core/runbooks/runbook-run.js';
import type { AlertRepository, NotificationLogRepository, OutboxRepository, SilenceRepository } from './alerting-repositories.js';
import type { IncidentRepository, IncidentTimelineRepository } from './incident-repositories.js';
import type { ActionItemRepository, PostmortemRepository } from './postmortem-repositories.js';

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

export interface MonitorListQuery {
  service?: string;
  kind?: MonitorKind;
  tag?: string;
  /** Exclusive lower bound on name (keyset pagination; results are ordered by name). */
  afterName?: string;
  limit: number;
}

export interface MonitorRepository {
  list(query: MonitorListQuery): Promise<Monitor[]>;
  /** Every monitor, ordered by name (config reconcile, the scheduler at start). */
  all(): Promise<Monitor[]>;
  get(name: string): Promise<Monitor | undefined>;
  /** Throws ConflictError when the name is taken. */
  insert(monitor: Monitor): Promise<void>;
  /** Replaces the stored monitor with the same name; throws NotFoundError when there is none. */
  update(monitor: Monitor): Promise<void>;
  /** Deletes the monitor with its state, results and roll-ups; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** False when no monitor has that name. */
  setPaused(name: string, paused: boolean, updatedAt: string): Promise<boolean>;
  /** How many monitors watch the service (a service with monitors cannot be deleted). */
  countByService(service: string): Promise<number>;
  count(): Promise<number>;
}

/** A stored result with its row id (results of one instant are ordered by id). */
export interface StoredMonitorResult extends MonitorResult {
  id: number;
}

export interface MonitorResultQuery {
  monitor: string;
  /** Exclusive lower bound on atMs. */
  fromMs: number;
  /** Inclusive upper bound on atMs. */
  toMs: number;
  /**
   * Cursor for the next page: the id of the last result of the previous page. Results follow it
   * in (atMs desc, id desc) order; that is "id < beforeId" whenever ids follow time, and stays
   * exact when results were appended out of time order.
   */
  beforeId?: number;
  limit: number;
}

export interface MonitorResultRepository {
  /** Appends results (any monitors, any order) in one statement batch. */
  append(results: readonly MonitorResult[]): Promise<void>;
  /** One monitor's results in (fromMs, toMs], newest first: (atMs desc, id desc). */
  list(query: MonitorResultQuery): Promise<StoredMonitorResult[]>;
  /** Every monitor's results in (fromMs, toMs], oldest first by (atMs, id) (roll-up rebuild after a restart). */
  between(fromMs: number, toMs: number): Promise<MonitorResult[]>;
  /** Deletes results with atMs < beforeMs, at most `limit` rows; returns how many went. */
  deleteOlderThan(beforeMs: number, limit: number): Promise<number>;
}

export interface MonitorStateRepository {
  /** Inserts or replaces the state of each monitor named. */
  upsert(states: readonly MonitorRuntimeState[]): Promise<void>;
  all(): Promise<MonitorRuntimeState[]>;
}

export type RollupSize = '1m' | '1h';

export interface MonitorRollup {
  monitor: string;
  bucket: UptimeBucket;
}

export interface MonitorRollupRepository {
  /** Inserts or replaces each (monitor, size, bucket.endMs) row. */
  upsert(size: RollupSize, rollups: readonly MonitorRollup[]): Promise<void>;
  /**
   * Buckets of the named monitors (all monitors when `monitors` is undefined) whose end lies in
   * (fromMs, toMs], ordered by monitor then end.
   */
  list(size: RollupSize, monitors: readonly string[] | undefined, fromMs: number, toMs: number): Promise<MonitorRollup[]>;
  /** Deletes buckets of that size ending before `beforeMs`, at most `limit`; returns how many went. */
  deleteOlderThan(size: RollupSize, beforeMs: number, limit: number): Promise<number>;
  /** End (ms) of the last minute whose 1-minute buckets were all written; null before the first. */
  progress(): Promise<number | null>;
  setProgress(minuteEndMs: number): Promise<void>;
}

/**
 * An SLO as stored: its written form (the `slos:` entry or API body, snake_case JSON) is kept as
 * is and turned into a spec by src/core/slo, so the store does not depend on the SLO model.
 */
export interface StoredSlo {
  name: string;
  service: string;
  document: Record<string, unknown>;
  source: 'config' | 'api';
  createdAt: string;
  updatedAt: string;
}

export interface SloListQuery {
  service?: string;
  /** Exclusive lower bound on name (keyset pagination; ordered by name). */
  afterName?: string;
  limit: number;
}

export interface SloRepository {
  list(query: SloListQuery): Promise<StoredSlo[]>;
  all(): Promise<StoredSlo[]>;
  get(name: string): Promise<StoredSlo | undefined>;
  /** Throws ConflictError when the name is taken. */
  insert(slo: StoredSlo): Promise<void>;
  /** Throws NotFoundError when there is none. */
  update(slo: StoredSlo): Promise<void>;
  /** Deletes the SLO with its counts, alert state and history; false when there was none. */
  delete(name: string): Promise<boolean>;
  countByService(service: string): Promise<number>;
}

/** Good and total events of one SLO in one bucket (counts may be fractional: PromQL increases). */
export interface SloCount {
  slo: string;
  /** End of the bucket, ms since the epoch; it covers (endMs - size, endMs]. */
  endMs: number;
  good: number;
  total: number;
}

export interface SloCountRepository {
  /**
   * Adds each count to its 1-minute row and to the 1-hour row holding that minute (rows are
   * created at zero), in one transaction. Counts of the same bucket in one call add up. Throws
   * ValidationError, writing nothing, when a count is not finite or an end is not an integer.
   */
  add(counts: readonly SloCount[]): Promise<void>;
  /** 1-minute rows ending in (fromMs, toMs], of one SLO or all, ordered by slo then end. */
  minutes(slo: string | undefined, fromMs: number, toMs: number): Promise<SloCount[]>;
  /** 1-hour rows ending in (fromMs, toMs], of one SLO or all, ordered by slo then end. */
  hours(slo: string | undefined, fromMs: number, toMs: number): Promise<SloCount[]>;
  /**
   * Every SLO's 1-minute rows ending after `fromMs`, ordered by end then slo: the replay after
   * restart checkpoints, one query for all SLOs (the time index, no sort by SLO). With `toMs`,
   * only rows ending in (fromMs, toMs]: the replay reads the tail in slices of time.
   */
  minutesSince(fromMs: number, toMs?: number): Promise<SloCount[]>;
  /** Deletes rows of that size ending before `beforeMs`, at most `limit`; returns how many went. */
  deleteOlderThan(size: '1m' | '1h', beforeMs: number, limit: number): Promise<number>;
}

/**
 * The SLO engine's counts of one SLO cut at `cutMs`, as bytes only the engine reads: a restart
 * restores them and replays the minute rows after the cut. Derived data, safe to delete.
 */
export interface SloCheckpoint {
  slo: string;
  /** Counts of minutes ending at or before this are in `data`; later ones are in the minute rows. */
  cutMs: number;
  writtenAtMs: number;
  data: Uint8Array;
}

export interface SloCheckpointRepository {
  /** Inserts or replaces the checkpoint of each SLO named (chunked multi-row upserts). */
  upsert(checkpoints: readonly SloCheckpoint[]): Promise<void>;
  /** Checkpoints ordered by slo, after `afterSlo` (exclusive; keyset pages), at most `limit`. */
  list(afterSlo: string | undefined, limit: number): Promise<SloCheckpoint[]>;
  /** Deletes every checkpoint (count rows were changed behind the engine's back); returns how many went. */
  deleteAll(): Promise<number>;
}

/** A remembered `Idempotency-Key` of an ingest request and the answer it got. */
export interface IngestKey {
  key: string;
  /** Hash of the request body: the same key with another body is a conflict. */
  requestHash: string;
  response: unknown;
  createdAtMs: number;
}

export interface IngestKeyRepository {
  get(key: string): Promise<IngestKey | undefined>;
  /** Throws ConflictError when the key exists (a concurrent retry won the race). */
  insert(entry: IngestKey): Promise<void>;
  deleteOlderThan(beforeMs: number, limit: number): Promise<number>;
}

/** Whatever the engine needs to resume an SLO's alerts after a restart (JSON). */
export interface SloRuntimeState {
  slo: string;
  state: Record<string, unknown>;
}

export interface SloStateRepository {
  upsert(states: readonly SloRuntimeState[]): Promise<void>;
  all(): Promise<SloRuntimeState[]>;
}

/** One kept evaluation of an SLO (compact JSON chosen by the engine). */
export interface SloHistoryPoint {
  slo: string;
  atMs: number;
  data: Record<string, unknown>;
}

export interface SloHistoryRepository {
  append(points: readonly SloHistoryPoint[]): Promise<void>;
  /** Points of one SLO with atMs in (fromMs, toMs], oldest first, at most `limit`. */
  list(slo: string, fromMs: number, toMs: number, limit: number): Promise<SloHistoryPoint[]>;
  /** The newest point at or before `atMs` (the value a chart starts from). */
  latestAtOrBefore(slo: string, atMs: number): Promise<SloHistoryPoint | undefined>;
  deleteOlderThan(beforeMs: number, limit: number): Promise<number>;
}

/** One escalation as the runner keeps it: its state and the caller's context (JSON data). */
export interface StoredEscalation {
  state: EscalationState;
  context: unknown;
}

/**
 * Escalation states by subject (kind and id together). Structurally the engine's
 * `EscalationStateRepository<unknown>` (src/engine/escalation/escalation-runner.ts), spelled
 * here because adapters do not import from the engine.
 */
export interface EscalationRepository {
  /** Inserts or replaces the record of `record.state.subject`. */
  save(record: StoredEscalation): Promise<void>;
  /** Every record, ordered by subject kind then id. */
  all(): Promise<StoredEscalation[]>;
  /** Deleting a subject without a record is not an error. */
  delete(subject: EscalationSubject): Promise<void>;
}

/** One alerting-rule alert's progress through `for`, kept across restarts (Prometheus' ALERTS_FOR_STATE). */
export interface RuleForStateRow {
  ruleKey: string;
  fingerprint: string;
  activeAtMs: number;
  lastSeenAtMs: number;
}

export interface RuleForStateRepository {
  /** Every row, ordered by rule key then fingerprint. */
  all(): Promise<RuleForStateRow[]>;
  /** Replaces every row of `ruleKeys` by `rows` (all of which belong to those rules) in one transaction. */
  replace(ruleKeys: readonly string[], rows: readonly RuleForStateRow[]): Promise<void>;
}

/** Runbook runs by id; the run is stored whole (src/core/runbooks/runbook-run.ts). */
export interface RunbookRunRepository {
  /** Rejects when a run with the same id exists. */
  insert(run: RunbookRun): Promise<void>;
  /** Replaces the stored run with the same id; rejects with NotFoundError when there is none. */
  update(run: RunbookRun): Promise<void>;
  get(id: string): Promise<RunbookRun | undefined>;
  /** An incident's runs, oldest first. */
  listByIncident(incidentId: string): Promise<RunbookRun[]>;
  /** Runs not finished yet (running or waiting for a person), oldest first. */
  listUnfinished(): Promise<RunbookRun[]>;
}

/** An on-call override created through the API (config-file overrides are not stored). */
export interface StoredOncallOverride {
  id: string;
  schedule: string;
  person: string;
  startMs: number;
  endMs: number;
  createdBy: string;
  createdAtMs: number;
}

export interface OncallOverrideRepository {
  /** Rejects on a duplicate id. */
  insert(override: StoredOncallOverride): Promise<void>;
  /** Every override, by schedule, then start, then id. */
  all(): Promise<StoredOncallOverride[]>;
  /** True when a row was deleted. */
  delete(id: string): Promise<boolean>;
}

/** The repositories available inside one transaction. */
export interface StoreRepositories {
  services: ServiceRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  monitors: MonitorRepository;
  monitorResults: MonitorResultRepository;
  monitorStates: MonitorStateRepository;
  monitorRollups: MonitorRollupRepository;
  slos: SloRepository;
  sloCounts: SloCountRepository;
  ingestKeys: IngestKeyRepository;
  sloStates: SloStateRepository;
  sloHistory: SloHistoryRepository;
  alerts: AlertRepository;
  silences: SilenceRepository;
  notificationLog: NotificationLogRepository;
  outbox: OutboxRepository;
  sloCheckpoints: SloCheckpointRepository;
  escalations: EscalationRepository;
  ruleForStates: RuleForStateRepository;
  incidents: IncidentRepository;
  incidentTimeline: IncidentTimelineRepository;
  runbookRuns: RunbookRunRepository;
  oncallOverrides: OncallOverrideRepository;
  postmortems: PostmortemRepository;
  actionItems: ActionItemRepository;
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
  /**
   * Runs `work` in one transaction: all its writes commit together or none do. With
   * `durability: 'relaxed'` the commit does not wait for the disk (SQLite `synchronous =
   * NORMAL` for that transaction, PostgreSQL `synchronous_commit = off`): it survives the
   * process being killed, but a power cut or an OS crash may lose it. Only for writes whose loss
   * is harmless (decision 26).
   */
  transaction<T>(work: (repositories: StoreRepositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /** `full` (default): the commit is on disk when it resolves. `relaxed`: see `Store.transaction`. */
  durability?: 'full' | 'relaxed';
}

/** Called with each query's duration, for the sre_monitor_store_query_duration_seconds histogram. */
export type QueryTimingListener = (operation: string, durationSeconds: number) => void;
