/**
 * What each channel file provides: a factory that reads one integration entry (problems go to
 * the reader's list with paths) and builds its Notifier. Keeping the factories alike lets
 * `buildReceiverNotifiers` treat all channels as one table.
 */
import type { Mapping } from '../../core/alerting/config-reader.js';
import type { Notification, Notifier } from '../../core/alerting/notification.js';
import type { NotifierContext } from './http-delivery.js';
import type { IntegrationConfigReader } from './integration-config.js';

export interface BuiltIntegration {
  notifier: Notifier;
  /** `max_alerts` (0 = no limit); only the webhook has it in Alertmanager. */
  maxAlerts: number;
}

/** Reads one entry; returns undefined when it is unusable (its problems are in the reader's list). */
export type ChannelFactory = (reader: IntegrationConfigReader, global: Mapping, context: NotifierContext) => BuiltIntegration | undefined;

/**
 * The notification with at most `maxAlerts` alerts (0 = all), the rest counted in
 * `truncatedAlerts`. The dispatcher normally truncates already; this keeps the limit when it
 * did not.
 */
export function limitAlerts(notification: Notification, maxAlerts: number): Notification {
  if (maxAlerts <= 0 || notification.alerts.length <= maxAlerts) return notification;
  return {
    ...notification,
    alerts: notification.alerts.slice(0, maxAlerts),
    truncatedAlerts: notification.truncatedAlerts + notification.alerts.length - maxAlerts,
  };
}
