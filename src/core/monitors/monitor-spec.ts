/**
 * Between the written form of a monitor (MonitorDocument, snake_case) and the spec the engine
 * runs (MonitorSpec, ms): defaults, the checks a schema cannot express (timeout within the
 * interval, the kind's block present and no other, sound windows and breaker settings), and the
 * way back for API answers. Kind-specific checks that need a library (URL, JSONPath, regex,
 * resolver address) belong to the probe registry; callers run both.
 */
import { parseDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';
import { formatDurationMs } from '../duration.js';
import { validateBreakerOptions, withBreakerDefaults, type CircuitBreakerOptions } from './circuit-breaker.js';
import { validateMaintenanceWindow, type MaintenanceWindow } from './maintenance-window.js';
import type { MonitorDocument } from './monitor-document.js';
import { defaultLatencyThresholdsMs, monitorKinds, type MonitorKind, type MonitorSpec } from './monitor.js';
import { validateMonitorStatusOptions } from './monitor-status.js';

export const defaultIntervalMs = 30_000;
export const defaultTimeoutMs = 10_000;
export const minimumIntervalMs = 1_000;
export const maximumIntervalMs = 7 * 24 * 3_600_000;
export const defaultHeartbeatGraceMs = 60_000;

export interface MonitorSpecResult {
  spec: MonitorSpec;
  /** Problems with field names as written (`interval`, `http`, `maintenance_windows[0].end`). */
  problems: FieldProblem[];
}

/**
 * Turns a schema-valid document into a spec and lists what is still wrong with it. `settings`
 * is the kind's block as written (with a generated heartbeat token filled in by the caller).
 */
export function monitorSpecFromDocument(document: MonitorDocument): MonitorSpecResult {
  const problems: FieldProblem[] = [];
  const intervalMs = durationOr(document.interval, defaultIntervalMs);
  const timeoutMs = document.timeout === undefined ? Math.min(defaultTimeoutMs, intervalMs) : durationOr(document.timeout, 0);
  if (intervalMs < minimumIntervalMs) problems.push({ field: 'interval', message: `must be at least ${formatDurationMs(minimumIntervalMs)}` });
  if (intervalMs > maximumIntervalMs) problems.push({ field: 'interval', message: `must be at most ${formatDurationMs(maximumIntervalMs)}` });
  if (timeoutMs <= 0) problems.push({ field: 'timeout', message: 'must be longer than 0s' });
  else if (timeoutMs > intervalMs) {
    problems.push({ field: 'timeout', message: `must not be longer than the interval (${formatDurationMs(intervalMs)})` });
  }

  const kind = document.kind;
  const blocks = monitorKinds.filter((name) => document[name] !== undefined);
  for (const other of blocks) {
    if (other !== kind) problems.push({ field: other, message: `is for kind ${other}, but kind is ${kind}` });
  }
  const settings = (document[kind] ?? {}) as Record<string, unknown>;
  if (document[kind] === undefined && kindNeedsBlock(kind)) {
    problems.push({ field: kind, message: `is required for kind ${kind}` });
  }

  const retries = document.retries ?? 0;
  const failureThreshold = document.failure_threshold ?? 1;
  const successThreshold = document.success_threshold ?? 1;
  problems.push(...validateMonitorStatusOptions({ retries, failureThreshold, successThreshold }));

  // A heartbeat is not a call, and reading this machine's own CPU cannot hammer anything:
  // those kinds get a breaker only when one is asked for.
  const breakerByDefault = kind !== 'heartbeat' && kind !== 'host';
  const circuitBreaker = document.circuit_breaker === undefined && !breakerByDefault ? null : breakerFrom(document.circuit_breaker, problems);
  const maintenanceWindows = (document.maintenance_windows ?? []).map((entry, index) => windowFrom(entry, index, problems));
  const latencyThresholdsMs =
    document.latency_thresholds === undefined
      ? [...defaultLatencyThresholdsMs]
      : [...new Set(document.latency_thresholds.map((text) => durationOr(text, 0)))].sort((a, b) => a - b);

  return {
    spec: {
      name: document.name,
      service: document.service,
      kind,
      description: document.description ?? null,
      intervalMs,
      timeoutMs,
      retries,
      failureThreshold,
      successThreshold,
      tags: document.tags ?? [],
      circuitBreaker,
      maintenanceWindows,
      latencyThresholdsMs,
      settings,
    },
    problems,
  };
}

/** The written form of a spec, as the API answers it (defaults filled in, so a reader sees them). */
export function monitorDocumentFromSpec(spec: MonitorSpec): MonitorDocument {
  const document: MonitorDocument = {
    name: spec.name,
    service: spec.service,
    kind: spec.kind,
    interval: formatDurationMs(spec.intervalMs),
    timeout: formatDurationMs(spec.timeoutMs),
    retries: spec.retries,
    failure_threshold: spec.failureThreshold,
    success_threshold: spec.successThreshold,
    tags: spec.tags,
    circuit_breaker:
      spec.circuitBreaker === null
        ? false
        : {
            failure_threshold: spec.circuitBreaker.failureThreshold,
            open_duration: formatDurationMs(spec.circuitBreaker.openDurationMs),
            half_open_trials: spec.circuitBreaker.halfOpenTrials,
          },
    maintenance_windows: spec.maintenanceWindows.map(windowDocument),
    latency_thresholds: spec.latencyThresholdsMs.map(formatDurationMs),
  };
  if (spec.description !== null) document.description = spec.description;
  (document as Record<string, unknown>)[spec.kind] = spec.settings;
  return document;
}

/** Heartbeat grace in ms (default 1m). */
export function heartbeatGraceMs(spec: MonitorSpec): number {
  const grace = spec.settings['grace'];
  return typeof grace === 'string' ? (parseDurationMs(grace) ?? defaultHeartbeatGraceMs) : defaultHeartbeatGraceMs;
}

/** Heartbeat token of a heartbeat monitor; undefined for other kinds or before one is generated. */
export function heartbeatToken(spec: MonitorSpec): string | undefined {
  const token = spec.settings['token'];
  return spec.kind === 'heartbeat' && typeof token === 'string' ? token : undefined;
}

function kindNeedsBlock(kind: MonitorKind): boolean {
  return kind !== 'host' && kind !== 'heartbeat';
}

function durationOr(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDurationMs(text) ?? fallback);
}

