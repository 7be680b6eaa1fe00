/**
 * The tables as Kysely sees them. Column types are what both drivers hand back: times are
 * RFC 3339 UTC text (lexical order is time order) and JSON is text, so one schema and one set of
 * queries serve SQLite and PostgreSQL alike.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../core/auth/roles.js';
import type { MonitorKind, MonitorSource } from '../../core/monitors/monitor.js';
import type { CheckStatus } from '../../core/monitors/monitor-status.js';
import type { Criticality, ServiceSource } from '../../core/services/service.js';
import type { AlertSource } from '../../core/alerting/alert.js';
import type { IncidentStatus, TimelineEntryKind } from '../../core/incidents/incident.js';
import type { OutboxStatus } from './alerting-repositories.js';
import type { RollupSize, StoredSlo } from './store.js';
import type { PostmortemStatus } from '../../core/postmortems/postmortem.js';
import type { ActionItemPriority, ActionItemStatus } from '../../core/postmortems/action-item.js';

export interface ServicesTable {
  name: string;
  display_name: string;
  team: string | null;
  criticality: Criticality;
  /** JSON array of strings, in the order the user gave them. */
  tags_json: string;
  /** JSON array of service names. */
  dependencies_json: string;
  /** JSON object ({ runbook?, dashboard?, repo? }). */
  links_json: string;
  source: ServiceSource;
  created_at: string;
  updated_at: string;
}

/**
 * One row per distinct (service, tag): `services.tags_json` keeps the user's list, this table
 * exists so the tag filter runs in SQL with an index instead of parsing JSON per row.
 */
export interface ServiceTagsTable {
  service_name: string;
  tag: string;
}

export interface ApiTokensTable {
  name: string;
  role: Role;
  /** SHA-256 of the token, hex. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AuditLogTable {
  /**
   * SQLite returns a number; node-postgres returns int8 as a string (it may exceed 2^53), so
   * readers convert with Number(). Insertable so a restore can keep the original ids.
   */
  id: Generated<number | string>;
  at: string;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  /** JSON text; NULL when the value was null or absent. */
  before_json: string | null;
  after_json: string | null;
  request_id: string | null;
}

/**
 * Milliseconds since the epoch: int8 in PostgreSQL, which node-postgres returns as a string (it
 * may exceed 2^53), a number in SQLite. Written as numbers; readers convert with Number().
 */
type EpochMillis = ColumnType<number | string, number, number>;
type NullableEpochMillis = ColumnType<number | string | null, number | null, number | null>;

export interface MonitorsTable {
  name: string;
  service: string;
  kind: MonitorKind;
  description: string | null;
  /** JSON array of strings, in the order the user gave them. */
  tags_json: string;
  /**
   * JSON object: the rest of the MonitorSpec (interval, thresholds, breaker, maintenance
   * windows, latency thresholds, kind settings). Nothing queries these, so they stay one column.
   */
  spec_json: string;
  source: MonitorSource;
  /** 0 or 1 (integer in both dialects). */
  paused: number;
  created_at: string;
  updated_at: string;
}

/** One row per distinct (monitor, tag), for the tag filter; see ServiceTagsTable. */
export interface MonitorTagsTable {
  monitor_name: string;
  tag: string;
}

export interface MonitorStatesTable {
  monitor: string;
  /** JSON MonitorStatusState. */
  status_json: string;
  /** JSON CircuitBreakerState; NULL when the monitor has no breaker. */
  breaker_json: string | null;
  last_result_at_ms: NullableEpochMillis;
  last_heartbeat_at_ms: NullableEpochMillis;
}

export interface MonitorResultsTable {
  /** Ids of one instant order its results; see AuditLogTable.id for the string case. */
  id: Generated<number | string>;
  monitor: string;
  at_ms: EpochMillis;
  status: CheckStatus;
  latency_ms: number | null;
  message: string;
  /** JSON ProbeTimings or NULL. */
  timings_json: string | null;
  /** JSON object or NULL. */
  details_json: string | null;
  /** 0 or 1: taken while a maintenance window was open. */
  maintenance: number;
}

export interface MonitorRollupsTable {
  monitor: string;
  size: RollupSize;
  end_ms: EpochMillis;
  up: number;
  down: number;
  degraded: number;
  maintenance: number;
  /** JSON LatencySketch. */
  latency_json: string;
  /** JSON object: threshold (ms, decimal string) to count. */
  latency_under_json: string;
}

