/** The API's JSON shapes the dashboard reads (docs/api.md), trimmed to the fields it shows. */
export type Role = 'viewer' | 'responder' | 'admin';
export type MonitorStatus = 'pending' | 'up' | 'down' | 'degraded' | 'paused' | 'maintenance';

export interface SessionInfo {
  name: string;
  role: Role;
  via: 'token' | 'session' | 'anonymous';
  expires_at: string | null;
}

/** `GET /api/v1/overview`. */
export interface Overview {
  generated_at: string;
  /** Every firing alert; `without_service`: not suppressed and with no `service` label the catalog knows. */
  alerts: { firing: number; suppressed: number; page: number; without_service: number };
  items: OverviewItem[];
}

export interface OverviewItem {
  name: string;
  display_name: string;
  team: string | null;
  criticality: string;
  health_score: number;
  health_worst: 'monitors' | 'slos' | 'alerts' | null;
  monitors: Record<MonitorStatus | 'total', number>;
  alerts: { firing: number; suppressed: number };
  slos: Array<{ name: string; objective: number; budget_remaining_ratio: number | null; level: string | null; policy: string | null }>;
  lowest_budget_remaining_ratio: number | null;
}

export interface Service {
  name: string;
  display_name: string;
  team: string | null;
  criticality: string;
  tags: string[];
  dependencies: string[];
  links: Record<string, string>;
  source: string;
}

export interface Breaker {
  state: 'closed' | 'open' | 'half_open';
  consecutive_failures: number;
  changed_at: string;
  opened_at: string | null;
  next_trial_at: string | null;
  failure_threshold: number;
  open_duration_ms: number;
}

export interface Monitor {
  name: string;
  service: string;
  kind: string;
  paused: boolean;
  source: 'config' | 'api';
  interval: string;
  tags: string[];
  status: { status: MonitorStatus; since: string; message: string; last_check_at: string | null; consecutive_failures: number };
  breaker: Breaker | null;
  next_check_at: string | null;
  running: boolean;
}

export interface MonitorResult {
  at: string;
  status: 'up' | 'down' | 'degraded';
  latency_ms: number | null;
  message: string;
}

export interface UptimeWindow {
  uptime: number | null;
  checks: { up: number; down: number; degraded: number; maintenance: number };
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
}

export interface Bucket extends UptimeWindow {
  end: string;
}

export interface SloStatus {
  evaluated_at: string;
  window: { from: string; to: string; length_ms: number };
  sli: { good: number; total: number; ratio: number | null };
  error_budget: { remaining_ratio: number; consumed_ratio: number; remaining_minutes: number; total_minutes: number; exhaustion_at: string | null };
  burn_rates: Record<string, { burn_rate: number | null; error_ratio: number | null; good: number; total: number }>;
  level: string;
  policy: string;
  alerts: Record<'page' | 'ticket', { state: string; fired_at: string | null; resolved_at: string | null }>;
}

export interface BurnRateCondition {
  long: string;
  short: string;
  factor: number;
}

export interface Slo {
  name: string;
  service: string;
  description?: string | null;
  objective: number;
  window?: string | { calendar: string; time_zone?: string };
  alerting?: false | Partial<Record<'page' | 'ticket', false | BurnRateCondition[]>>;
  status: SloStatus | null;
}

export interface SloHistoryPoint {
  at: string;
  sli: number | null;
  budget_remaining: number;
  burn_rate_1h: number | null;
  level: string;
  policy: string;
}

export interface Alert {
  fingerprint: string;
  state: 'firing' | 'suppressed' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string;
  ends_at: string | null;
  source: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  silenced_by: string[];
  inhibited_by: string[];
}

export interface Silence {
  id: string;
  state: 'active' | 'pending' | 'expired';
  matchers: string[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
}

export interface LiveEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface IncidentRoles {
  commander: string | null;
  primary_resolver: string | null;
  communications_lead: string | null;
  subject_matter_experts: string[];
}

export interface Incident {
  id: string;
  title: string;
  description: string;
  severity: string;
  status: IncidentStatus;
  services: string[];
  alerts: string[];
  slos: string[];
  roles: IncidentRoles;
  customer_impact: string | null;
  started_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  reopen_count: number;
}

export interface TimelineEntry {
  id: string;
  at: string;
  actor: string;
  kind: string;
  message: string;
}

export interface SloImpact {
  slo: string;
  budget_remaining_at_start: number | null;
  budget_remaining_at_end: number | null;
  budget_burned_ratio: number | null;
  budget_burned_minutes: number | null;
}

export interface IncidentDetail extends Incident {
  slo_impact: SloImpact[];
  timeline: TimelineEntry[];
}

export interface RunbookSummary {
  name: string;
  title: string;
  estimated_minutes: number | null;
  step_count: number;
}

export interface RunbookRunStep {
  index: number;
  kind: string;
  title: string;
  status: 'pending' | 'running' | 'waiting_confirmation' | 'succeeded' | 'failed' | 'skipped';
  output: string | null;
  confirmed_by: string | null;
  note: string | null;
}

export interface RunbookRun {
  id: string;
  runbook: string;
  runbook_title: string;
  status: 'running' | 'waiting_confirmation' | 'succeeded' | 'failed' | 'aborted';
  started_by: string;
  started_at: string;
  reason: string | null;
  steps: RunbookRunStep[];
}

export interface Postmortem {
  status: 'draft' | 'published';
  author: string;
  version: number;
  updated_at: string;
  markdown: string;
}

export interface ActionItem {
  id: string;
  title: string;
  owner: string;
  due_at: string;
  priority: 'high' | 'medium' | 'low';
  status: 'open' | 'in_progress' | 'done' | 'wont_do';
  overdue: boolean;
}
