/**
 * The configuration file's schema (TypeBox, so the same definitions validate the file, fill
 * defaults and generate docs/configuration.md). Keys are snake_case as in Prometheus and
 * Alertmanager files; unknown keys are errors everywhere.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { criticalities, serviceNamePattern } from '../core/services/service.js';
import { durationSchemaPattern } from '../core/duration.js';
import { MonitorDocument } from '../core/monitors/monitor-document.js';
import { AlertingDocument, SloDocument } from '../core/slo/slo-document.js';
import { AlertingSection } from './alerting-section.js';
import { RunbooksSection } from './runbooks-section.js';
import { IncidentsSection } from './incidents-section.js';
import { oncallConfigFields } from './oncall-section.js';
import { PostmortemsSection } from './postmortems-section.js';

const strict = { additionalProperties: false } as const;

export const Duration = (description: string, defaultValue?: string) =>
  Type.String({
    pattern: durationSchemaPattern,
    description: `${description} (Prometheus duration: 30s, 5m, 1h, 7d)`,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const ServerSection = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port for the API, dashboard, /metrics and /ws.' }),
    data_dir: Type.String({ default: './data', description: 'Directory for local state (the SQLite file). Relative to the working directory.' }),
    body_limit_bytes: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Largest accepted request body; bigger ones get 413.' }),
    request_timeout: Duration('Time a request may take before the server drops it', '30s'),
    shutdown_timeout: Duration('Time allowed for in-flight requests on SIGTERM before the process exits', '10s'),
    trust_proxy: Type.Boolean({ default: false, description: 'Take the client address from X-Forwarded-For (only behind a proxy you run).' }),
    log_level: Type.Enum([...logLevels], { default: 'info', description: 'Log level.' }),
  },
  { ...strict, default: {}, description: 'HTTP server.' },
);

export const SqliteStorage = Type.Object(
  {
    path: Type.String({ default: 'sre-monitor.db', description: 'SQLite file. Relative paths are resolved against server.data_dir.' }),
  },
  { ...strict, description: 'Embedded SQLite store (WAL mode, one file). The default.' },
);

export const PostgresStorage = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'Connection URL, e.g. postgres://user:${PGPASSWORD}@db:5432/sre_monitor.' }),
    pool: Type.Object(
      {
        max: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Most connections held open.' }),
        idle_timeout: Duration('Time an idle connection is kept', '30s'),
      },
      { ...strict, default: {}, description: 'Connection pool.' },
    ),
  },
  { ...strict, description: 'PostgreSQL store, for several replicas or an existing database.' },
);

export const StorageSection = Type.Object(
  {
    sqlite: Type.Optional(SqliteStorage),
    postgres: Type.Optional(PostgresStorage),
  },
  { ...strict, default: { sqlite: {} }, description: 'Where state is kept: exactly one of sqlite or postgres.' },
);

export const AuthSection = Type.Object(
  {
    anonymous: Type.Enum(['viewer', 'none'], {
      default: 'viewer',
      description: 'Role of requests without a token: viewer (reads open, mutations need a token) or none (everything needs a token).',
    }),
    lockout: Type.Object(
      {
        max_failures: Type.Integer({ minimum: 1, default: 10, description: 'Failed authentications from one address that trigger a block.' }),
        window: Duration('Window in which failures are counted', '1m'),
        block_for: Duration('How long the address is then answered with 429', '5m'),
      },
      { ...strict, default: {}, description: 'Blocking of addresses that keep sending bad tokens.' },
    ),
  },
  { ...strict, default: {}, description: 'API authentication.' },
);

export const ServiceEntry = Type.Object(
  {
    name: Type.String({ pattern: serviceNamePattern, description: 'Unique slug: lower-case letters, digits and dashes.' }),
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Human name; defaults to the name.' })),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Owning team.' })),
    criticality: Type.Enum([...criticalities], { default: 'medium', description: 'How bad its failure is.' }),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [], maxItems: 50, description: 'Free-form tags for filtering.' }),
    dependencies: Type.Array(Type.String({ pattern: serviceNamePattern }), { default: [], maxItems: 200, description: 'Names of the services it calls.' }),
    links: Type.Object(
      {
        runbook: Type.Optional(Type.String({ format: 'uri', description: 'Runbook URL.' })),
        dashboard: Type.Optional(Type.String({ format: 'uri', description: 'Dashboard URL.' })),
        repo: Type.Optional(Type.String({ format: 'uri', description: 'Source repository URL.' })),
      },
      { ...strict, default: {}, description: 'Links shown with the service.' },
    ),
  },
  { ...strict, description: 'A service in the catalog.' },
);

export const MonitoringSection = Type.Object(
  {
    max_concurrency: Type.Integer({ minimum: 1, maximum: 10_000, default: 256, description: 'Most checks running at once; more wait in line (scheduling lag).' }),
    retention: Type.Object(
      {
        results: Duration('How long raw check results are kept', '7d'),
        minute_rollups: Duration('How long 1-minute roll-ups are kept (at least 3d, the SLO engine reads them)', '14d'),
        hour_rollups: Duration('How long 1-hour roll-ups are kept (uptime over 90 days needs 90d)', '90d'),
      },
      { ...strict, default: {}, description: 'How long monitor history is kept.' },
    ),
  },
  { ...strict, default: {}, description: 'Settings for all monitors.' },
);

export const SloEngineSection = Type.Object(
  {
    lateness: Duration('How late pushed or PromQL counts may arrive and still land in their own minute (1m to 1d)', '1h'),
    evaluation_delay: Duration('Time after each minute boundary before all SLOs are evaluated, so the last minute is in (0s to 50s)', '10s'),
    prometheus: Type.Object(
      {
        delay: Duration('Time after a minute closes before PromQL SLIs are read for it: at least one scrape interval (0s to 5m)', '30s'),
        query_timeout: Duration('Time one PromQL query may take (1s to 1m)', '10s'),
        concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 8, description: 'SLOs whose PromQL is read at once.' }),
      },
      { ...strict, default: {}, description: 'How the server reads SLIs from Prometheus.' },
    ),
  },
  { ...strict, default: {}, description: 'Settings for all SLOs; see docs/slos.md, "In the server".' },
);

export const OpenSloSection = Type.Object(
  {
    files: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Glob patterns of OpenSLO v1 YAML files (multi-document), relative to this file; their kind: SLO documents are loaded unchanged.',
    }),
    prometheus_url: Type.Optional(Type.String({ format: 'uri', description: 'Prometheus for metric sources that reference no kind: DataSource.' })),
    alerting: Type.Optional(Type.Union([Type.Literal(false), AlertingDocument], {
      description: 'Burn-rate alerts for every loaded OpenSLO SLO, as slos[].alerting (default: the standard tables).',
    })),
  },
  { ...strict, default: {}, description: 'SLOs from OpenSLO v1 files; see docs/slos.md.' },
);

export const ConfigSchema = Type.Object(
  {
    include: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Glob patterns of more YAML files, relative to this file; their lists are appended and their sections merged.',
    }),
    server: ServerSection,
    storage: StorageSection,
    auth: AuthSection,
    services: Type.Array(ServiceEntry, { default: [], description: 'The service catalog entries owned by this file.' }),
    monitoring: MonitoringSection,
    monitors: Type.Array(MonitorDocument, { default: [], description: 'Health checks and uptime monitors owned by this file; see docs/monitors.md.' }),
    slo_engine: SloEngineSection,
    slos: Type.Array(SloDocument, { default: [], description: 'Service level objectives owned by this file; see docs/slos.md.' }),
    openslo: OpenSloSection,
    alerting: AlertingSection,
    runbooks: RunbooksSection,
    incidents: IncidentsSection,
    ...oncallConfigFields,
    postmortems: PostmortemsSection,
  },
  { ...strict, description: 'sre-monitor configuration file.' },
);

export type RawConfig = Static<typeof ConfigSchema>;
export type RawServiceEntry = Static<typeof ServiceEntry>;
export type RawMonitorEntry = Static<typeof MonitorDocument>;
export type RawSloEntry = Static<typeof SloDocument>;
export type ConfigSchemaType = TSchema;
