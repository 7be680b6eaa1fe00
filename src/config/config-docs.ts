/**
 * Renders docs/configuration.md from `ConfigSchema`, so the reference cannot drift from what the
 * loader accepts. `scripts/generate-config-docs.ts` writes the file; a test fails when it is stale.
 */
import { stringify } from 'yaml';
import { durationSchemaPattern } from '../core/duration.js';
import { serviceNamePattern } from '../core/services/service.js';
import { asJsonSchema, type JsonSchema } from '../core/validation/json-schema.js';
import { ConfigSchema } from './schema.js';

/** A complete config with every key set (mostly to its default); the docs test loads it. */
export const exampleConfigYaml = `# sre-monitor.yaml
include:
  - services/*.yaml            # more services, one file per team

server:
  host: 127.0.0.1
  port: 8080
  data_dir: ./data
  body_limit_bytes: 1048576
  request_timeout: 30s
  shutdown_timeout: 10s
  trust_proxy: false
  log_level: info

storage:
  sqlite:
    path: sre-monitor.db       # in server.data_dir
  # or, instead of sqlite:
  # postgres:
  #   url: postgres://sre:\${file:/run/secrets/pg-password}@db:5432/sre_monitor
  #   pool: { max: 10, idle_timeout: 30s }

auth:
  anonymous: viewer
  lockout:
    max_failures: 10
    window: 1m
    block_for: 5m

services:
  - name: backend-api
    display_name: Backend API
    team: platform
    criticality: critical
    tags: [user-facing, api]
    dependencies: [database]
    links:
      runbook: https://runbooks.example.com/backend-api
      dashboard: https://grafana.example.com/d/backend-api
      repo: https://github.com/example/backend-api
  - name: database
    team: data
    criticality: critical

monitoring:
  max_concurrency: 256         # checks running at once
  retention:
    results: 7d                # raw check results
    minute_rollups: 14d
    hour_rollups: 90d

monitors:                      # one example per kind; docs/monitors.md explains each
  - name: backend-api-health
    service: backend-api
    kind: http
    description: Public health endpoint
    interval: 30s
    timeout: 5s
    retries: 1                 # re-check at once before a failure counts
    failure_threshold: 2       # counted failures in a row before down
    success_threshold: 1
    tags: [public]
    circuit_breaker:           # or false
      failure_threshold: 5
      open_duration: 1m
      half_open_trials: 1
    latency_thresholds: [250ms, 1s]
    maintenance_windows:
      - id: weekly-deploy
        cron: "0 2 * * 0"      # Sundays 02:00 ...
        duration: 30m
        time_zone: Europe/Berlin
      - id: db-migration
        start: 2026-12-01T22:00:00Z
        end: 2026-12-01T23:00:00Z
    http:
      url: https://api.example.com/health
      method: GET
      headers: { Accept: application/json }
      body: ""
      expected_status: [200, "300-399"]
      keyword: { text: ok, present: true }
      json_path: { path: $.status, equals: ok, matches: "^ok$" }
      max_latency: 500ms
      follow_redirects: true
      ignore_tls_errors: false
      certificate_expiry_warning_days: 14
  - name: database-port
    service: database
    kind: tcp
    paused: false
    tcp: { host: db.internal, port: 5432, send: "PING\\r\\n", expect: "+PONG" }
  - name: api-dns
    service: backend-api
    kind: dns
    dns: { hostname: api.example.com, record_type: A, resolver: "10.0.0.2:53", expected_values: [203.0.113.10], max_latency: 200ms }
  - name: api-certificate
    service: backend-api
    kind: tls
    interval: 1h
    tls: { host: api.example.com, port: 443, servername: api.example.com, certificate_expiry_warning_days: 21, ignore_chain_errors: false }
  - name: database-query
    service: database
    kind: postgres
    postgres: { url: "postgres://monitor@db.internal:5432/app", query: select 1, max_latency: 200ms }
  - name: cache
    service: backend-api
    kind: redis
    redis: { url: "redis://cache.internal:6379", max_used_memory_bytes: 1073741824, max_latency: 50ms }
  - name: this-host
    service: backend-api
    kind: host
    host: { max_cpu_percent: 90, max_memory_percent: 90, disk: { path: /, max_used_percent: 85 } }
  - name: nightly-backup
    service: database
    kind: heartbeat
    interval: 1d
    heartbeat: { token: change-me-0123456789abcdef, grace: 1h }

slo_engine:
  lateness: 1h                 # pushed and PromQL counts may be this late
  evaluation_delay: 10s        # evaluate all SLOs this long after each minute
  prometheus:
    delay: 30s                 # read a minute of PromQL SLIs this long after it closed
    query_timeout: 10s
    concurrency: 8

slos:                          # docs/slos.md explains every field and formula
  - name: backend-api-availability
    service: backend-api
    description: Health checks that answer
    objective: 99.9%           # or 0.999, or 99.9: stored as the ratio 0.999
    window: 30d                # rolling 1h..90d, or a calendar month/week (below)
    budgeting: occurrences     # good events / events
    labels: { team: platform }
    alerting:                  # omit for these defaults (SRE workbook); false for none
      page:
        - { long: 1h, short: 5m, factor: 14.4 }
        - { long: 6h, short: 30m, factor: 6 }
      ticket:
        - { long: 1d, short: 2h, factor: 3 }
        - { long: 3d, short: 6h, factor: 1 }
    sli:
      monitor: { name: backend-api-health, metric: availability }
  - name: backend-api-latency
    service: backend-api
    objective: 95
    window: { calendar: month, time_zone: Europe/Berlin }
    budgeting: { timeslices: { slice: 5m, target: "95%" } }
    sli:
      monitor: { name: backend-api-health, metric: latency, threshold: 1s }
  - name: checkout-requests
    service: backend-api
    objective: 0.999
    alerting: { page: false }  # tickets only
    sli:
      events: { good_when: "status < 500 && latency_ms < 300" }   # or events: {} for counts
  - name: database-queries
    service: database
    objective: "99.5%"
    window: 7d
    sli:
      prometheus:
        url: http://prometheus.internal:9090
        bad: sum(increase(db_query_errors_total[1m]))
        total: sum(increase(db_queries_total[1m]))
        # or good: + total:, or error_ratio: <PromQL>, or threshold: (below)
  - name: database-p99
    service: database
    objective: 99
    window: 7d
    alerting: false
    sli:
      prometheus:
        url: http://prometheus.internal:9090
        threshold: { query: "histogram_quantile(0.99, sum by (le) (rate(db_query_seconds_bucket[5m])))", op: lt, value: 0.1 }

openslo:                       # OpenSLO v1 files, loaded unchanged
  files: []                    # e.g. [openslo/*.yaml]; a pattern must match a file
  prometheus_url: http://prometheus.internal:9090
  alerting: { ticket: false }  # for every loaded SLO; error_ratio: queries work there too

alerting:                      # docs/alerting.md; Alertmanager's own syntax for routing
  external_url: https://sre.example.com   # links in notifications
  resolve_timeout: 5m          # an alert not re-sent for this long is resolved
  dedup_window: 5m             # the same alerts to the same receiver: one notification
  # alertmanager_config_file: alertmanager.yml   # or keep route/receivers/... in their own file
  global: { smtp_smarthost: "mail.internal:587", smtp_from: sre@example.com }
  templates: []
  route:
    receiver: team-slack
    group_by: [alertname, service]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 4h
    routes:
      - matchers: ['severity="P1"']
        receiver: pager
        continue: true
      - matchers: ['severity="P4"']
        receiver: team-slack
        active_time_intervals: [business-hours]
  receivers:
    - name: team-slack
      slack_configs: [{ api_url: "https://hooks.slack.com/services/your/webhook/path", channel: "#ops" }]
    - name: pager
      pagerduty_configs: [{ routing_key: 0123456789abcdef0123456789abcdef }]   # or a \${ENV} secret
  inhibit_rules:
    - source_matchers: ['severity="P1"']
      target_matchers: ['severity=~"P[3-5]"']
      equal: [service]
  time_intervals:
    - name: business-hours
      time_intervals: [{ weekdays: ["monday:friday"], times: [{ start_time: "09:00", end_time: "17:00" }], location: Europe/Berlin }]
  mute_time_intervals: []
  throttle:                    # caps per sliding hour; held-back notifications go out later
    per_receiver: { max_per_hour: 30, cooldown: 0s }
    per_rule: { max_per_hour: 10, cooldown: 15m }
    receivers:                 # seed 000: P1 at most 5 per hour, then 1 h cooldown
      pager: { per_receiver: { max_per_hour: 5, cooldown: 1h } }
  rules:                       # docs/alerting-rules.md: Prometheus semantics
    - alert: HighCheckLatency
      expr: { metric: monitor_latency_ms, selector: { service: backend-api }, op: ">", threshold: 800 }
      for: 5m
      keep_firing_for: 2m
      interval: 1m
      labels: { severity: P3 }
      annotations: { summary: "{{ $labels.monitor }} answers in {{ $value }} ms" }
      incident: { create: false, severity: P3 }
    - alert: CheckoutErrors     # or PromQL against any Prometheus-compatible API
      expr: { promql: "sum(rate(http_errors_total[5m])) > 1", prometheus_url: "http://prometheus.internal:9090" }
    - alert: NightlyBackupSilent   # or absence of data
      expr: { absent: { metric: monitor_up, selector: { monitor: nightly-backup }, for: 26h } }
  escalation_policies:         # docs/escalation.md; seed 000: P1 escalates after 15 min
    - name: critical
      description: Page now, then PagerDuty after 15 minutes
      levels:
        - notify: [team-slack]
        - { after: 15m, notify: [pager] }
      repeat: 1
      repeat_after: 15m
  severity_policies: { P1: critical }
  notifications:
    timeout: 10s
    initial_backoff: 1s
    max_backoff: 5m
    max_age: 24h               # then the dead-letter list
    concurrency: 16
    breaker_failures: 5
    breaker_open_for: 1m
    fallback_receiver: team-slack   # told when another receiver keeps failing
    retention: 7d
  ack_links: { secret: change-me-to-at-least-32-random-characters, ttl: 24h }   # better: a \${file:...} secret
  retention: 7d
  monitor_alerts: { enabled: true, severity: P2 }
  slo_alerts: true

runbooks:                      # docs/runbooks.md
  builtin: true                # outage, performance, database, API failures, security
  dirs: []                     # e.g. [runbooks/]: Markdown files with YAML front matter
  allow_commands: []           # e.g. [/usr/bin/systemctl]; empty: no command step may run
  items:
    - name: checkout-restart
      title: Restart checkout
      estimated: 10m
      match: { services: [checkout], labels: ['team="payments"'], severities: [P1, P2] }
      steps:
        - Tell #payments you are restarting checkout for {{ $incident.id }}
        - title: Open a status page incident
          http:
            method: POST
            url: https://status.example.com/api/incidents
            headers: { Content-Type: application/json }
            body: '{"name": {{ printf "%q" $incident.title }}}'
            expect_status: [201]
            timeout: 10s
        - title: Checkout answers again
          wait_verify: { monitor: checkout-http, timeout: 10m, interval: 30s }
incidents:                     # docs/incidents.md
  severities:                  # default: P1..P5 of seed 000; examples/incidents.yaml has SEV1..SEV4
    - { name: P1, description: "Critical: complete outage", response_time: 5m, escalation_time: 15m, escalation_policy: critical }
    - { name: P2, description: "High: major feature down", response_time: 15m, escalation_time: 30m }
    - { name: P3, description: "Medium: minor feature down", response_time: 1h, escalation_time: 1h }
  auto_create:                 # alerts with incident="true" (rules: incident: {create: true, severity: P2})
    enabled: true
    label: incident
    severity_label: incident_severity
    severity: P3               # when the alert names none
  correlation: { labels: [service], window: 10m }
  channels: [team-slack]       # receivers told of status updates and escalations
  templates:                   # seed 004; omit for the defaults
    initial: "🚨 {{ .ID }} {{ .Severity }} {{ .Title }} ({{ .Services }}) started {{ .StartedAt }}"
    update: "📊 {{ .ID }} {{ .Status }}: {{ .Message }}"
    resolution: "✅ {{ .ID }} resolved after {{ .Duration }}: {{ .Message }}"
people:                        # docs/oncall.md; notify: receivers above that reach the person
  - name: alice
    full_name: Alice Example
    email: alice@example.com
    phone: "+49 30 1234567"
    chat: "@alice"
    time_zone: Europe/Berlin
    notify: [pager]
  - { name: bob, time_zone: America/New_York, notify: [team-slack] }

teams:
  - { name: platform, members: [alice, bob], schedules: [primary] }

schedules:                     # seed 001: primary weekly, secondary every two weeks
  - name: primary
    description: Platform primary on-call
    time_zone: Europe/Berlin   # starts, hand-offs and restrictions are local; DST is followed
    layers:                    # lowest first; a higher layer wins where it has someone
      - { name: weekly, rotation: weekly, start: "2026-01-05T09:00", members: [alice, bob] }
      - name: business-hours
        rotation: custom
        shift_length: 2w
        start: "2026-01-05"
        handoff_time: "09:00"
        members: [bob]
        restrictions: [{ days: [mon, tue, wed, thu, fri], start_time: "09:00", end_time: "17:00" }]
    overrides:                 # RFC 3339; win over every layer; must not overlap
      - { person: bob, start: "2026-01-10T08:00:00Z", end: "2026-01-11T08:00:00Z" }
postmortems:                   # docs/postmortems.md
  overdue_alerts:
    enabled: true              # ActionItemOverdue for action items past their due date
    check_interval: 15m
    severity: warning
  targets: { mttr: 30m, mtbf: 7d }   # seeds 001/004, shown as met/missed in incident reports
`;

