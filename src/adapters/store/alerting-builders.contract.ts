/**
 * Builders for the alerting contract cases (alerting-cases.contract.ts, outbox-cases.contract.ts):
 * a valid alert, silence, log entry or notification with overrides. Test-only.
 */
import type { Alert } from '../../core/alerting/alert.js';
import { createMatcher } from '../../core/alerting/label-matcher.js';
import type { IntegrationRef, Notification } from '../../core/alerting/notification.js';
import type { Silence } from '../../core/alerting/silence.js';
import type { NotificationLogEntry } from './alerting-repositories.js';
import { epochMs } from './store-builders.contract.js';

export function baseAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: '0123456789abcdef',
    labels: { alertname: 'HighLatency', service: 'checkout', severity: 'P2', 'ünïcode': 'värde "quoted"' },
    annotations: { summary: 'p99 above 500ms', runbook_url: 'https://runbooks.example/latency' },
    startsAtMs: epochMs,
    endsAtMs: epochMs + 300_000,
    endsAtFromTimeout: true,
    updatedAtMs: epochMs + 1_000,
    generatorUrl: 'http://prometheus.example/graph?g0.expr=up',
    source: 'prometheus',
    acknowledgedBy: null,
    acknowledgedAtMs: null,
    ...overrides,
  };
}

export function baseSilence(overrides: Partial<Silence> = {}): Silence {
  return {
    id: '6a3f2d8e-6f4b-4a53-9d1c-2f0e6c1b9a01',
    matchers: [createMatcher('=', 'service', 'checkout'), createMatcher('=~', 'severity', '(?i)p[[:digit:]]'), createMatcher('!~', 'env', 'dev|test')],
    startsAtMs: epochMs,
    endsAtMs: epochMs + 3_600_000,
    createdBy: 'alice',
    comment: 'deploy window',
    updatedAtMs: epochMs,
    ...overrides,
  };
}

export const webhook: IntegrationRef = { receiver: 'team-db', key: 'webhook_configs', index: 0 };

export function baseLogEntry(overrides: Partial<NotificationLogEntry> = {}): NotificationLogEntry {
  return {
    integration: webhook,
    groupKey: '{}/{team="db"}:{alertname="HighLatency"}',
    firingFingerprints: ['0123456789abcdef', 'fedcba9876543210'],
    resolvedFingerprints: [],
    sentAtMs: epochMs,
    ...overrides,
  };
}

export function baseNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    idempotencyKey: 'n-1',
    integration: webhook,
    groupKey: '{}:{alertname="HighLatency"}',
    status: 'firing',
    acknowledged: false,
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', service: 'checkout' },
    commonAnnotations: { summary: 'p99 above 500ms' },
    alerts: [
      {
        status: 'firing',
        fingerprint: '0123456789abcdef',
        labels: { alertname: 'HighLatency', service: 'checkout' },
        annotations: { summary: 'p99 above 500ms' },
        startsAtMs: epochMs,
        endsAtMs: null,
        generatorUrl: 'http://prometheus.example/graph',
        ackUrl: null,
      },
    ],
    truncatedAlerts: 0,
    externalUrl: 'https://sre.example.com',
    dashboardUrl: 'https://sre.example.com/alerts?group=x',
    createdAtMs: epochMs,
    ...overrides,
  };
}
