/** A Prometheus alert as the registry holds it, for core tests: firing since 0, ending in four minutes. */
import type { Alert } from '../../src/core/alerting/alert.js';

export const minuteMs = 60_000;

export function firingAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: '0123456789abcdef',
    labels: { alertname: 'HighLatency', service: 'api' },
    annotations: { summary: 'p99 above 1 s' },
    startsAtMs: 0,
    endsAtMs: 4 * minuteMs,
    endsAtFromTimeout: false,
    updatedAtMs: 0,
    generatorUrl: 'http://prometheus.local/graph',
    source: 'prometheus',
    acknowledgedBy: null,
    acknowledgedAtMs: null,
    ...overrides,
  };
}
