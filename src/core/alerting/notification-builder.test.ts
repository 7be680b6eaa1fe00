import { describe, expect, it } from 'vitest';
import { alertFingerprint, type Alert } from './alert.js';
import type { LabelSet } from './label-matcher.js';
import { buildNotification, commonLabelSet, type BuildNotificationInput } from './notification-builder.js';

function alert(labels: LabelSet, overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: alertFingerprint(labels), labels, annotations: { summary: `about ${labels.alertname ?? ''}` },
    startsAtMs: 1000, endsAtMs: 10_000, endsAtFromTimeout: true, updatedAtMs: 1000, generatorUrl: '', source: 'manual',
    acknowledgedBy: null, acknowledgedAtMs: null, ...overrides,
  };
}

const a = alert({ alertname: 'A', service: 'api', instance: '1' }, { startsAtMs: 2000 });
const b = alert({ alertname: 'A', service: 'api', instance: '2' }, { startsAtMs: 1000 });
const c = alert({ alertname: 'A', service: 'api', instance: '3' }, { endsAtMs: 5000, endsAtFromTimeout: false });

function input(overrides: Partial<BuildNotificationInput> = {}): BuildNotificationInput {
  return {
    integration: { ref: { receiver: 'ops', key: 'webhook_configs', index: 0 }, sendResolved: true, maxAlerts: 0 },
    groupKey: '{}:{service="api"}', groupLabels: { service: 'api' }, firing: [a, b], resolved: [c], nowMs: 6000, flushSequence: 0,
    externalUrl: 'https://sre.example.com', ...overrides,
  };
}

describe('buildNotification', () => {
  it('orders firing first by start, with common labels, links and status', () => {
    const notification = buildNotification(input({ ackUrlFor: (fp) => `https://sre.example.com/ack/${fp}` }));
    expect(notification?.status).toBe('firing');
    expect(notification?.alerts.map((entry) => [entry.fingerprint, entry.status, entry.endsAtMs])).toEqual([
      [b.fingerprint, 'firing', null], [a.fingerprint, 'firing', null], [c.fingerprint, 'resolved', 5000],
    ]);
    expect(notification?.alerts.map((entry) => entry.ackUrl)).toEqual([`https://sre.example.com/ack/${b.fingerprint}`, `https://sre.example.com/ack/${a.fingerprint}`, null]);
    expect(notification?.commonLabels).toEqual({ alertname: 'A', service: 'api' });
    expect(notification?.commonAnnotations).toEqual({ summary: 'about A' });
    expect(notification?.dashboardUrl).toBe('https://sre.example.com/alerts?group=%7B%7D%3A%7Bservice%3D%22api%22%7D');
    expect(notification?.acknowledged).toBe(false);
    expect(notification?.createdAtMs).toBe(6000);
  });

  it('truncates to max_alerts and says how many were left out', () => {
    const notification = buildNotification(input({ integration: { ref: { receiver: 'ops', key: 'slack_configs', index: 1 }, sendResolved: true, maxAlerts: 2 } }));
    expect(notification?.alerts).toHaveLength(2);
    expect(notification?.truncatedAlerts).toBe(1);
    expect(notification?.commonLabels).toEqual({ alertname: 'A', service: 'api' });
  });

  it('leaves resolved alerts out without send_resolved, and sends nothing when only they remain', () => {
    const integration = { ref: { receiver: 'ops', key: 'webhook_configs', index: 0 }, sendResolved: false, maxAlerts: 0 };
    expect(buildNotification(input({ integration }))?.alerts).toHaveLength(2);
    expect(buildNotification(input({ integration, firing: [] }))).toBeUndefined();
    expect(buildNotification(input({ firing: [] }))?.status).toBe('resolved');
  });

  it('is acknowledged when every firing alert is', () => {
    const acked = { acknowledgedBy: 'ann', acknowledgedAtMs: 3000 };
    expect(buildNotification(input({ firing: [{ ...a, ...acked }, b] }))?.acknowledged).toBe(false);
    expect(buildNotification(input({ firing: [{ ...a, ...acked }, { ...b, ...acked }] }))?.acknowledged).toBe(true);
    expect(buildNotification(input({ firing: [] }))?.acknowledged).toBe(false);
  });

  it('gives the same key to a retried flush and a new key to anything else', () => {
    const key = (overrides: Partial<BuildNotificationInput>) => buildNotification(input(overrides))?.idempotencyKey;
    expect(key({})).toMatch(/^[0-9a-f]{64}$/);
    expect(key({ nowMs: 99_000, firing: [b, a] })).toBe(key({}));
    const others = [
      key({ flushSequence: 5000 }),
      key({ firing: [a] }),
      key({ resolved: [] }),
      key({ groupKey: '{}:{service="web"}' }),
      key({ integration: { ref: { receiver: 'ops', key: 'webhook_configs', index: 1 }, sendResolved: true, maxAlerts: 0 } }),
      key({ firing: [{ ...a, acknowledgedAtMs: 1 }, { ...b, acknowledgedAtMs: 1 }] }),
    ];
    expect(new Set([key({}), ...others]).size).toBe(others.length + 1);
  });

  it('has no dashboard link without an external URL', () => {
    expect(buildNotification(input({ externalUrl: '' }))?.dashboardUrl).toBe('');
  });
});

describe('commonLabelSet', () => {
  it.each<[LabelSet[], LabelSet]>([
    [[], {}],
    [[{ a: '1', b: '2' }], { a: '1', b: '2' }],
    [[{ a: '1', b: '2' }, { a: '1', b: '3' }], { a: '1' }],
    [[{ a: '1' }, { b: '1' }], {}],
  ])('%j -> %j', (sets, expected) => {
    expect(commonLabelSet(sets)).toEqual(expected);
  });
});
