/**
 * How a monitor, its state and its results look over HTTP: the written form (as in the config
 * file, defaults filled in) plus live status, breaker and next check. Shared by the monitor,
 * breaker and service-uptime routes.
 */
import Type, { type Static } from 'typebox';
import { breakerTrialAtMs } from '../../core/monitors/circuit-breaker.js';
import { MonitorDocument } from '../../core/monitors/monitor-document.js';
import { monitorDocumentFromSpec } from '../../core/monitors/monitor-spec.js';
import type { MonitorResult } from '../../core/monitors/monitor.js';
import type { WindowSummary } from '../../core/monitors/uptime.js';
import type { ScheduledMonitorView } from '../../engine/monitors/monitor-scheduler.js';
import type { BreakerView } from '../../engine/monitors/monitor-service.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const BreakerResource = Type.Object({
  name: Type.String(),
  monitor: Type.String(),
  service: Type.String(),
  state: Type.Enum(['closed', 'open', 'half_open']),
  consecutive_failures: Type.Integer(),
  changed_at: Time,
  opened_at: NullableTime,
  next_trial_at: Type.Union([Time, Type.Null()], { description: 'When an open breaker lets its next trial check through.' }),
  failure_threshold: Type.Integer(),
  open_duration_ms: Type.Integer(),
  half_open_trials: Type.Integer(),
});

const StatusResource = Type.Object({
  status: Type.Enum(['pending', 'up', 'down', 'degraded', 'paused', 'maintenance']),
  since: Time,
  message: Type.String({ description: 'Message of the latest check.' }),
  last_check_at: NullableTime,
  consecutive_failures: Type.Integer(),
  consecutive_successes: Type.Integer(),
});

export const MonitorResource = Type.Object({
  ...MonitorDocument.properties,
  source: Type.Enum(['config', 'api'], { description: 'config: owned by the config file; only pause and resume work here.' }),
  paused: Type.Boolean(),
  created_at: Time,
  updated_at: Time,
  status: StatusResource,
  breaker: Type.Union([Type.Omit(BreakerResource, ['name', 'monitor', 'service']), Type.Null()]),
  next_check_at: NullableTime,
  running: Type.Boolean({ description: 'A check is in progress.' }),
  heartbeat_url: Type.Optional(Type.String({ description: 'Path a job pings (heartbeat monitors).' })),
});

export const ResultResource = Type.Object({
  at: Time,
  status: Type.Enum(['up', 'down', 'degraded']),
  latency_ms: Type.Union([Type.Number(), Type.Null()]),
  message: Type.String(),
  timings: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  maintenance: Type.Boolean(),
});

export const SummaryResource = Type.Object({
  from: Time,
  to: Time,
  uptime: Type.Union([Type.Number(), Type.Null()], { description: '(up + degraded) / (up + degraded + down); maintenance excluded; null without results.' }),
  checks: Type.Object({ up: Type.Integer(), down: Type.Integer(), degraded: Type.Integer(), maintenance: Type.Integer() }),
  latency_p50_ms: Type.Union([Type.Number(), Type.Null()]),
  latency_p95_ms: Type.Union([Type.Number(), Type.Null()]),
  latency_p99_ms: Type.Union([Type.Number(), Type.Null()]),
});

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function toBreakerFields(view: ScheduledMonitorView['state']['breaker'], options: ScheduledMonitorView['monitor']['circuitBreaker']) {
  if (view === null || options === null) return null;
  return {
    state: view.state,
    consecutive_failures: view.consecutiveFailures,
    changed_at: iso(view.changedAtMs),
    opened_at: isoOrNull(view.openedAtMs),
    next_trial_at: isoOrNull(breakerTrialAtMs(view, options)),
    failure_threshold: options.failureThreshold,
    open_duration_ms: options.openDurationMs,
    half_open_trials: options.halfOpenTrials,
  };
}

export function toMonitorResource(view: ScheduledMonitorView): Static<typeof MonitorResource> {
  const { monitor, state } = view;
  const resource: Static<typeof MonitorResource> = {
    ...monitorDocumentFromSpec(monitor),
    source: monitor.source,
    paused: monitor.paused,
    created_at: monitor.createdAt,
    updated_at: monitor.updatedAt,
    status: {
      status: state.status.status,
      since: iso(state.status.since),
      message: state.status.lastMessage,
      last_check_at: isoOrNull(state.lastResultAtMs),
      consecutive_failures: state.status.consecutiveFailures,
      consecutive_successes: state.status.consecutiveSuccesses,
    },
    breaker: toBreakerFields(state.breaker, monitor.circuitBreaker),
    next_check_at: isoOrNull(view.nextDueMs),
    running: view.running,
  };
  const token = monitor.kind === 'heartbeat' ? monitor.settings['token'] : undefined;
  if (typeof token === 'string') resource.heartbeat_url = `/api/v1/heartbeats/${token}`;
  return resource;
}

export function toBreakerResource(view: BreakerView): Static<typeof BreakerResource> {
  const fields = toBreakerFields(view.breaker, view.monitor.circuitBreaker);
  if (fields === null) throw new Error(`monitor ${view.name} has no breaker`);
  return { name: view.name, monitor: view.monitor.name, service: view.monitor.service, ...fields };
}

export function toResultResource(result: MonitorResult): Static<typeof ResultResource> {
  return {
    at: iso(result.atMs),
    status: result.status,
    latency_ms: result.latencyMs,
    message: result.message,
    timings: result.timings === null ? null : (snakeKeys(result.timings) as Record<string, number>),
    details: result.details === null ? null : snakeKeys(result.details),
    maintenance: result.maintenance,
  };
}

/** Sketch quantiles are good to 2%; more than 0.1 ms of precision would only be noise. */
const tenth = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 10) / 10);

export function toSummaryResource(summary: WindowSummary, fromMs: number, toMs: number): Static<typeof SummaryResource> {
  return {
    from: iso(fromMs),
    to: iso(toMs),
    uptime: summary.uptimeRatio,
    checks: summary.counts,
    latency_p50_ms: tenth(summary.latencyP50Ms),
    latency_p95_ms: tenth(summary.latencyP95Ms),
    latency_p99_ms: tenth(summary.latencyP99Ms),
  };
}

/** `firstByteMs` -> `first_byte_ms`: probes speak TypeScript, the API speaks snake_case. */
function snakeKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), item as unknown]));
}
