/**
 * Adapters from what the monitors and SLO features already expose to the readers the metric
 * source needs, so app.ts wires rules in a few lines:
 *
 *     const latest = createLatestMonitorResults();            // recorder onCommitted -> latest.record
 *     const monitors = monitorReadingsFrom({ views: () => monitoring.scheduler.views(), latest, uptime: monitoring.query });
 *     const slos = sloReadingsFrom(() => slos.evaluator.runtimes.values());
 *
 * The scheduler's view has the status but not the latest latency or host readings, which only
 * the results carry: `createLatestMonitorResults` keeps the newest result per monitor.
 */
import type { MonitorResult } from '../../../core/monitors/monitor.js';
import type { SloStatus } from '../../../core/slo/evaluate-slo.js';
import type { MonitorReading, MonitorReadings, SloReading, SloReadings } from './metric-sample-source.js';

/** The newest committed result of every monitor. */
export interface LatestMonitorResults {
  record(results: readonly MonitorResult[]): void;
  get(monitor: string): MonitorResult | undefined;
  forget(monitor: string): void;
}

export function createLatestMonitorResults(): LatestMonitorResults {
  const latest = new Map<string, MonitorResult>();
  return {
    record(results) {
      for (const result of results) {
        const known = latest.get(result.monitor);
        if (known === undefined || known.atMs <= result.atMs) latest.set(result.monitor, result);
      }
    },
    get: (monitor) => latest.get(monitor),
    forget: (monitor) => {
      latest.delete(monitor);
    },
  };
}

/** The parts of a scheduler view the readings use (ScheduledMonitorView fits). */
export interface MonitorViewLike {
  monitor: { name: string; service: string; kind: string };
  state: { status: { status: string }; lastResultAtMs: number | null };
}

export interface MonitorReadingsSources {
  views: () => Iterable<MonitorViewLike>;
  latest: Pick<LatestMonitorResults, 'get'>;
  /** UptimeQuery fits: uptime of monitors over (fromMs, toMs]. */
  uptime: { summary(monitors: readonly string[], fromMs: number, toMs: number): Promise<{ uptimeRatio: number | null }> };
}

export function monitorReadingsFrom(sources: MonitorReadingsSources): MonitorReadings {
  return {
    list() {
      const readings: MonitorReading[] = [];
      for (const view of sources.views()) {
        const result = sources.latest.get(view.monitor.name);
        readings.push({
          name: view.monitor.name,
          service: view.monitor.service,
          kind: view.monitor.kind,
          status: view.state.status.status,
          lastResultAtMs: view.state.lastResultAtMs ?? result?.atMs ?? null,
          lastLatencyMs: result?.latencyMs ?? null,
          host: view.monitor.kind === 'host' ? hostReadings(result?.details ?? null) : null,
        });
      }
      return readings;
    },
    async uptimeRatio(monitor, windowMs, nowMs) {
      return (await sources.uptime.summary([monitor], nowMs - windowMs, nowMs)).uptimeRatio;
    },
  };
}

/** cpuPercent, memoryPercent and disk.usedPercent of a host probe's details. */
function hostReadings(details: Record<string, unknown> | null): MonitorReading['host'] {
  if (details === null) return null;
  const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const disk = details.disk;
  const disks: Array<{ path: string; usedPercent: number }> = [];
  if (typeof disk === 'object' && disk !== null) {
    const { path, usedPercent } = disk as { path?: unknown; usedPercent?: unknown };
    const used = number(usedPercent);
    if (typeof path === 'string' && used !== undefined) disks.push({ path, usedPercent: used });
  }
  const host: NonNullable<MonitorReading['host']> = { disks };
  const cpu = number(details.cpuPercent);
  const memory = number(details.memoryPercent);
  if (cpu !== undefined) host.cpuPercent = cpu;
  if (memory !== undefined) host.memoryPercent = memory;
  return host;
}

/** The parts of an SLO runtime the readings use (SloRuntime fits). */
export interface SloRuntimeLike {
  spec: { name: string; service: string; labels: Record<string, string> };
  status: Pick<SloStatus, 'atMs' | 'sli' | 'errorBudget' | 'burnRates'> | null;
}

export function sloReadingsFrom(runtimes: () => Iterable<SloRuntimeLike>): SloReadings {
  return {
    list() {
      const readings: SloReading[] = [];
      for (const { spec, status } of runtimes()) {
        readings.push({
          slo: spec.name,
          service: spec.service,
          labels: spec.labels,
          evaluatedAtMs: status?.atMs ?? null,
          sliRatio: status?.sli.ratio ?? null,
          budgetRemainingRatio: status?.errorBudget.remainingRatio ?? null,
          // Only the standard windows: the whole-SLO-window entry may share a length with one.
          burnRates: (status?.burnRates ?? []).filter((rate) => rate.window !== 'window').map((rate) => ({ windowMs: rate.windowMs, burnRate: rate.burnRate })),
        });
      }
      return readings;
    },
  };
}