const intro = `# Configuration reference

<!-- Generated by \`npx tsx scripts/generate-config-docs.ts\` from src/config/schema.ts and
     src/config/config-docs.ts. Edit those and re-run the script; do not edit this file. -->

sre-monitor reads one YAML file, named with \`--config FILE\` (or \`SRE_MONITOR_CONFIG\`; default
\`sre-monitor.yaml\`). \`npm start\` uses [examples/demo.yaml](../examples/demo.yaml).

## The file

- One YAML document whose top level is a mapping of the sections below. Keys are snake_case,
  as in Prometheus and Alertmanager files.
- Every section is optional and every key has a default unless the tables say **required**: an
  empty file is a valid config (port 8080 on 127.0.0.1, SQLite in \`./data\`, no services).
- Unknown keys are errors (with a hint when the key looks like a typo), and so are duplicate
  keys: a silently ignored \`prot: 9090\` is worse than a failed start.
- Durations use Prometheus syntax: \`500ms\`, \`30s\`, \`5m\`, \`1h30m\`, \`7d\`, \`0\`.

## Splitting the config: \`include\`

\`include\` lists glob patterns of more YAML files, relative to the file that names them
(\`services/*.yaml\`, \`teams/**/*.yaml\`). Matches of each pattern are read in sorted order; an
included file may include further files.

- Top-level lists (\`services\`) are concatenated: the main file's entries first, then each
  included file's, in the order the files are read (depth first).
- Top-level sections (\`server\`, \`storage\`, \`auth\`) are merged key by key. A key set in two
  files is an error naming both places; there is no "last file wins".
- A pattern that matches no file, an include cycle (including a file matching its own
  pattern), and a file included from two different files are errors. Patterns match files only,
  not directories, and skip dot-files.

## Environment variables and secret files

String values may contain placeholders:

| Placeholder | Replaced by |
|---|---|
| \`\${NAME}\` | the environment variable \`NAME\`; an unset variable is an error (an empty one is fine) |
| \`\${file:PATH}\` | the contents of \`PATH\` (relative to the config file's directory), without its trailing newline: the Docker/Kubernetes secret convention |
| \`$\${...}\` | a literal \`\${...}\` |

Substitution happens after the YAML is parsed, in string values only (not in keys or comments),
and the inserted text is never parsed again: a secret containing \`:\` or a newline cannot change
the structure of the file, and line numbers in error messages stay right. Where a key expects a
number or boolean, a substituted value is converted (\`port: \${PORT}\`). Error messages never
show a substituted value, since it may be a secret.

## Validating a file

\`\`\`console
$ sre-monitor validate --config examples/demo.yaml
ok: examples/demo.yaml: 5 services, store sqlite (data/sre-monitor.db), auth anonymous=viewer
\`\`\`

A bad file prints every problem, one per line as \`FILE:LINE:COL path: message\`, and exits with
status 2:

\`\`\`console
$ sre-monitor validate --config demo.yaml
demo.yaml:3:3 server.prot: unknown key 'prot' (did you mean 'port'?)
demo.yaml:14:5 services[2].criticality: must be one of critical, high, medium, low
services/db.yaml:4:20 services[5].dependencies[0]: unknown service 'disk'
\`\`\`

Problems inside included files name the included file, so the paths (\`services[5]\`) count
entries across all files while the position points at the line to fix.

## Reloading

\`kill -HUP <pid>\` or \`POST /api/v1/-/reload\` (admin token) re-reads the file and its includes.
A file with problems is rejected as a whole and the running config stays; the response (422)
and the log list the problems. Services declared in the file are created, updated and removed
to match it, and are read-only through the API.

Changes to \`server.*\` (except \`server.log_level\`) and to \`storage\` take effect only after a
restart; the reload response lists such keys under \`restart_required\`. Everything else,
including \`auth\` and the service catalog, applies at once.

## Complete example

\`\`\`yaml
${exampleConfigYaml}\`\`\`
`;

