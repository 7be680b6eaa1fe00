/**
 * The replay behind `sre-monitor slo replay`: feeds recorded minute counts through the same
 * per-SLO counts and `evaluateSlo` the server runs, at every step boundary from the first to the
 * last timestamp, and lists the alert transitions. No store, no clock: times come from the file.
 */
import { evaluateSlo, initialAlertStatuses, type SloAlertStatuses } from '../../core/slo/evaluate-slo.js';
import type { AlertSeverity } from '../../core/slo/burn-rate-alerting.js';
import type { SloAlertState } from '../../core/slo/slo-alert-state.js';
import { createSloCounts } from '../../core/slo/slo-counts.js';
import type { SloSpec } from '../../core/slo/slo.js';
import type { EventRow } from './events-csv.js';

export interface ReplayOptions {
  /** Evaluation step in ms (whole minutes); evaluations happen at multiples of it since the epoch. */
  stepMs: number;
  /** First evaluation time considered (ms); default the first timestamp of the file. */
  fromMs?: number;
  /** Last evaluation time considered (ms); default the last timestamp of the file. */
  toMs?: number;
}

/** One line of output. `t` is Unix seconds. */
export interface ReplayTransition {
  t: number;
  slo: string;
  severity: AlertSeverity;
  state: SloAlertState;
}

interface Replayed {
  spec: SloSpec;
  counts: ReturnType<typeof createSloCounts>;
  rows: EventRow[];
  next: number;
  alerts: SloAlertStatuses;
}

/** Replays `rows` (any order) for `specs`; transitions come in time order, then config order, page before ticket. */
export function replaySlos(specs: readonly SloSpec[], rows: readonly EventRow[], options: ReplayOptions): ReplayTransition[] {
  if (rows.length === 0) return [];
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    firstMs = Math.min(firstMs, row.timestamp * 1000);
    lastMs = Math.max(lastMs, row.timestamp * 1000);
  }
  const fromMs = options.fromMs ?? firstMs;
  const toMs = options.toMs ?? lastMs;
  const replayed: Replayed[] = [];
  for (const spec of specs) {
    const own = rows.filter((row) => row.slo === spec.name).sort((a, b) => a.timestamp - b.timestamp);
    // An SLO without rows or without alerts cannot produce a transition.
    if (own.length === 0 || spec.alerting === null) continue;
    replayed.push({ spec, counts: createSloCounts(spec), rows: own, next: 0, alerts: initialAlertStatuses() });
  }

  const transitions: ReplayTransition[] = [];
  for (let t = Math.ceil(fromMs / options.stepMs) * options.stepMs; t <= toMs; t += options.stepMs) {
    for (const slo of replayed) {
      // Rows for the same minute add up; everything up to t is in before t is evaluated.
      while (slo.next < slo.rows.length && slo.rows[slo.next]!.timestamp * 1000 <= t) {
        const row = slo.rows[slo.next]!;
        const outcome = slo.counts.add(row.timestamp * 1000, row.good, row.total);
        if (!outcome.ok) throw new Error(`line ${row.line}: ${outcome.message}`);
        slo.next += 1;
      }
      slo.counts.advanceTo(t);
      const status = evaluateSlo(slo.spec, slo.counts, t, { previousAlerts: slo.alerts });
      slo.alerts = status.alerts;
      for (const transition of status.transitions) transitions.push({ t: t / 1000, slo: slo.spec.name, severity: transition.severity, state: transition.state });
    }
  }
  return transitions;
}
