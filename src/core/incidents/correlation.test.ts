import { describe, expect, it } from 'vitest';
import { baseIncident, t0 } from './incident-builders.test-support.js';
import { correlationKey, decideCorrelation } from './correlation.js';

const windowMs = 10 * 60_000;
const alert = (labels: Record<string, string>, fingerprint = 'f1') => ({ fingerprint, labels });

describe('correlation', () => {
  it.each([
    [{ service: 'api' }, ['service'], 'service=api'],
    [{ service: 'api', region: 'eu' }, ['service', 'region'], 'service=api,region=eu'],
    [{ region: 'eu' }, ['service', 'region'], 'region=eu'],
    [{ alertname: 'X' }, ['service'], null],
    [{ service: '' }, ['service'], null],
  ])('key of %j by %j is %s', (labels, keyLabels, expected) => {
    expect(correlationKey(labels, keyLabels)).toBe(expected);
  });

  const open = baseIncident({ id: 'INC-A', correlationKey: 'service=checkout', detectedAtMs: t0 });
  it.each([
    ['joins at the start of the window', t0, 'join', 'same_key_in_window'],
    ['joins at exactly the window', t0 + windowMs, 'join', 'same_key_in_window'],
    ['creates a millisecond past the window', t0 + windowMs + 1, 'create', 'outside_window'],
  ])('%s', (_name, nowMs, action, reason) => {
    const decision = decideCorrelation({ openIncidents: [open], alert: alert({ service: 'checkout' }), keyLabels: ['service'], windowMs, nowMs });
    expect(decision).toMatchObject({ action, reason, key: 'service=checkout' });
  });

  it.each([
    ['another service', [open], { service: 'search' }, 'create', 'no_open_incident'],
    ['no key labels', [open], { alertname: 'X' }, 'create', 'no_key'],
    ['a resolved incident with the key', [{ ...open, status: 'resolved' as const }], { service: 'checkout' }, 'create', 'no_open_incident'],
  ])('%s -> %s', (_name, incidents, labels, action, reason) => {
    expect(decideCorrelation({ openIncidents: incidents, alert: alert(labels), keyLabels: ['service'], windowMs, nowMs: t0 })).toMatchObject({ action, reason });
  });

  it('an alert already linked stays with its incident even outside the window', () => {
    const linked = { ...open, alerts: ['f1'] };
    expect(decideCorrelation({ openIncidents: [linked], alert: alert({ service: 'other' }), keyLabels: ['service'], windowMs, nowMs: t0 + 5 * windowMs })).toEqual({ action: 'join', incidentId: 'INC-A', key: 'service=other', reason: 'already_linked' });
  });

  it('picks the most recently detected incident inside the window', () => {
    const newer = { ...open, id: 'INC-B', detectedAtMs: t0 + 60_000 };
    expect(decideCorrelation({ openIncidents: [open, newer], alert: alert({ service: 'checkout' }), keyLabels: ['service'], windowMs, nowMs: t0 + 120_000 })).toMatchObject({ incidentId: 'INC-B' });
  });
});
