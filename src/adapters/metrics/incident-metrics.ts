/**
 * Incident metrics: open incidents by severity (read from the store at scrape time, so every
 * replica reports the same number) and how long resolved incidents took, from start to
 * resolution, in buckets from a minute to a week (seed 004's MTTR target is 30 minutes).
 */
import { Gauge, Histogram, type Registry } from 'prom-client';

export interface IncidentMetricsSource {
  /** Open incidents per severity; severities of the scale with none open are 0. */
  openBySeverity(): Promise<Record<string, number>>;
}

export interface IncidentMetrics {
  /** Records one resolution, `seconds` from the incident's start. */
  observeResolution(severity: string, seconds: number): void;
}

export const resolutionBucketsSeconds = [60, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];

export function registerIncidentMetrics(registry: Registry, source: IncidentMetricsSource): IncidentMetrics {
  const open = new Gauge({
    name: 'sre_monitor_incidents_open',
    help: 'Incidents not resolved, by severity.',
    labelNames: ['severity'],
    registers: [registry],
    async collect() {
      const counts = await source.openBySeverity();
      open.reset();
      for (const [severity, count] of Object.entries(counts)) open.set({ severity }, count);
    },
  });
  const resolution = new Histogram({
    name: 'sre_monitor_incident_resolution_seconds',
    help: 'Time from an incident\'s start to its resolution, by severity (seconds).',
    labelNames: ['severity'],
    buckets: resolutionBucketsSeconds,
    registers: [registry],
  });
  return {
    observeResolution: (severity, seconds) => resolution.observe({ severity }, Math.max(0, seconds)),
  };
}
