/**
 * The validated configuration in the shape the rest of the code uses: camelCase, durations in
 * milliseconds, paths resolved, services as catalog specs.
 */
import path from 'node:path';
import type { Role } from '../core/auth/roles.js';
import { parseDurationMs } from '../core/duration.js';
import type { ServiceSpec } from '../core/services/service.js';
import { monitorSpecFromDocument } from '../core/monitors/monitor-spec.js';
import type { MonitorSpec } from '../core/monitors/monitor.js';
import type { SloSpec } from '../core/slo/slo.js';
import { sloSpecFromDocument } from '../core/slo/slo-spec.js';
import type { AlertmanagerConfig } from '../core/alerting/alertmanager-config.js';
import { readAlertmanagerConfig } from '../core/alerting/alertmanager-config.js';
import type { ThrottleLimit, ThrottleSettings } from '../core/alerting/throttle.js';
import { alertRuleSpecsFromDocuments, type AlertRuleSpec } from '../core/alerting/rules/rule-spec.js';
import { escalationConfigFromDocument, type EscalationConfig } from '../core/escalation/escalation-document.js';
import { defaultAlertmanagerValue } from './alerting-config.js';
import type { OncallDirectory } from '../core/oncall/oncall-model.js';
import { oncallDirectoryFromConfig } from './oncall-section.js';
import { toPostmortemSettings, type PostmortemSettings } from './postmortems-section.js';
import type { RawConfig } from './schema.js';
import type { Runbook } from '../core/runbooks/runbook.js';
import { incidentSettingsFromDocument, type IncidentSettings } from './incidents-section.js';

export type StorageSettings =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; poolMax: number; idleTimeoutMs: number };

export interface RuntimeConfig {
  server: {
    host: string;
    port: number;
    dataDir: string;
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    shutdownTimeoutMs: number;
    trustProxy: boolean;
    logLevel: string;
  };
  storage: StorageSettings;
  auth: {
    anonymousRole: Role | null;
    lockout: { maxFailures: number; windowMs: number; blockMs: number };
  };
  services: ServiceSpec[];
  monitoring: {
    maxConcurrency: number;
    retention: { resultsMs: number; minuteRollupsMs: number; hourRollupsMs: number };
  };
  sloEngine: {
    latenessMs: number;
    evaluationDelayMs: number;
    prometheus: { delayMs: number; queryTimeoutMs: number; concurrency: number };
  };
  /** Config-owned monitors; their problems were reported by the loader already. */
  monitors: Array<{ spec: MonitorSpec; paused: boolean }>;
  /** Config-owned SLOs: the `slos:` entries, then those of the `openslo.files` documents. */
  slos: SloSpec[];
  alerting: AlertingSettings;
  runbooks: RunbookSettings;
  incidents: IncidentSettings;
  /** People, teams and on-call schedules (docs/oncall.md). */
  oncall: OncallDirectory;
  postmortems: PostmortemSettings;
}

export interface RunbookSettings {
  builtin: boolean;
  /** As written (relative to the file naming them); loadConfig reads them. */
  dirs: string[];
  /** Absolute program paths `command` steps may run; empty: none. */
  allowCommands: string[];
  /** Built-in, file and inline runbooks; filled by loadConfig, which reads the files. */
  runbooks: Runbook[];
}

export interface AlertingSettings {
  /** Without a trailing slash. */
  externalUrl: string;
  resolveTimeoutMs: number;
  dedupWindowMs: number;
  alertmanager: AlertmanagerConfig;
  throttle: ThrottleSettings;
  rules: AlertRuleSpec[];
  escalation: EscalationConfig;
  notifications: {
    timeoutMs: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
    maxAgeMs: number;
    concurrency: number;
    breakerFailures: number;
    breakerOpenForMs: number;
    fallbackReceiver: string | null;
    retentionMs: number;
  };
  ackLinks: { secret: string | null; ttlMs: number };
  retentionMs: number;
  monitorAlerts: { enabled: boolean; severity: string };
  sloAlerts: boolean;
}

/** Command-line flags that win over the file. */
export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  logLevel?: string;
}

const ms = (text: string): number => parseDurationMs(text) ?? 0;

/**
 * Turns a schema-valid raw config (defaults applied) into runtime settings. `openSloSpecs` are
 * the SLOs read from `openslo.files` (the loader reads those files).
 */
