/**
 * The alert state of one SLO and severity: resolved or firing, with the times of its last
 * changes (Prometheus keeps activeAt/firedAt/resolvedAt the same way). There is no `for`
 * delay: the multi-window conditions already need a sustained burn, so the state follows the
 * condition at every evaluation and each change is a transition event.
 */
import type { AlertSeverity, BurnRateCondition } from './burn-rate-alerting.js';

export type SloAlertState = 'resolved' | 'firing';

export interface SloAlertStatus {
  severity: AlertSeverity;
  state: SloAlertState;
  /** When it last started firing (ms since the epoch); null if it never fired. */
  firedAtMs: number | null;
  /** When it last resolved; null if it never resolved after firing. */
  resolvedAtMs: number | null;
  /** Conditions that held at the last evaluation (empty when resolved). */
  activeConditions: BurnRateCondition[];
}

/** A change of state, emitted as `slo.alert.firing` / `slo.alert.resolved`. */
export interface SloAlertTransition {
  severity: AlertSeverity;
  state: SloAlertState;
  atMs: number;
  /** The conditions that made it fire (empty on resolve). */
  conditions: BurnRateCondition[];
}

/** Every alert starts resolved: replay and a new SLO alike. */
export function initialAlertStatus(severity: AlertSeverity): SloAlertStatus {
  return { severity, state: 'resolved', firedAtMs: null, resolvedAtMs: null, activeConditions: [] };
}

/** The next status given the conditions that hold at `atMs`, and the transition if the state changed. */
export function nextAlertStatus(
  previous: SloAlertStatus,
  activeConditions: BurnRateCondition[],
  atMs: number,
): { status: SloAlertStatus; transition: SloAlertTransition | null } {
  const firing = activeConditions.length > 0;
  if (firing && previous.state === 'resolved') {
    return {
      status: { ...previous, state: 'firing', firedAtMs: atMs, activeConditions },
      transition: { severity: previous.severity, state: 'firing', atMs, conditions: activeConditions },
    };
  }
  if (!firing && previous.state === 'firing') {
    return {
      status: { ...previous, state: 'resolved', resolvedAtMs: atMs, activeConditions: [] },
      transition: { severity: previous.severity, state: 'resolved', atMs, conditions: [] },
    };
  }
  const unchanged = previous.activeConditions.length === 0 && activeConditions.length === 0;
  return { status: unchanged ? previous : { ...previous, activeConditions }, transition: null };
}
