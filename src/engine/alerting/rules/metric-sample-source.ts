/**
 * Threshold and absence rules read sre-monitor's own numbers through two narrow reader
 * interfaces, so the monitors and SLO features adapt to them in a few lines in app.ts:
 *
 * | metric                            | labels                              | value                          |
 * |-----------------------------------|-------------------------------------|--------------------------------|
 * | monitor_latency_ms                | monitor, service, kind              | latency of the latest check    |
 * | monitor_up                        | monitor, service, kind              | 1 up or degraded, 0 down       |
 * | monitor_uptime_ratio (window)     | monitor, service, kind              | uptime over the window         |
 * | host_cpu_percent, host_memory_percent | monitor, service, kind          | latest host check              |
 * | host_disk_used_percent            | monitor, service, kind, path        | latest host check              |
 * | slo_burn_rate (window)            | slo, service, window, SLO labels    | burn rate over the window      |
 * | slo_error_budget_remaining_ratio  | slo, service, SLO labels            | budget left (1 = untouched)    |
 * | slo_sli_ratio                     | slo, service, SLO labels            | SLI over the SLO window        |
 *
 * A number that does not exist is no sample, never 0: a monitor that is pending, paused or in
 * maintenance has no `monitor_up`; a window without events has no burn rate or SLI. That is what
 * absence rules see as "no data". Each sample carries the time of its reading.
 */
import type { LabelSet } from '../../../core/alerting/label-matcher.js';
import { selectSamples, type MetricQuery, type RuleSample } from '../../../core/alerting/rules/index.js';
import { formatDurationMs } from '../../../core/duration.js';
import { RuleSourceError, type RuleSampleSource } from './rule-sample-source.js';

/** What a rule needs to know of one monitor (from the scheduler's view and its latest result). */
export interface MonitorReading {
  name: string;
  service: string;
  kind: string;
  /** pending, up, down, degraded, paused or maintenance. */
  status: string;
  /** Time of the latest result (ms); null before the first. */
  lastResultAtMs: number | null;
  lastLatencyMs: number | null;
  /** Host monitors: readings of the latest check (its `details`). */
  host?: { cpuPercent?: number; memoryPercent?: number; disks?: Array<{ path: string; usedPercent: number }> } | null;
}

export interface MonitorReadings {
  list(): readonly MonitorReading[];
  /** Uptime ratio of `monitor` over (nowMs - windowMs, nowMs]; null without results. */
  uptimeRatio(monitor: string, windowMs: number, nowMs: number): Promise<number | null>;
}

/** What a rule needs to know of one SLO (from its latest evaluation). */
export interface SloReading {
  slo: string;
  service: string;
  /** The SLO's own labels. */
  labels: LabelSet;
  /** Time of the latest evaluation (ms); null before the first. */
  evaluatedAtMs: number | null;
  sliRatio: number | null;
  budgetRemainingRatio: number | null;
  burnRates: ReadonlyArray<{ windowMs: number; burnRate: number | null }>;
}

export interface SloReadings {
  list(): readonly SloReading[];
}

export interface MetricSampleSourceOptions {
  monitors?: MonitorReadings;
  slos?: SloReadings;
}

export function createMetricSampleSource(options: MetricSampleSourceOptions): RuleSampleSource {
  return {
    async samples(expr, nowMs) {
      if (expr.kind === 'promql') throw new RuleSourceError('the sre-monitor metric source cannot run PromQL');
      const query = expr.query;
      if (query.metric.startsWith('slo_')) {
        if (options.slos === undefined) throw new RuleSourceError(`${query.metric} needs the SLO feature`);
        return selectSamples(query.selector, sloSamples(options.slos.list(), query));
      }
      if (options.monitors === undefined) throw new RuleSourceError(`${query.metric} needs the monitors feature`);
      return selectSamples(query.selector, await monitorSamples(options.monitors, query, nowMs));
    },
  };
}

function monitorLabels(reading: MonitorReading): Record<string, string> {
  return { monitor: reading.name, service: reading.service, kind: reading.kind };
}

async function monitorSamples(readings: MonitorReadings, query: MetricQuery, nowMs: number): Promise<RuleSample[]> {
  // The selector's monitor labels narrow the monitors first, so an uptime rule for one monitor
  // reads one monitor; the whole selector applies to the samples afterwards.
  const monitorSelector = Object.fromEntries(Object.entries(query.selector).filter(([name]) => name === 'monitor' || name === 'service' || name === 'kind'));
  const monitors = selectSamples(monitorSelector, readings.list().map((reading) => ({ reading, labels: monitorLabels(reading) })));
  const samples: RuleSample[] = [];
  for (const { reading, labels } of monitors) {
    const at = reading.lastResultAtMs ?? undefined;
    const live = reading.status !== 'paused';
    switch (query.metric) {
      case 'monitor_latency_ms':
        if (live && reading.lastLatencyMs !== null) samples.push({ labels, value: reading.lastLatencyMs, timestampMs: at });
        break;
      case 'monitor_up':
        if (reading.status === 'up' || reading.status === 'degraded' || reading.status === 'down') samples.push({ labels, value: reading.status === 'down' ? 0 : 1, timestampMs: at });
        break;
      case 'monitor_uptime_ratio': {
        const ratio = await readings.uptimeRatio(reading.name, query.windowMs ?? 0, nowMs);
        if (ratio !== null) samples.push({ labels, value: ratio, timestampMs: at });
        break;
      }
      case 'host_cpu_percent':
      case 'host_memory_percent': {
        const value = query.metric === 'host_cpu_percent' ? reading.host?.cpuPercent : reading.host?.memoryPercent;
        if (live && value !== undefined) samples.push({ labels, value, timestampMs: at });
        break;
      }
      case 'host_disk_used_percent':
        if (live) for (const disk of reading.host?.disks ?? []) samples.push({ labels: { ...labels, path: disk.path }, value: disk.usedPercent, timestampMs: at });
        break;
      default:
        throw new RuleSourceError(`${query.metric} is not a monitor metric`);
    }
  }
  return samples;
}

function sloSamples(readings: readonly SloReading[], query: MetricQuery): RuleSample[] {
  const samples: RuleSample[] = [];
  for (const reading of readings) {
    const labels = { ...reading.labels, slo: reading.slo, service: reading.service };
    const at = reading.evaluatedAtMs ?? undefined;
    let value: number | null | undefined;
    if (query.metric === 'slo_burn_rate') {
      value = reading.burnRates.find((rate) => rate.windowMs === query.windowMs)?.burnRate;
      if (value !== null && value !== undefined) samples.push({ labels: { ...labels, window: formatDurationMs(query.windowMs ?? 0) }, value, timestampMs: at });
      continue;
    }
    value = query.metric === 'slo_sli_ratio' ? reading.sliRatio : reading.budgetRemainingRatio;
    if (value !== null) samples.push({ labels, value, timestampMs: at });
  }
  return samples;
}
