// Builders for notifier tests: a notification as the dispatcher would hand it, and one notifier
// built from a single config entry through `buildReceiverNotifiers`, as the app builds them.
import { expect } from 'vitest';
import type { Mapping } from '../../core/alerting/config-reader.js';
import type { Notification, NotificationAlert } from '../../core/alerting/notification.js';
import { createManualClock, type ManualClock } from '../../core/clock.js';
import { buildReceiverNotifiers, type NotifierOptions, type ReceiverIntegration } from './index.js';

export const startMs = Date.UTC(2026, 0, 1, 10, 0, 0);

export function baseAlert(overrides: Partial<NotificationAlert> = {}): NotificationAlert {
  return {
    status: 'firing',
    fingerprint: '0123456789abcdef',
    labels: { alertname: 'HighLatency', service: 'checkout', instance: 'api-1:9100', severity: 'critical' },
    annotations: {
      summary: 'p99 latency above 500 ms',
      description: 'Checkout p99 latency has been above 500 ms for 10 minutes.',
      runbook_url: 'https://runbooks.example.com/high-latency',
    },
    startsAtMs: startMs,
    endsAtMs: null,
    generatorUrl: 'http://prometheus.example.com/graph?g0.expr=up',
    ackUrl: 'https://sre.example.com/ack/abc.def',
    ...overrides,
  };
}

export function resolvedAlert(overrides: Partial<NotificationAlert> = {}): NotificationAlert {
  return baseAlert({ status: 'resolved', endsAtMs: startMs + 15 * 60_000, ...overrides });
}

export function baseNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    idempotencyKey: 'ntf-0001-a',
    integration: { receiver: 'team-checkout', key: 'webhook_configs', index: 0 },
    groupKey: '{}/{severity="critical"}:{alertname="HighLatency"}',
    status: 'firing',
    acknowledged: false,
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', service: 'checkout', instance: 'api-1:9100', severity: 'critical' },
    commonAnnotations: { summary: 'p99 latency above 500 ms' },
    alerts: [baseAlert()],
    truncatedAlerts: 0,
    externalUrl: 'https://sre.example.com',
    dashboardUrl: 'https://sre.example.com/alerts?group=abc',
    createdAtMs: startMs + 30_000,
    ...overrides,
  };
}

export function resolvedNotification(overrides: Partial<Notification> = {}): Notification {
  return baseNotification({ status: 'resolved', alerts: [resolvedAlert()], ...overrides });
}

export interface BuiltForTest {
  integration: ReceiverIntegration;
  clock: ManualClock;
  templateErrors: string[];
}

/** One notifier from one entry under `key`; fails the test when the entry has problems. */
export function buildOne(key: string, entry: Mapping, options: Partial<NotifierOptions> = {}): BuiltForTest {
  const clock = createManualClock(startMs + 60_000);
  const templateErrors: string[] = [];
  const built = buildReceiverNotifiers([{ name: 'team-checkout', integrations: { [key]: [entry] } }], {
    timeoutMs: 5_000,
    clock,
    userAgent: 'sre-monitor/test',
    onTemplateError: (message) => void templateErrors.push(message),
    ...options,
  });
  expect(built.problems).toEqual([]);
  const integration = built.integrations.get('team-checkout')?.[0];
  if (integration === undefined) throw new Error('no integration built');
  return { integration, clock, templateErrors };
}

/** `notification` addressed to the built integration. */
export function addressed(built: BuiltForTest, notification: Notification = baseNotification()): Notification {
  return { ...notification, integration: built.integration.ref };
}

export function send(built: BuiltForTest, notification: Notification = baseNotification(), signal = new AbortController().signal): ReturnType<ReceiverIntegration['notifier']['send']> {
  return built.integration.notifier.send(addressed(built, notification), { signal });
}
