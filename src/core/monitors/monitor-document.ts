/**
 * A monitor as written in the config file's `monitors:` list and in `/api/v1/monitors` bodies:
 * one TypeBox schema for both, snake_case, durations in Prometheus syntax. The common fields sit
 * at the top; the kind's settings sit in a block named after the kind (`http:`, `tcp:`...), so
 * each block is validated by its own schema and an unknown key is an error naming the block.
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern } from '../duration.js';
import { serviceNamePattern } from '../services/service.js';
import { monitorKinds } from './monitor.js';

const strict = { additionalProperties: false } as const;

const Duration = (description: string, defaultValue?: string) =>
  Type.String({
    pattern: durationSchemaPattern,
    description: `${description} (Prometheus duration: 500ms, 30s, 5m, 1h)`,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port.' });
const Host = Type.String({ minLength: 1, maxLength: 253, description: 'Host name or IP address.' });
const ExpiryWarningDays = Type.Integer({
  minimum: 0,
  maximum: 3650,
  description: 'A certificate expiring within this many days makes the result degraded (default 14).',
});
const MaxLatency = Duration('Slower than this but otherwise fine is degraded');
const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });

const ExpectedStatus = Type.Union([
  Type.Integer({ minimum: 100, maximum: 599 }),
  Type.String({ pattern: '^[1-5][0-9]{2}(-[1-5][0-9]{2})?$', description: 'A code or an inclusive range like 200-299.' }),
]);

export const HttpSettings = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096, description: 'http:// or https:// URL.' }),
    method: Type.Optional(Type.Enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], { description: 'Request method (default GET).' })),
    headers: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 8192 }), { description: 'Request headers.' })),
    body: Type.Optional(Type.String({ maxLength: 65536, description: 'Request body.' })),
    expected_status: Type.Optional(Type.Array(ExpectedStatus, { minItems: 1, maxItems: 50, description: 'Codes and ranges that count as up (default 200-299).' })),
    keyword: Type.Optional(Type.Object(
      {
        text: Type.String({ minLength: 1, maxLength: 1000, description: 'Text to look for in the body.' }),
        present: Type.Optional(Type.Boolean({ default: true, description: 'true: must be in the body; false: must not.' })),
      },
      { ...strict, description: 'Body keyword check (the first 1 MiB of the body is read).' },
    )),
    json_path: Type.Optional(Type.Object(
      {
        path: Type.String({ minLength: 1, maxLength: 1000, description: 'JSONPath, e.g. $.status.' }),
        equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], { description: 'Value the first match must equal.' })),
        matches: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Regular expression the first match (as text) must match.' })),
      },
      { ...strict, description: 'JSON body check.' },
    )),
    max_latency: Type.Optional(MaxLatency),
    follow_redirects: Type.Optional(Type.Boolean({ description: 'Follow up to 5 redirects (default true).' })),
    ignore_tls_errors: Type.Optional(Type.Boolean({ description: 'Accept self-signed or mismatched certificates (expired ones stay down).' })),
    certificate_expiry_warning_days: Type.Optional(ExpiryWarningDays),
  },
  { ...strict, description: 'HTTP(S) request check.' },
);

export const TcpSettings = Type.Object(
  {
    host: Host,
    port: Port,
    send: Type.Optional(Type.String({ maxLength: 65536, description: 'Sent once connected, as is.' })),
    expect: Type.Optional(Type.String({ minLength: 1, maxLength: 65536, description: 'Text expected in the first bytes received.' })),
  },
  { ...strict, description: 'TCP connect check.' },
);

export const DnsSettings = Type.Object(
  {
    hostname: Type.String({ minLength: 1, maxLength: 253, description: 'Name to resolve.' }),
    record_type: Type.Optional(Type.Enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'], { description: 'Record type (default A).' })),
    resolver: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Resolver host or host:port (default: the system resolvers).' })),
    expected_values: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 50, description: 'Values that must all be in the answer.' })),
    max_latency: Type.Optional(MaxLatency),
  },
  { ...strict, description: 'DNS resolution check.' },
);

export const TlsSettings = Type.Object(
  {
    host: Host,
    port: Port,
    servername: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'SNI name the certificate must match (default: host).' })),
    certificate_expiry_warning_days: Type.Optional(ExpiryWarningDays),
    ignore_chain_errors: Type.Optional(Type.Boolean({ description: 'Accept an untrusted chain or a name mismatch; expiry is still judged.' })),
  },
  { ...strict, description: 'TLS certificate check of host:port.' },
);

export const PostgresSettings = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096, description: 'postgres://user:password@host:5432/db (use ${ENV} for the password).' }),
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 10000, description: 'Query to run (default select 1).' })),
    max_latency: Type.Optional(MaxLatency),
  },
  { ...strict, description: 'PostgreSQL connect-and-query check.' },
);

export const RedisSettings = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096, description: 'redis://[user:password@]host:6379[/db] or rediss://.' }),
    max_used_memory_bytes: Type.Optional(Type.Integer({ minimum: 1, description: 'Above this used_memory the result is degraded.' })),
    max_latency: Type.Optional(MaxLatency),
  },
  { ...strict, description: 'Redis PING and INFO memory check.' },
);

export const HostSettings = Type.Object(
  {
    max_cpu_percent: Type.Optional(Percent('Busy CPU above this is degraded.')),
    max_memory_percent: Type.Optional(Percent('Memory in use above this is degraded.')),
    disk: Type.Optional(Type.Object(
      {
        path: Type.String({ minLength: 1, maxLength: 4096, description: 'A path on the file system to watch.' }),
        max_used_percent: Percent('Used share above this is degraded.'),
      },
      { ...strict, description: 'Disk usage check.' },
    )),
  },
  { ...strict, description: 'CPU, memory and disk of the machine sre-monitor runs on.' },
);

export const heartbeatTokenPattern = '^[A-Za-z0-9_-]{16,128}$';

export const HeartbeatSettings = Type.Object(
  {
    token: Type.Optional(Type.String({
      pattern: heartbeatTokenPattern,
      description: 'Secret in the ping URL /api/v1/heartbeats/TOKEN (16-128 letters, digits, _ or -); generated when omitted.',
    })),
    grace: Type.Optional(Duration('Extra time after the interval before a missing ping means down', '1m')),
  },
  { ...strict, description: 'A job pings sre-monitor; silence for interval + grace is down.' },
);

const BreakerSettings = Type.Object(
  {
    failure_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 5, description: 'Consecutive failed checks that open the breaker.' })),
    open_duration: Type.Optional(Duration('Time the breaker stays open before a trial check', '1m')),
    half_open_trials: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Successful trial checks that close it again.' })),
  },
  { ...strict, description: 'Circuit breaker settings.' },
);

const MaintenanceWindowEntry = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, description: 'Name of the window.' }),
    start: Type.Optional(Type.String({ format: 'date-time', description: 'One-off window: start (RFC 3339).' })),
    end: Type.Optional(Type.String({ format: 'date-time', description: 'One-off window: end (RFC 3339, exclusive).' })),
    cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Recurring window: cron expression of each start.' })),
    duration: Type.Optional(Duration('Recurring window: how long each occurrence lasts')),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Recurring window: IANA time zone of the cron (default UTC).' })),
  },
  { ...strict, description: 'Either start + end (one-off) or cron + duration (recurring).' },
);

export const monitorNamePattern = serviceNamePattern;

/** The common fields; `editableMonitorFields` minus name is what PATCH accepts. */
export const editableMonitorFields = {
  service: Type.String({ pattern: serviceNamePattern, description: 'Service this monitor watches.' }),
  kind: Type.Enum([...monitorKinds], { description: 'Check kind; its settings go in the block of the same name.' }),
  description: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text.' })),
  interval: Type.Optional(Duration('Time between checks (at least 1s)', '30s')),
  timeout: Type.Optional(Duration('Time one attempt may take (default: 10s, or the interval if shorter)')),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 0, description: 'Immediate re-checks before a failure counts.' })),
  failure_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'Counted failures in a row before the monitor is down.' })),
  success_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'Successes in a row before a down monitor is up again.' })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [], maxItems: 50, description: 'Free-form tags.' })),
  circuit_breaker: Type.Optional(
    Type.Union([Type.Literal(false), BreakerSettings], { default: {}, description: 'Circuit breaker for the dependency (default on, except for heartbeat and host monitors); false turns it off.' }),
  ),
  maintenance_windows: Type.Optional(Type.Array(MaintenanceWindowEntry, { default: [], maxItems: 50, description: 'Windows in which down results are expected.' })),
  latency_thresholds: Type.Optional(
    Type.Array(Duration('Latency threshold'), { maxItems: 20, description: 'Thresholds kept exactly for latency SLIs (default 100ms, 250ms, 500ms, 1s, 2s500ms, 5s).' }),
  ),
  http: Type.Optional(HttpSettings),
  tcp: Type.Optional(TcpSettings),
  dns: Type.Optional(DnsSettings),
  tls: Type.Optional(TlsSettings),
  postgres: Type.Optional(PostgresSettings),
  redis: Type.Optional(RedisSettings),
  host: Type.Optional(HostSettings),
  heartbeat: Type.Optional(HeartbeatSettings),
};

export const MonitorDocument = Type.Object(
  {
    name: Type.String({ pattern: monitorNamePattern, description: 'Unique slug: lower-case letters, digits and dashes.' }),
    ...editableMonitorFields,
    paused: Type.Optional(Type.Boolean({ default: false, description: 'Start paused (applied when the monitor is created).' })),
  },
  { ...strict, description: 'A health check or uptime monitor.' },
);

export type MonitorDocument = Static<typeof MonitorDocument>;