/** At most one row, id 1. */
export interface MonitorRollupProgressTable {
  id: number;
  minute_end_ms: EpochMillis;
}

/** A stored SLO; see StoredSlo. */
export interface SlosTable {
  name: string;
  service: string;
  /** JSON object: the SLO exactly as written (config entry or API body). */
  document_json: string;
  source: StoredSlo['source'];
  created_at: string;
  updated_at: string;
}

/** `slo_counts_1m` and `slo_counts_1h`: one row per (slo, bucket end), summed by every add. */
export interface SloCountsTable {
  slo: string;
  end_ms: EpochMillis;
  /** 8-byte floats in both dialects: PromQL increases are fractional. */
  good: number;
  total: number;
}

export interface IngestKeysTable {
  key: string;
  request_hash: string;
  /** JSON text; NULL when the response was null or absent. */
  response_json: string | null;
  created_at_ms: EpochMillis;
}

export interface SloStatesTable {
  slo: string;
  /** JSON object chosen by the engine. */
  state_json: string;
}

export interface SloHistoryTable {
  slo: string;
  at_ms: EpochMillis;
  /** JSON object chosen by the engine. */
  data_json: string;
}

/** An alert by fingerprint; see Alert. */
export interface AlertsTable {
  fingerprint: string;
  /** JSON objects of label name to value. */
  labels_json: string;
  annotations_json: string;
  starts_at_ms: EpochMillis;
  ends_at_ms: EpochMillis;
  /** 0 or 1. */
  ends_at_from_timeout: number;
  updated_at_ms: EpochMillis;
  generator_url: string;
  source: AlertSource;
  acknowledged_by: string | null;
  acknowledged_at_ms: NullableEpochMillis;
}

export interface SilencesTable {
  id: string;
  /** JSON array of { type, name, value }; regexes are compiled again when read. */
  matchers_json: string;
  starts_at_ms: EpochMillis;
  ends_at_ms: EpochMillis;
  created_by: string;
  comment: string;
  updated_at_ms: EpochMillis;
}

/** One row per (integration, group key); see NotificationLogEntry. */
export interface NotificationLogTable {
  receiver: string;
  integration_key: string;
  integration_index: number;
  group_key: string;
  /** JSON arrays of fingerprints. */
  firing_json: string;
  resolved_json: string;
  sent_at_ms: EpochMillis;
}

/** The notification outbox; see OutboxItem. Integration and group key are columns so `due` can group by them. */
export interface OutboxTable {
  /** See AuditLogTable.id for the string case. */
  id: Generated<number | string>;
  idempotency_key: string;
  receiver: string;
  integration_key: string;
  integration_index: number;
  group_key: string;
  /** JSON Notification, exactly as enqueued. */
  notification_json: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at_ms: EpochMillis;
  last_error: string | null;
  last_reason: string | null;
  created_at_ms: EpochMillis;
  /** When the item last became pending (enqueue or a retry by hand): max age counts from here. */
  queued_at_ms: EpochMillis;
  finished_at_ms: NullableEpochMillis;
}

/** A restart checkpoint of one SLO's counts; see SloCheckpoint. */
export interface SloCheckpointsTable {
  slo: string;
  cut_ms: EpochMillis;
  written_at_ms: EpochMillis;
  /** BLOB / bytea: Buffer from better-sqlite3 and pg, Uint8Array from PGlite. */
  data: Uint8Array;
}

/** One row per escalated subject; see StoredEscalation. */
/** The `for` progress of one alerting-rule alert (migration 0011). */
export interface RuleForStatesTable {
  /** alertRuleKey(spec): the rule's name and labels. */
  rule_key: string;
  fingerprint: string;
  active_at_ms: EpochMillis;
  /** The last evaluation that saw the alert pending or firing. */
  last_seen_at_ms: EpochMillis;
}

export interface EscalationsTable {
  subject_kind: string;
  subject_id: string;
  /** JSON EscalationState without its subject (the key columns hold that). */
  state_json: string;
  /** JSON context chosen by the engine; NULL when it was undefined. */
  context_json: string | null;
  /** The state's latest timestamp (start, last fire, acknowledgement or resolution). */
  updated_at_ms: EpochMillis;
}

