/**
 * A service's health score, 0 (on fire) to 100 (all well), for sorting the dashboard's overview
 * worst first. It takes the weaker of two signals, the monitors now and the SLO budgets left, and
 * subtracts for alerts firing, so one failing signal is enough to pull a service down the list.
 */
export interface HealthInputs {
  /** Monitors by status now; paused, pending and maintenance ones do not count. */
  monitors: { up: number; degraded: number; down: number };
  /** Error budget remaining of each evaluated SLO (1 = untouched, 0 or less = spent). */
  budgetRemainingRatios: readonly number[];
  /** Firing (not silenced) alerts on the service, by whether they page. */
  firingAlerts: { page: number; other: number };
}

export interface HealthScore {
  score: number;
  /** The signal that cost the most points, or null at 100. */
  worst: 'monitors' | 'slos' | 'alerts' | null;
}

/** Budget left at or above this counts as fully healthy; below it the score falls linearly. */
export const comfortableBudgetRatio = 0.25;
const pagePenalty = 20;
const otherPenalty = 10;
const maxAlertPenalty = 50;

export function healthScore(inputs: HealthInputs): HealthScore {
  const { up, degraded, down } = inputs.monitors;
  const counted = up + degraded + down;
  const monitorScore = counted === 0 ? 1 : (up + degraded / 2) / counted;
  const lowestBudget = inputs.budgetRemainingRatios.length === 0 ? 1 : Math.min(...inputs.budgetRemainingRatios);
  const sloScore = Math.min(1, Math.max(0, lowestBudget / comfortableBudgetRatio));
  const alertPenalty = Math.min(maxAlertPenalty, inputs.firingAlerts.page * pagePenalty + inputs.firingAlerts.other * otherPenalty);
  const base = Math.round(100 * Math.min(monitorScore, sloScore));
  const score = Math.max(0, base - alertPenalty);
  if (score === 100) return { score, worst: null };
  const losses = { monitors: 100 * (1 - monitorScore), slos: 100 * (1 - sloScore), alerts: alertPenalty };
  const worst = (Object.keys(losses) as (keyof typeof losses)[]).reduce((a, b) => (losses[b] > losses[a] ? b : a));
  return { score, worst };
}