function breakerFrom(entry: MonitorDocument['circuit_breaker'], problems: FieldProblem[]): CircuitBreakerOptions | null {
  if (entry === false) return null;
  const options = withBreakerDefaults({
    failureThreshold: entry?.failure_threshold,
    openDurationMs: entry?.open_duration === undefined ? undefined : durationOr(entry.open_duration, 0),
    halfOpenTrials: entry?.half_open_trials,
  });
  for (const problem of validateBreakerOptions(options)) problems.push({ ...problem, field: `circuit_breaker.${problem.field}` });
  return options;
}

type WindowEntry = NonNullable<MonitorDocument['maintenance_windows']>[number];

function windowFrom(entry: WindowEntry, index: number, problems: FieldProblem[]): MaintenanceWindow {
  const at = ['maintenance_windows', index] as const;
  const field = (name: string): string => `maintenance_windows[${index}].${name}`;
  const once = entry.start !== undefined || entry.end !== undefined;
  const recurring = entry.cron !== undefined || entry.duration !== undefined || entry.time_zone !== undefined;
  if (once && recurring) {
    problems.push({ field: `maintenance_windows[${index}]`, message: 'set either start and end (one-off) or cron and duration (recurring), not both' });
  }
  let window: MaintenanceWindow;
  if (once || !recurring) {
    if (entry.start === undefined) problems.push({ field: field('start'), message: 'is required for a one-off window' });
    if (entry.end === undefined) problems.push({ field: field('end'), message: 'is required for a one-off window' });
    window = { id: entry.id, kind: 'once', startMs: Date.parse(entry.start ?? ''), endMs: Date.parse(entry.end ?? '') };
    if (entry.start === undefined || entry.end === undefined) return window;
  } else {
    if (entry.cron === undefined) problems.push({ field: field('cron'), message: 'is required for a recurring window' });
    if (entry.duration === undefined) problems.push({ field: field('duration'), message: 'is required for a recurring window' });
    window = {
      id: entry.id,
      kind: 'recurring',
      cron: entry.cron ?? '',
      durationMs: durationOr(entry.duration, 0),
      timeZone: entry.time_zone ?? 'UTC',
    };
    if (entry.cron === undefined || entry.duration === undefined) return window;
  }
  problems.push(...validateMaintenanceWindow(window, [...at]));
  return window;
}

function windowDocument(window: MaintenanceWindow): WindowEntry {
  return window.kind === 'once'
    ? { id: window.id, start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() }
    : { id: window.id, cron: window.cron, duration: formatDurationMs(window.durationMs), time_zone: window.timeZone };
}
