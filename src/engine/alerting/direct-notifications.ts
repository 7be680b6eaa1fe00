/**
 * Notifications sent straight to one receiver, outside the routing tree: escalation levels and
 * the ReceiverFailing meta-alert to the fallback receiver. One notification per integration of
 * the receiver, built as a group flush builds them.
 */
import { buildNotification, type BuildNotificationInput, type IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { Notification } from '../../core/alerting/notification.js';

/** A group flush's input for every integration of one receiver. */
export interface DirectNotificationInput extends Omit<BuildNotificationInput, 'integration'> {
  integrations: readonly IntegrationTarget[];
  /** Replaces the built key per integration (escalation levels carry their own stable key). */
  idempotencyKeyOf?: (integration: IntegrationTarget) => string;
}

export function directNotifications(input: DirectNotificationInput): Notification[] {
  const { integrations, idempotencyKeyOf, ...rest } = input;
  return integrations.flatMap((integration) => {
    const built = buildNotification({ ...rest, integration });
    if (built === undefined) return [];
    return [idempotencyKeyOf === undefined ? built : { ...built, idempotencyKey: idempotencyKeyOf(integration) }];
  });
}