interface Row {
  key: string;
  type: string;
  defaultValue: string;
  description: string;
}

/** The whole of docs/configuration.md. */
export function renderConfigDocs(): string {
  const root = asJsonSchema(ConfigSchema);
  const sections = Object.entries(root.properties ?? {}).map(([name, schema]) => renderSection(name, schema));
  return `${intro}\n## Reference\n\n${sections.join('\n')}`;
}

function renderSection(name: string, schema: JsonSchema): string {
  const rows = collectRows(name, schema, true, false);
  const header = ['| Key | Type | Default | Description |', '|---|---|---|---|'];
  const lines = rows.map((row) => `| \`${row.key}\` | ${row.type} | ${row.defaultValue} | ${escapeCell(row.description)} |`);
  const sectionDefault = isMapping(schema) ? renderDefault(schema.default) : '';
  const note = sectionDefault === '' ? '' : ` When the section is missing: ${sectionDefault}.`;
  return `### \`${name}\`\n\n${escapeText(schema.description ?? '')}${note}\n\n${[...header, ...lines].join('\n')}\n`;
}

function collectRows(key: string, schema: JsonSchema, required: boolean, includeSelf = true): Row[] {
  const rows: Row[] = includeSelf || !isMapping(schema) ? [row(key, schema, required)] : [];
  // The mapping forms of a union (`window: 30d` or `window: {calendar: month}`) have keys too.
  for (const branch of schema.anyOf ?? []) {
    if (isMapping(branch)) rows.push(...collectRows(key, branch, required, false));
    else if (branch.type === 'array' && branch.items && isMapping(branch.items)) rows.push(...collectRows(key, branch, required, false).slice(1));
  }
  if (isMapping(schema)) {
    for (const [child, childSchema] of Object.entries(schema.properties ?? {})) {
      rows.push(...collectRows(`${key}.${child}`, childSchema, schema.required?.includes(child) ?? false));
    }
  } else if (schema.type === 'array' && schema.items && isMapping(schema.items)) {
    for (const [child, childSchema] of Object.entries(schema.items.properties ?? {})) {
      rows.push(...collectRows(`${key}[].${child}`, childSchema, schema.items.required?.includes(child) ?? false));
    }
  }
  return rows;
}

