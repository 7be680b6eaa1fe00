import { describe, expect, it } from 'vitest';
import { budgetLevel, budgetPolicy, policyBlocksReleases, type BudgetLevel, type BudgetPolicy } from './budget-policy.js';

describe('budget level (seed 002: burn >= 2 warning, >= 5 critical, >= 10 emergency)', () => {
  it.each<[number | null, BudgetLevel]>([
    [null, 'ok'],
    [0, 'ok'],
    [1.99, 'ok'],
    [2, 'warning'],
    [4.99, 'warning'],
    [5, 'critical'],
    [9.99, 'critical'],
    [10, 'emergency'],
    [14.4, 'emergency'],
  ])('burn %d is %s', (burn, level) => {
    expect(budgetLevel(burn)).toBe(level);
  });

  it('takes other thresholds', () => {
    expect(budgetLevel(3, { warning: 1, critical: 3, emergency: 6 })).toBe('critical');
  });
});

describe('budget policy (seed 004)', () => {
  it.each<[number, BudgetPolicy, boolean]>([
    [1, 'normal', false],
    [0.51, 'normal', false],
    [0.5, 'slow_down', false],
    [0.3, 'slow_down', false],
    [0.1, 'slow_down', false],
    [0.0999, 'freeze', true],
    [0.01, 'freeze', true],
    [0, 'exhausted', true],
    [-0.5, 'exhausted', true],
  ])('%d remaining is %s', (remaining, policy, blocks) => {
    expect(budgetPolicy(remaining)).toBe(policy);
    expect(policyBlocksReleases(policy)).toBe(blocks);
  });
});
