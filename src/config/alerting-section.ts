/**
 * The `alerting:` section: Alertmanager's own keys (`route`, `receivers`, `inhibit_rules`,
 * `time_intervals`, `mute_time_intervals`, `templates`, `global`) written unchanged, or read from
 * a separate `alertmanager.yml` through `alertmanager_config_file`, plus sre-monitor's settings
 * around them (dedup window, throttling, delivery retries, acknowledgement links, rules).
 *
 * The Alertmanager keys are typed loosely here on purpose: Alertmanager's reader
 * (src/core/alerting/alertmanager-config.ts) checks them with Alertmanager's own messages, and
 * the semantic checks place its problems at their line and column.
 */
import Type from 'typebox';
import { durationSchemaPattern } from '../core/duration.js';
import { AlertRuleDocument } from '../core/alerting/rules/rule-document.js';
import { escalationConfigFields } from '../core/escalation/escalation-document.js';

const strict = { additionalProperties: false } as const;

const Duration = (description: string, defaultValue?: string) =>
  Type.String({
    pattern: durationSchemaPattern,
    description: `${description} (Prometheus duration: 30s, 5m, 1h, 7d)`,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

const alertmanagerValue = (description: string) => Type.Optional(Type.Unknown({ description: `${description} In Alertmanager's syntax, checked as Alertmanager checks it.` }));

const ThrottleLimitDocument = (description: string) =>
  Type.Optional(
    Type.Object(
      {
        max_per_hour: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Most notifications in any sliding hour; more are held back and counted. 0: no limit.' }),
        cooldown: Type.Optional(Duration('Once the cap is hit, how long everything for the key stays held back; default 0s')),
      },
      { ...strict, description },
    ),
  );

const ThrottleLimits = {
  per_receiver: ThrottleLimitDocument('Cap per receiver, all its groups together.'),
  per_rule: ThrottleLimitDocument('Cap per alert name (rule) and receiver.'),
};

export const ThrottleSection = Type.Object(
  {
    ...ThrottleLimits,
    receivers: Type.Record(Type.String({ minLength: 1 }), Type.Object(ThrottleLimits, strict), {
      default: {},
      description: 'Per-receiver caps that replace the defaults above (seed 000: the pager receiver at most 5 per hour with 1 h cooldown).',
    }),
  },
  { ...strict, default: {}, description: 'Caps on notifications per hour; a held-back notification goes out at a later group interval once the cap allows.' },
);

export const AlertingSection = Type.Object(
  {
    external_url: Type.Optional(Type.String({ format: 'uri', description: 'Base URL users reach sre-monitor at, used in links inside notifications. Default: http://<server.host>:<server.port>.' })),
    resolve_timeout: Duration('An alert posted without an end is taken as resolved when not re-sent for this long (Alertmanager resolve_timeout)', '5m'),
    dedup_window: Duration('The same alerts notified to a receiver again inside this window are sent once', '5m'),
    alertmanager_config_file: Type.Optional(Type.String({ minLength: 1, description: 'An alertmanager.yml (relative to this file) holding route, receivers, inhibit_rules and time intervals, instead of writing them here.' })),
    global: alertmanagerValue('Alertmanager `global:` defaults for receivers (smtp_smarthost, slack_api_url, ...).'),
    route: alertmanagerValue('The routing tree. Default: everything to receiver `default`, which has no integrations.'),
    receivers: alertmanagerValue('Receivers and their integrations (webhook_configs, slack_configs, email_configs, pagerduty_configs, msteams_configs, msteamsv2_configs, discord_configs, telegram_configs, opsgenie_configs, victorops_configs, pushover_configs, webex_configs, incidentio_configs, jira_configs, sns_configs, rocketchat_configs, mattermost_configs, wechat_configs, sms_configs).'),
    inhibit_rules: alertmanagerValue('Inhibition rules.'),
    time_intervals: alertmanagerValue('Named time intervals for mute_time_intervals / active_time_intervals (e.g. business hours).'),
    mute_time_intervals: alertmanagerValue('Older name for time_intervals.'),
    templates: alertmanagerValue('Alertmanager template files (accepted, not used: sre-monitor renders its own per-channel templates).'),
    throttle: ThrottleSection,
    rules: Type.Array(AlertRuleDocument, { default: [], description: 'Alerting rules evaluated by sre-monitor (Prometheus semantics); see docs/alerting-rules.md.' }),
    ...escalationConfigFields,
    notifications: Type.Object(
      {
        timeout: Duration('Time one delivery attempt may take', '10s'),
        initial_backoff: Duration('Wait before the first retry; doubles each retry, with jitter', '1s'),
        max_backoff: Duration('Longest wait between retries', '5m'),
        max_age: Duration('A notification not delivered after this long goes to the dead-letter list', '24h'),
        concurrency: Type.Integer({ minimum: 1, maximum: 1024, default: 16, description: 'Deliveries in flight at once.' }),
        breaker_failures: Type.Integer({ minimum: 1, maximum: 1000, default: 5, description: 'Consecutive failed deliveries that open a receiver\'s circuit breaker.' }),
        breaker_open_for: Duration('How long an open breaker holds back deliveries before one trial', '1m'),
        fallback_receiver: Type.Optional(Type.String({ minLength: 1, description: 'Receiver told when another receiver keeps failing (meta-alert ReceiverFailing).' })),
        retention: Duration('How long sent and dead notifications are kept', '7d'),
      },
      { ...strict, default: {}, description: 'The durable outbox: retries, back-off, circuit breakers and dead letters.' },
    ),
    ack_links: Type.Object(
      {
        secret: Type.Optional(Type.String({ minLength: 32, description: 'HMAC key for acknowledgement links in notifications (use ${file:...} or ${ENV}). Without it, notifications carry no ack link.' })),
        ttl: Duration('How long an acknowledgement link stays valid', '24h'),
      },
      { ...strict, default: {}, description: 'Signed links that acknowledge an alert without logging in.' },
    ),
    retention: Duration('How long resolved alerts and expired silences are kept', '7d'),
    monitor_alerts: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Raise MonitorDown when a monitor goes down, resolved when it is up again.' }),
        severity: Type.String({ minLength: 1, default: 'P2', description: 'severity label of MonitorDown alerts.' }),
      },
      { ...strict, default: {}, description: 'Alerts from monitor state.' },
    ),
    slo_alerts: Type.Boolean({ default: true, description: 'Route SLO burn-rate transitions (alertname SLOBurnRate) through the pipeline.' }),
  },
  { ...strict, default: {}, description: 'Alerts, routing (Alertmanager syntax), notifications; see docs/alerting.md.' },
);

/** The Alertmanager keys the section may hold inline. */
export const inlineAlertmanagerKeys = ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates'] as const;
