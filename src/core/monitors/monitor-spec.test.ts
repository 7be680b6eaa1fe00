import { describe, expect, it } from 'vitest';
import type { MonitorDocument } from './monitor-document.js';
import { monitorDocumentFromSpec, monitorSpecFromDocument } from './monitor-spec.js';

const base: MonitorDocument = { name: 'api', service: 'web', kind: 'tcp', tcp: { host: '127.0.0.1', port: 80 } };

describe('monitor spec from its written form', () => {
  it('fills the defaults: 30s interval, 10s timeout, no retries, thresholds of 1, a default breaker', () => {
    const { spec, problems } = monitorSpecFromDocument(base);
    expect(problems).toEqual([]);
    expect(spec).toMatchObject({
      intervalMs: 30_000,
      timeoutMs: 10_000,
      retries: 0,
      failureThreshold: 1,
      successThreshold: 1,
      circuitBreaker: { failureThreshold: 5, openDurationMs: 60_000, halfOpenTrials: 1 },
      latencyThresholdsMs: [100, 250, 500, 1000, 2500, 5000],
      settings: { host: '127.0.0.1', port: 80 },
    });
  });

  it('caps the default timeout at a shorter interval', () => {
    expect(monitorSpecFromDocument({ ...base, interval: '5s' }).spec.timeoutMs).toBe(5_000);
  });

  it.each<[Partial<MonitorDocument>, string, string]>([
    [{ interval: '500ms' }, 'interval', 'must be at least 1s'],
    [{ interval: '30d' }, 'interval', 'must be at most 1w'],
    [{ interval: '10s', timeout: '11s' }, 'timeout', 'must not be longer than the interval (10s)'],
    [{ timeout: '0s' }, 'timeout', 'must be longer than 0s'],
    [{ kind: 'http' }, 'http', 'is required for kind http'],
    [{ http: { url: 'http://127.0.0.1/' } }, 'http', 'is for kind http, but kind is tcp'],
    [{ retries: 11 }, 'retries', ''],
    [{ circuit_breaker: { failure_threshold: 0 } }, 'circuit_breaker.failure_threshold', ''],
    [{ maintenance_windows: [{ id: 'w', start: '2026-01-02T00:00:00Z' }] }, 'maintenance_windows[0].end', 'is required for a one-off window'],
    [{ maintenance_windows: [{ id: 'w', start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' }] }, 'maintenance_windows[0].end', 'must be after start'],
    [{ maintenance_windows: [{ id: 'w', cron: '0 2 * * *' }] }, 'maintenance_windows[0].duration', 'is required for a recurring window'],
    [{ maintenance_windows: [{ id: 'w', cron: '0 2 * * *', duration: '1h', time_zone: 'Mars/Olympus' }] }, 'maintenance_windows[0].time_zone', 'unknown time zone'],
    [{ maintenance_windows: [{ id: 'w', cron: '0 2 * * *', duration: '1h', start: '2026-01-01T00:00:00Z' }] }, 'maintenance_windows[0]', 'not both'],
  ])('reports %j at %s', (change, field, message) => {
    const { problems } = monitorSpecFromDocument({ ...base, ...change });
    const problem = problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem?.message).toContain(message);
  });

  it('turns `circuit_breaker: false` into no breaker', () => {
    expect(monitorSpecFromDocument({ ...base, circuit_breaker: false }).spec.circuitBreaker).toBeNull();
  });

  it('round-trips through the written form the API answers with', () => {
    const written: MonitorDocument = {
      ...base,
      description: 'db port',
      interval: '1m',
      timeout: '5s',
      retries: 2,
      failure_threshold: 3,
      success_threshold: 2,
      tags: ['db'],
      circuit_breaker: { failure_threshold: 4, open_duration: '2m', half_open_trials: 2 },
      maintenance_windows: [
        { id: 'nightly', cron: '0 3 * * *', duration: '15m', time_zone: 'Europe/Berlin' },
        { id: 'once', start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' },
      ],
      latency_thresholds: ['250ms', '1s'],
    };
    const { spec } = monitorSpecFromDocument(written);
    expect(monitorDocumentFromSpec(spec)).toEqual(written);
    expect(monitorSpecFromDocument(monitorDocumentFromSpec(spec)).spec).toEqual(spec);
  });
});
