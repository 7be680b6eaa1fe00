/**
 * Incident metrics over a range: MTTA, MTTR, MTBF, counts by service, severity and calendar
 * period, and the targets of seeds 001/004 (MTTR < 30 min, MTBF > 7 days).
 *
 * Definitions (docs/postmortems.md repeats them for users):
 * - An incident belongs to the range when it started in [fromMs, toMs). Incidents that started
 *   earlier and were still open inside the range are counted as `carriedOver` and kept out of
 *   every mean, so consecutive ranges never count one incident twice.
 * - MTTA: detected -> acknowledged, over acknowledged incidents.
 * - MTTR: detected -> resolved, over resolved incidents. Detection is the start sre-monitor and
 *   its responders can act on, and the one MTTA also starts from, so MTTA <= MTTR always holds;
 *   started -> resolved (time the problem lasted, including time nobody knew) is given too.
 *   Open incidents are excluded and counted as open. A reopened incident counts once: its
 *   duration runs to its last resolution (and it is open again while reopened).
 * - MTBF: the mean gap between the starts of consecutive incidents of one service in the range;
 *   fewer than two incidents give null with a reason, never NaN.
 * Negative spans (a time entered by hand before detection) count as 0.
 */
import type { Incident } from '../incidents/incident.js';
import { durationStats, type DurationStats } from './duration-stats.js';
import { bucketsBetween, type ReportBucketSize } from './period-buckets.js';

export interface IncidentTargets {
  /** MTTR must stay below this (seeds 001/004: 30 min). */
  mttrMs: number;
  /** MTBF must stay above this (seed 001: 7 days). */
  mtbfMs: number;
}

export const defaultIncidentTargets: IncidentTargets = { mttrMs: 30 * 60_000, mtbfMs: 7 * 86_400_000 };

export interface IncidentReportOptions {
  fromMs: number;
  toMs: number;
  bucket: ReportBucketSize;
  /** Only incidents affecting this service. */
  service?: string;
  targets?: IncidentTargets;
}

export interface MeanTimeBetweenFailures {
  /** Mean gap between consecutive starts (ms); null when fewer than two incidents. */
  meanMs: number | null;
  incidents: number;
  /** The gaps themselves (count, mean, p50, p90). */
  gaps: DurationStats;
  /** Why `meanMs` is null; null when it is not. */
  reason: string | null;
}

export type TargetStatus = 'met' | 'missed' | 'no_data';

export interface TargetCheck {
  targetMs: number;
  valueMs: number | null;
  status: TargetStatus;
}

export interface CountGroup {
  count: number;
  open: number;
  resolved: number;
  timeToResolve: DurationStats;
}

export interface IncidentReport {
  fromMs: number;
  toMs: number;
  bucket: ReportBucketSize;
  service: string | null;
  totals: { started: number; open: number; resolved: number; acknowledged: number; reopened: number; carriedOver: number };
  timeToAcknowledge: DurationStats;
  timeToResolve: DurationStats;
  timeToResolveFromStart: DurationStats;
  timeBetweenFailures: MeanTimeBetweenFailures;
  bySeverity: Array<{ severity: string } & CountGroup>;
  byService: Array<{ service: string; timeBetweenFailures: MeanTimeBetweenFailures } & CountGroup>;
  byPeriod: Array<{ startMs: number; endMs: number; count: number; bySeverity: Record<string, number> }>;
  targets: {
    mttr: TargetCheck;
    mtbf: TargetCheck & { services: Array<{ service: string } & TargetCheck> };
  };
}

const span = (fromMs: number, toMs: number) => Math.max(0, toMs - fromMs);
const isResolved = (incident: Incident) => incident.status === 'resolved' && incident.resolvedAtMs !== null;

function resolveTimes(incidents: readonly Incident[], from: (incident: Incident) => number): number[] {
  return incidents.filter(isResolved).map((incident) => span(from(incident), incident.resolvedAtMs!));
}

function countGroup(incidents: readonly Incident[]): CountGroup {
  const resolved = incidents.filter(isResolved).length;
  return { count: incidents.length, open: incidents.length - resolved, resolved, timeToResolve: durationStats(resolveTimes(incidents, (incident) => incident.detectedAtMs)) };
}

/** MTBF of the incidents given (all of one service, or all in the range). */
export function meanTimeBetweenFailures(incidents: readonly Incident[], what: string): MeanTimeBetweenFailures {
  const starts = incidents.map((incident) => incident.startedAtMs).sort((a, b) => a - b);
  const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
  const stats = durationStats(gaps);
  const reason = starts.length < 2 ? `${starts.length === 0 ? 'no incidents' : 'only one incident'} of ${what} started in the range; MTBF needs at least two` : null;
  return { meanMs: stats.meanMs, incidents: starts.length, gaps: stats, reason };
}

