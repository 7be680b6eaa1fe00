/**
 * Meta-alerting: a receiver whose deliveries keep failing (its breaker opened) raises the alert
 * `ReceiverFailing{receiver=...}`, resolved when it delivers again. The alert goes through the
 * pipeline like any other (route it as you like), and, when `notifications.fallback_receiver`
 * is set, it is also sent straight to that receiver, so the news does not depend on the
 * receiver that is failing.
 */
import type { AlertSink } from '../../core/alerting/alert.js';
import { alertFromInput } from '../../core/alerting/alert-input.js';
import type { IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { Notification } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import { directNotifications } from './direct-notifications.js';

export interface ReceiverHealthAlertOptions {
  sink: AlertSink;
  clock: Clock;
  integrationsOf: (receiver: string) => readonly IntegrationTarget[];
  enqueue: (notifications: readonly Notification[]) => Promise<void>;
  fallbackReceiver: () => string | null;
  externalUrl: () => string;
}

export interface ReceiverHealthAlerts {
  report(receiver: string, failing: boolean, lastError: string): Promise<void>;
}

export function createReceiverHealthAlerts(options: ReceiverHealthAlertOptions): ReceiverHealthAlerts {
  return {
    async report(receiver, failing, lastError) {
      const nowMs = options.clock.nowMs();
      const labels = { alertname: 'ReceiverFailing', receiver, severity: 'P2', source: 'sre-monitor' };
      const annotations = {
        summary: failing ? `Notifications to receiver ${receiver} keep failing` : `Receiver ${receiver} delivers again`,
        description: lastError === '' ? 'Its circuit breaker changed state.' : `Last error: ${lastError}`,
      };
      await options.sink([{ labels, annotations, ...(failing ? {} : { endsAtMs: nowMs }) }], 'meta');
      const fallback = options.fallbackReceiver();
      if (fallback === null || fallback === receiver) return;
      const generatorUrl = `${options.externalUrl()}/api/v1/notifications?receiver=${encodeURIComponent(receiver)}`;
      const alert = alertFromInput({ labels, annotations, generatorUrl, ...(failing ? {} : { endsAtMs: nowMs }) }, 'meta', nowMs, 3_600_000);
      const notifications = directNotifications({
        integrations: options.integrationsOf(fallback),
        groupKey: `{}/meta:{receiver=${JSON.stringify(receiver)}}`,
        groupLabels: { alertname: 'ReceiverFailing', receiver },
        firing: failing ? [alert] : [],
        resolved: failing ? [] : [alert],
        nowMs,
        flushSequence: nowMs,
        externalUrl: options.externalUrl(),
      });
      if (notifications.length > 0) await options.enqueue(notifications);
    },
  };
}