export function toRuntimeConfig(
  raw: RawConfig,
  overrides: ConfigOverrides = {},
  cwd = process.cwd(),
  openSloSpecs: readonly SloSpec[] = [],
  alertmanager?: AlertmanagerConfig,
): RuntimeConfig {
  const dataDir = path.resolve(cwd, overrides.dataDir ?? raw.server.data_dir);
  const storage: StorageSettings = raw.storage.postgres
    ? {
        kind: 'postgres',
        url: raw.storage.postgres.url,
        poolMax: raw.storage.postgres.pool.max,
        idleTimeoutMs: ms(raw.storage.postgres.pool.idle_timeout),
      }
    : { kind: 'sqlite', path: path.resolve(dataDir, raw.storage.sqlite?.path ?? 'sre-monitor.db') };
  return {
    server: {
      host: overrides.host ?? raw.server.host,
      port: overrides.port ?? raw.server.port,
      dataDir,
      bodyLimitBytes: raw.server.body_limit_bytes,
      requestTimeoutMs: ms(raw.server.request_timeout),
      shutdownTimeoutMs: ms(raw.server.shutdown_timeout),
      trustProxy: raw.server.trust_proxy,
      logLevel: overrides.logLevel ?? raw.server.log_level,
    },
    storage,
    auth: {
      anonymousRole: raw.auth.anonymous === 'none' ? null : 'viewer',
      lockout: {
        maxFailures: raw.auth.lockout.max_failures,
        windowMs: ms(raw.auth.lockout.window),
        blockMs: ms(raw.auth.lockout.block_for),
      },
    },
    services: raw.services.map((entry) => ({
      name: entry.name,
      displayName: entry.display_name ?? entry.name,
      team: entry.team ?? null,
      criticality: entry.criticality,
      tags: entry.tags,
      dependencies: entry.dependencies,
      links: { ...entry.links },
    })),
    monitoring: {
      maxConcurrency: raw.monitoring.max_concurrency,
      retention: {
        resultsMs: ms(raw.monitoring.retention.results),
        minuteRollupsMs: ms(raw.monitoring.retention.minute_rollups),
        hourRollupsMs: ms(raw.monitoring.retention.hour_rollups),
      },
    },
    sloEngine: {
      latenessMs: ms(raw.slo_engine.lateness),
      evaluationDelayMs: ms(raw.slo_engine.evaluation_delay),
      prometheus: {
        delayMs: ms(raw.slo_engine.prometheus.delay),
        queryTimeoutMs: ms(raw.slo_engine.prometheus.query_timeout),
        concurrency: raw.slo_engine.prometheus.concurrency,
      },
    },
    monitors: raw.monitors.map((entry) => ({ spec: monitorSpecFromDocument(entry).spec, paused: entry.paused ?? false })),
    slos: [...(raw.slos ?? []).map((entry) => sloSpecFromDocument(entry).spec), ...openSloSpecs],
    alerting: toAlertingSettings(raw, overrides, alertmanager),
    runbooks: { builtin: raw.runbooks.builtin, dirs: raw.runbooks.dirs, allowCommands: raw.runbooks.allow_commands, runbooks: [] },
    incidents: incidentSettingsFromDocument(raw.incidents),
    oncall: oncallDirectoryFromConfig(raw),
    postmortems: toPostmortemSettings(raw.postmortems),
  };
}

function toAlertingSettings(raw: RawConfig, overrides: ConfigOverrides, alertmanager: AlertmanagerConfig | undefined): AlertingSettings {
  const section = raw.alerting;
  const host = overrides.host ?? raw.server.host;
  const listenHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const notifications = section.notifications;
  return {
    externalUrl: (section.external_url ?? `http://${listenHost}:${overrides.port ?? raw.server.port}`).replace(/\/+$/, ''),
    resolveTimeoutMs: ms(section.resolve_timeout),
    dedupWindowMs: ms(section.dedup_window),
    // The loader always passes the checked config; the fallback serves callers without files.
    alertmanager: alertmanager ?? (readAlertmanagerConfig(defaultAlertmanagerValue).config as AlertmanagerConfig),
    throttle: {
      perReceiver: throttleLimit(section.throttle.per_receiver),
      perRule: throttleLimit(section.throttle.per_rule),
      receivers: Object.fromEntries(
        Object.entries(section.throttle.receivers).map(([name, limits]) => [name, { perReceiver: throttleLimit(limits.per_receiver), perRule: throttleLimit(limits.per_rule) }]),
      ),
    },
    rules: alertRuleSpecsFromDocuments(section.rules).specs,
    escalation: escalationConfigFromDocument(section, ['alerting']).config,
    notifications: {
      timeoutMs: ms(notifications.timeout),
      initialBackoffMs: ms(notifications.initial_backoff),
      maxBackoffMs: ms(notifications.max_backoff),
      maxAgeMs: ms(notifications.max_age),
      concurrency: notifications.concurrency,
      breakerFailures: notifications.breaker_failures,
      breakerOpenForMs: ms(notifications.breaker_open_for),
      fallbackReceiver: notifications.fallback_receiver ?? null,
      retentionMs: ms(notifications.retention),
    },
    ackLinks: { secret: section.ack_links.secret ?? null, ttlMs: ms(section.ack_links.ttl) },
    retentionMs: ms(section.retention),
    monitorAlerts: { enabled: section.monitor_alerts.enabled, severity: section.monitor_alerts.severity },
    sloAlerts: section.slo_alerts,
  };
}

function throttleLimit(limit: { max_per_hour: number; cooldown?: string } | undefined): ThrottleLimit | undefined {
  return limit === undefined ? undefined : { maxPerHour: limit.max_per_hour, cooldownMs: ms(limit.cooldown ?? '0s') };
}