function belowTarget(valueMs: number | null, targetMs: number): TargetCheck {
  return { targetMs, valueMs, status: valueMs === null ? 'no_data' : valueMs < targetMs ? 'met' : 'missed' };
}

function aboveTarget(valueMs: number | null, targetMs: number): TargetCheck {
  return { targetMs, valueMs, status: valueMs === null ? 'no_data' : valueMs > targetMs ? 'met' : 'missed' };
}

function groupBy<K extends string>(incidents: readonly Incident[], keysOf: (incident: Incident) => readonly K[]): Map<K, Incident[]> {
  const groups = new Map<K, Incident[]>();
  for (const incident of incidents) for (const key of keysOf(incident)) groups.set(key, [...(groups.get(key) ?? []), incident]);
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function periods(incidents: readonly Incident[], options: IncidentReportOptions): IncidentReport['byPeriod'] {
  return bucketsBetween(options.fromMs, options.toMs, options.bucket).map(({ startMs, endMs }) => {
    const inside = incidents.filter((incident) => incident.startedAtMs >= startMs && incident.startedAtMs < endMs);
    const bySeverity: Record<string, number> = {};
    for (const incident of inside) bySeverity[incident.severity] = (bySeverity[incident.severity] ?? 0) + 1;
    return { startMs, endMs, count: inside.length, bySeverity };
  });
}

/**
 * The report over `incidents` (typically IncidentReader.between(fromMs, toMs, service)); those
 * outside the range or not of `service` are ignored, so a wider input is harmless.
 */
export function buildIncidentReport(incidents: readonly Incident[], options: IncidentReportOptions): IncidentReport {
  const targets = options.targets ?? defaultIncidentTargets;
  const ofService = options.service === undefined ? [...incidents] : incidents.filter((incident) => incident.services.includes(options.service!));
  const started = ofService.filter((incident) => incident.startedAtMs >= options.fromMs && incident.startedAtMs < options.toMs);
  const carriedOver = ofService.filter((incident) => incident.startedAtMs < options.fromMs && (!isResolved(incident) || incident.resolvedAtMs! >= options.fromMs));
  const acknowledged = started.filter((incident) => incident.acknowledgedAtMs !== null);
  const timeToResolve = durationStats(resolveTimes(started, (incident) => incident.detectedAtMs));

  const services = groupBy(started, (incident) => (options.service === undefined ? incident.services : [options.service]));
  const byService = [...services.entries()].map(([service, group]) => ({ service, ...countGroup(group), timeBetweenFailures: meanTimeBetweenFailures(group, `service ${service}`) }));
  const serviceTargets = byService.map((row) => ({ service: row.service, ...aboveTarget(row.timeBetweenFailures.meanMs, targets.mtbfMs) }));
  const measured = serviceTargets.filter((row) => row.status !== 'no_data');
  const worstMtbf = measured.length === 0 ? null : Math.min(...measured.map((row) => row.valueMs!));

  return {
    fromMs: options.fromMs,
    toMs: options.toMs,
    bucket: options.bucket,
    service: options.service ?? null,
    totals: {
      started: started.length,
      open: started.filter((incident) => !isResolved(incident)).length,
      resolved: started.filter(isResolved).length,
      acknowledged: acknowledged.length,
      reopened: started.filter((incident) => incident.reopenCount > 0).length,
      carriedOver: carriedOver.length,
    },
    timeToAcknowledge: durationStats(acknowledged.map((incident) => span(incident.detectedAtMs, incident.acknowledgedAtMs!))),
    timeToResolve,
    timeToResolveFromStart: durationStats(resolveTimes(started, (incident) => incident.startedAtMs)),
    timeBetweenFailures: meanTimeBetweenFailures(started, options.service === undefined ? 'any service' : `service ${options.service}`),
    bySeverity: [...groupBy(started, (incident) => [incident.severity]).entries()].map(([severity, group]) => ({ severity, ...countGroup(group) })),
    byService,
    byPeriod: periods(started, options),
    targets: {
      mttr: belowTarget(timeToResolve.meanMs, targets.mttrMs),
      // The overall verdict is the worst measurable service: one flaky service misses the target.
      mtbf: { ...aboveTarget(worstMtbf, targets.mtbfMs), services: serviceTargets },
    },
  };
}
