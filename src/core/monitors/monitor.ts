/**
 * The monitor model: what to check, how often, and how to judge the answers. A monitor belongs
 * to a service and has one kind; the kind's own settings (URL, host, query...) stay in
 * `settings` in the snake_case shape the user wrote, and the probe registry turns them into a
 * probe spec. Everything else (interval, damping, breaker, maintenance) is common to all kinds
 * and handled by the scheduler, never by a probe.
 */
import type { CircuitBreakerOptions, CircuitBreakerState } from './circuit-breaker.js';
import type { MaintenanceWindow } from './maintenance-window.js';
import type { CheckStatus, MonitorStatusState } from './monitor-status.js';
import type { ProbeTimings } from './probe.js';

export const monitorKinds = ['http', 'tcp', 'dns', 'tls', 'postgres', 'redis', 'host', 'heartbeat'] as const;
export type MonitorKind = (typeof monitorKinds)[number];

/** Where a monitor was declared: config-owned ones are read-only through the API (pause aside). */
export type MonitorSource = 'config' | 'api';

/** A monitor as the user declares it, in the units the code uses (ms). */
export interface MonitorSpec {
  /** Unique slug; also the name of its circuit breaker and the id in URLs. */
  name: string;
  /** Name of the service it watches. */
  service: string;
  kind: MonitorKind;
  description: string | null;
  intervalMs: number;
  timeoutMs: number;
  /** Immediate re-checks before a failure counts. */
  retries: number;
  failureThreshold: number;
  successThreshold: number;
  tags: string[];
  /** Null: no breaker, every check reaches the dependency. */
  circuitBreaker: CircuitBreakerOptions | null;
  maintenanceWindows: MaintenanceWindow[];
  /**
   * Latency thresholds (ms) whose exact "at most T" counts are kept in every roll-up, for
   * latency SLIs; other thresholds can only be estimated from the percentile sketch.
   */
  latencyThresholdsMs: number[];
  /** The kind's settings as written (snake_case), e.g. `{ url, expected_status }` for http. */
  settings: Record<string, unknown>;
}

/** A stored monitor: the spec plus bookkeeping. Times are RFC 3339 UTC strings. */
export interface Monitor extends MonitorSpec {
  source: MonitorSource;
  /** Paused monitors are not checked; pausing is allowed for config monitors too. */
  paused: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One stored check result. `maintenance`: taken while a maintenance window was open. */
export interface MonitorResult {
  monitor: string;
  /** When the check finished, ms since the epoch. */
  atMs: number;
  status: CheckStatus;
  latencyMs: number | null;
  message: string;
  timings: ProbeTimings | null;
  details: Record<string, unknown> | null;
  maintenance: boolean;
}

/** What the scheduler keeps per monitor across restarts. */
export interface MonitorRuntimeState {
  monitor: string;
  status: MonitorStatusState;
  /** Null when the monitor has no breaker. */
  breaker: CircuitBreakerState | null;
  /** Latest result time, ms since the epoch; null before the first. */
  lastResultAtMs: number | null;
  /** Latest heartbeat received (heartbeat monitors only), ms since the epoch. */
  lastHeartbeatAtMs: number | null;
}

/** Exact latency counts kept when a monitor does not list its own thresholds. */
export const defaultLatencyThresholdsMs: readonly number[] = [100, 250, 500, 1000, 2500, 5000];

/** True when two specs describe the same monitor (used to skip no-op reconciles). */
export function sameMonitorSpec(a: MonitorSpec, b: MonitorSpec): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
