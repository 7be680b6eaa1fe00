/**
 * What the numbers mean for people. The budget level grades the current burn rate (seed 002:
 * burn >= 2 warning, >= 5 critical, >= 10 emergency). The budget policy says what a team may
 * ship given the budget left (seed 004): more than 50% normal, 10-50% slow down, below 10%
 * freeze (critical fixes only), nothing left exhausted. The release gate allows a deploy
 * unless some SLO of the service is frozen or exhausted.
 */

export const budgetLevels = ['ok', 'warning', 'critical', 'emergency'] as const;
export type BudgetLevel = (typeof budgetLevels)[number];

export interface BurnRateThresholds {
  warning: number;
  critical: number;
  emergency: number;
}

/** Seed 002's BURN_RATE_{WARNING,CRITICAL,EMERGENCY}_THRESHOLD. */
export const defaultBurnRateThresholds: BurnRateThresholds = { warning: 2, critical: 5, emergency: 10 };

export const budgetPolicies = ['normal', 'slow_down', 'freeze', 'exhausted'] as const;
export type BudgetPolicy = (typeof budgetPolicies)[number];

/** The level of a burn rate (inclusive thresholds); no events is `ok`. */
export function budgetLevel(currentBurnRate: number | null, thresholds: BurnRateThresholds = defaultBurnRateThresholds): BudgetLevel {
  if (currentBurnRate === null) return 'ok';
  if (currentBurnRate >= thresholds.emergency) return 'emergency';
  if (currentBurnRate >= thresholds.critical) return 'critical';
  if (currentBurnRate >= thresholds.warning) return 'warning';
  return 'ok';
}

/**
 * The policy for a remaining budget ratio: > 0.5 normal, 0.1..0.5 (both ends) slow down,
 * below 0.1 freeze, 0 or less exhausted.
 */
export function budgetPolicy(remainingRatio: number): BudgetPolicy {
  if (remainingRatio <= 0) return 'exhausted';
  if (remainingRatio < 0.1) return 'freeze';
  if (remainingRatio <= 0.5) return 'slow_down';
  return 'normal';
}

/** True when the policy blocks releases (the gate's `allow` is false). */
export function policyBlocksReleases(policy: BudgetPolicy): boolean {
  return policy === 'freeze' || policy === 'exhausted';
}