function isMapping(schema: JsonSchema): boolean {
  return schema.type === 'object' && schema.properties !== undefined;
}

function row(key: string, schema: JsonSchema, required: boolean): Row {
  const defaultValue = schema.default !== undefined ? renderDefault(schema.default) || '–' : required ? '**required**' : '–';
  return { key, type: typeName(schema), defaultValue, description: schema.description ?? '' };
}

function typeName(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' or ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return `one of ${schema.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (schema.type === 'array') {
    const items = schema.items ? pluralType(schema.items) : 'values';
    return `list of ${items}${schema.maxItems === undefined ? '' : ` (at most ${schema.maxItems})`}`;
  }
  if (schema.type === 'object') return 'mapping';
  if (schema.type === 'string') return stringType(schema);
  if (schema.type === 'integer' || schema.type === 'number') return `${schema.type}${range(schema.minimum, schema.maximum)}`;
  return Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
}

function stringType(schema: JsonSchema): string {
  if (schema.pattern === durationSchemaPattern) return 'duration';
  if (schema.pattern === serviceNamePattern) return 'slug (`a-z`, `0-9`, `-`)';
  if (schema.format === 'uri') return 'URL (http or https)';
  const length = schema.maxLength === undefined ? '' : ` (at most ${schema.maxLength} characters)`;
  return `string${length}`;
}

function pluralType(schema: JsonSchema): string {
  if (isMapping(schema)) return 'mappings';
  if (schema.pattern === serviceNamePattern) return 'service names';
  return schema.type === 'string' ? 'strings' : typeName(schema);
}

function range(minimum: number | undefined, maximum: number | undefined): string {
  if (minimum !== undefined && maximum !== undefined) return ` (${minimum} to ${maximum})`;
  if (minimum !== undefined) return ` (at least ${minimum})`;
  return maximum === undefined ? '' : ` (at most ${maximum})`;
}

/** Inline YAML; '' for no default or an empty mapping (its keys' defaults apply). */
function renderDefault(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return Array.isArray(value) ? '`[]`' : '';
  return `\`${stringify(value, { collectionStyle: 'flow' }).trim()}\``;
}

function escapeCell(text: string): string {
  return escapeText(text).replaceAll('|', '\\|');
}

/** `${...}` in descriptions is meant literally; keep markdown from eating `_` and `*` in text. */
function escapeText(text: string): string {
  return text.replaceAll('*', '\\*');
}
