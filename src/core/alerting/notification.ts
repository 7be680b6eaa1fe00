/**
 * What the pipeline hands a notifier, and what a notifier answers. One Notification is one
 * flush of one aggregation group to one integration of one receiver (e.g. the second
 * `slack_configs` entry of receiver `team-db`). It is stored in the outbox before it is sent and
 * carries a stable idempotency key, so a retry after `kill -9` is recognisable by receivers that
 * honour it (the webhook `Idempotency-Key` header, PagerDuty's `dedup_key`). Times are
 * milliseconds since the Unix epoch.
 */
import type { LabelSet } from './label-matcher.js';

export type NotificationStatus = 'firing' | 'resolved';

export interface NotificationAlert {
  status: NotificationStatus;
  fingerprint: string;
  labels: LabelSet;
  annotations: LabelSet;
  startsAtMs: number;
  /** null while firing. */
  endsAtMs: number | null;
  generatorUrl: string;
  /** Signed link that acknowledges this alert without logging in; null when no external URL is set. */
  ackUrl: string | null;
}

/** Where an integration sits in the config: `receivers[name].<key>[index]`. */
export interface IntegrationRef {
  receiver: string;
  /** Alertmanager's list key: `webhook_configs`, `slack_configs`, `email_configs`, `pagerduty_configs`, `msteams_configs`, `msteamsv2_configs`, `discord_configs`, `telegram_configs`, `opsgenie_configs`, `victorops_configs`, `pushover_configs`, `webex_configs`, `incidentio_configs`, `jira_configs`, `sns_configs`, `rocketchat_configs`, `mattermost_configs`, `wechat_configs`, or sre-monitor's `sms_configs`. */
  key: string;
  index: number;
}

export interface Notification {
  /** Stable across retries and restarts; receivers use it to drop duplicates. */
  idempotencyKey: string;
  integration: IntegrationRef;
  /** Alertmanager's group key: route path plus the group labels, e.g. `{}/{team="db"}:{alertname="X"}`. */
  groupKey: string;
  status: NotificationStatus;
  /**
   * Every firing alert of the group has been acknowledged: PagerDuty sends `acknowledge`, chat
   * channels may say so; repeats and escalation stop.
   */
  acknowledged: boolean;
  groupLabels: LabelSet;
  /** Labels and annotations every alert of the group shares. */
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  alerts: NotificationAlert[];
  /** Alerts left out because the integration has `max_alerts`. */
  truncatedAlerts: number;
  /** sre-monitor's base URL as users reach it (`alerting.external_url`), e.g. https://sre.example.com. */
  externalUrl: string;
  /** Link to the dashboard's alerts page filtered to this group. */
  dashboardUrl: string;
  /** When the pipeline created the notification (its first enqueue). */
  createdAtMs: number;
}

/** Why a delivery failed, used as a metric label and shown in the dead-letter list. */
export type DeliveryFailureReason = 'client' | 'server' | 'rate_limited' | 'auth' | 'timeout' | 'network' | 'config';

export type DeliveryResult =
  | { ok: true; status?: number }
  | {
      ok: false;
      /** 5xx, 429, timeouts and network errors are retryable; other 4xx and bad config are not. */
      retryable: boolean;
      reason: DeliveryFailureReason;
      message: string;
      /** From a `Retry-After` header, when the receiver sent one. */
      retryAfterMs?: number;
      status?: number;
    };

/** One integration of one receiver, built from its config entry. */
export interface Notifier {
  /** The config key it was built from, e.g. `slack_configs`. */
  readonly key: string;
  /** Whether resolved notifications are sent (`send_resolved`; Alertmanager's default differs per integration). */
  readonly sendResolved: boolean;
  send(notification: Notification, options: { signal: AbortSignal }): Promise<DeliveryResult>;
}