/** One row per incident; see Incident. List filters use the scalar columns, never the JSON. */
export interface IncidentsTable {
  id: string;
  title: string;
  description: string;
  severity: string;
  status: IncidentStatus;
  /** JSON arrays of strings, in the incident's order. */
  services_json: string;
  alerts_json: string;
  slos_json: string;
  /** JSON IncidentRoles. */
  roles_json: string;
  customer_impact: string;
  /** JSON object of label name to value. */
  labels_json: string;
  correlation_key: string | null;
  started_at_ms: EpochMillis;
  detected_at_ms: EpochMillis;
  acknowledged_at_ms: NullableEpochMillis;
  acknowledged_by: string | null;
  resolved_at_ms: NullableEpochMillis;
  resolved_by: string | null;
  created_by: string;
  updated_at_ms: EpochMillis;
  reopen_count: number;
}

/**
 * One row per distinct (incident, service), mirroring `incidents.services_json` so the service
 * filter runs on an index.
 */
export interface IncidentServicesTable {
  incident_id: string;
  service: string;
}

/** One timeline entry; see TimelineEntry. */
export interface IncidentTimelineTable {
  /** See AuditLogTable.id for the string case. */
  id: Generated<number | string>;
  incident_id: string;
  at_ms: EpochMillis;
  actor: string;
  kind: TimelineEntryKind;
  message: string;
  /** JSON object. */
  data_json: string;
}

/** The last incident number handed out per UTC day (`YYYYMMDD`). */
export interface IncidentDayCountersTable {
  day_key: string;
  last_number: number;
}

/** One row per runbook run; see RunbookRun (src/core/runbooks/runbook-run.ts). */
export interface RunbookRunsTable {
  id: string;
  incident_id: string;
  runbook: string;
  status: string;
  /** JSON RunbookRun: the plan snapshot and every step's state. */
  run_json: string;
  started_at_ms: EpochMillis;
  updated_at_ms: EpochMillis;
  finished_at_ms: NullableEpochMillis;
}

/** An on-call override created through the API; see StoredOncallOverride. */
export interface OncallOverridesTable {
  id: string;
  schedule: string;
  person: string;
  start_ms: EpochMillis;
  end_ms: EpochMillis;
  created_by: string;
  created_at_ms: EpochMillis;
}

export interface Database {
  services: ServicesTable;
  service_tags: ServiceTagsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  monitors: MonitorsTable;
  monitor_tags: MonitorTagsTable;
  monitor_states: MonitorStatesTable;
  monitor_results: MonitorResultsTable;
  monitor_rollups: MonitorRollupsTable;
  monitor_rollup_progress: MonitorRollupProgressTable;
  slos: SlosTable;
  slo_counts_1m: SloCountsTable;
  slo_counts_1h: SloCountsTable;
  ingest_keys: IngestKeysTable;
  slo_states: SloStatesTable;
  slo_history: SloHistoryTable;
  alerts: AlertsTable;
  silences: SilencesTable;
  notification_log: NotificationLogTable;
  outbox: OutboxTable;
  slo_checkpoints: SloCheckpointsTable;
  escalations: EscalationsTable;
  rule_for_states: RuleForStatesTable;
  incidents: IncidentsTable;
  incident_services: IncidentServicesTable;
  incident_timeline: IncidentTimelineTable;
  incident_day_counters: IncidentDayCountersTable;
  runbook_runs: RunbookRunsTable;
  oncall_overrides: OncallOverridesTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
}

/** One postmortem per incident; see Postmortem. */
export interface PostmortemsTable {
  incident_id: string;
  markdown: string;
  status: PostmortemStatus;
  author: string;
  created_at_ms: EpochMillis;
  updated_at_ms: EpochMillis;
  /** Optimistic concurrency: a write names the version it read. */
  version: number;
}

/** Postmortem action items; see ActionItem. */
export interface ActionItemsTable {
  id: string;
  incident_id: string;
  title: string;
  owner: string;
  due_at_ms: EpochMillis;
  priority: ActionItemPriority;
  status: ActionItemStatus;
  created_at_ms: EpochMillis;
  updated_at_ms: EpochMillis;
  completed_at_ms: NullableEpochMillis;
  overdue_alerted_at_ms: NullableEpochMillis;
}
