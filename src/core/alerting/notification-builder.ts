/**
 * One flush of one aggregation group to one integration, as the Notification the outbox stores
 * and a notifier sends. Alerts are ordered firing first, then by start and fingerprint, so
 * `max_alerts` keeps the ones that matter; common labels and annotations are computed over all
 * alerts sent (before truncation), as Alertmanager's template data does.
 *
 * The idempotency key is a SHA-256 over the integration, the group key, the firing and resolved
 * fingerprints, the acknowledgement and the flush sequence (the time of the notification log
 * entry this flush follows, 0 for the first). A flush that is retried after a crash, before its
 * log entry was written, follows the same entry with the same alerts, so it gets the same key and
 * the outbox (or the receiver) drops the duplicate; every genuinely new notification follows a
 * newer entry and gets a new key.
 */
import type { Alert } from './alert.js';
import type { LabelSet } from './label-matcher.js';
import type { IntegrationRef, Notification, NotificationAlert } from './notification.js';
import { sha256Hex } from './stable-hash.js';

/** The parts of a receiver's integration the pipeline needs. */
export interface IntegrationTarget {
  ref: IntegrationRef;
  /** `send_resolved`. */
  sendResolved: boolean;
  /** `max_alerts`; 0 = no limit. */
  maxAlerts: number;
}

export interface BuildNotificationInput {
  integration: IntegrationTarget;
  groupKey: string;
  groupLabels: LabelSet;
  /** The group's alerts firing at `nowMs`, after muting. */
  firing: readonly Alert[];
  /** The group's alerts resolved at `nowMs`, after muting. */
  resolved: readonly Alert[];
  nowMs: number;
  /** `sentAtMs` of the notification log entry this flush follows; 0 when there is none. */
  flushSequence: number;
  /** sre-monitor's external base URL, without a trailing slash; '' when unset. */
  externalUrl: string;
  /** A signed link that acknowledges the alert; absent or null when there is none. */
  ackUrlFor?: (fingerprint: string) => string | null;
}

function compareAlerts(left: Alert, right: Alert): number {
  return left.startsAtMs - right.startsAtMs || (left.fingerprint < right.fingerprint ? -1 : left.fingerprint > right.fingerprint ? 1 : 0);
}

/** Labels (or annotations) every one of `sets` has with the same value. */
export function commonLabelSet(sets: readonly LabelSet[]): LabelSet {
  const [first, ...rest] = sets;
  if (first === undefined) return {};
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(first)) {
    if (rest.every((set) => Object.hasOwn(set, name) && set[name] === value)) common[name] = value;
  }
  return common;
}

/** The idempotency key of a notification (see the file comment). */
export function notificationIdempotencyKey(parts: {
  integration: IntegrationRef;
  groupKey: string;
  firing: readonly string[];
  resolved: readonly string[];
  acknowledged: boolean;
  flushSequence: number;
}): string {
  const { integration } = parts;
  const text = JSON.stringify([
    integration.receiver, integration.key, integration.index, parts.groupKey,
    [...parts.firing].sort(), [...parts.resolved].sort(), parts.acknowledged, parts.flushSequence,
  ]);
  return sha256Hex(text);
}

function toNotificationAlert(alert: Alert, firing: boolean, ackUrlFor: BuildNotificationInput['ackUrlFor']): NotificationAlert {
  return {
    status: firing ? 'firing' : 'resolved',
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAtMs: alert.startsAtMs,
    endsAtMs: firing ? null : alert.endsAtMs,
    generatorUrl: alert.generatorUrl,
    ackUrl: firing ? (ackUrlFor?.(alert.fingerprint) ?? null) : null,
  };
}

/** Link to the dashboard's alerts page filtered to one group. */
export function groupDashboardUrl(externalUrl: string, groupKey: string): string {
  return `${externalUrl.replace(/\/+$/, '')}/alerts?group=${encodeURIComponent(groupKey)}`;
}

/**
 * The notification for one integration, or undefined when there is nothing it wants: only
 * resolved alerts and no `send_resolved` (the flush still logs them, as Alertmanager does).
 */
export function buildNotification(input: BuildNotificationInput): Notification | undefined {
  const firing = [...input.firing].sort(compareAlerts);
  const resolved = input.integration.sendResolved ? [...input.resolved].sort(compareAlerts) : [];
  if (firing.length === 0 && resolved.length === 0) return undefined;
  const acknowledged = firing.length > 0 && firing.every((alert) => alert.acknowledgedAtMs !== null);
  const all = [...firing.map((alert) => toNotificationAlert(alert, true, input.ackUrlFor)), ...resolved.map((alert) => toNotificationAlert(alert, false, input.ackUrlFor))];
  const maxAlerts = input.integration.maxAlerts;
  const alerts = maxAlerts > 0 ? all.slice(0, maxAlerts) : all;
  return {
    idempotencyKey: notificationIdempotencyKey({
      integration: input.integration.ref,
      groupKey: input.groupKey,
      firing: firing.map((alert) => alert.fingerprint),
      resolved: resolved.map((alert) => alert.fingerprint),
      acknowledged,
      flushSequence: input.flushSequence,
    }),
    integration: input.integration.ref,
    groupKey: input.groupKey,
    status: firing.length > 0 ? 'firing' : 'resolved',
    acknowledged,
    groupLabels: input.groupLabels,
    commonLabels: commonLabelSet(all.map((alert) => alert.labels)),
    commonAnnotations: commonLabelSet(all.map((alert) => alert.annotations)),
    alerts,
    truncatedAlerts: all.length - alerts.length,
    externalUrl: input.externalUrl,
    dashboardUrl: input.externalUrl === '' ? '' : groupDashboardUrl(input.externalUrl, input.groupKey),
    createdAtMs: input.nowMs,
  };
}
