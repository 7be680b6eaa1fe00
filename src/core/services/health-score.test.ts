import { describe, expect, it } from 'vitest';
import { healthScore, type HealthInputs } from './health-score.js';

const base = (overrides: Partial<HealthInputs> = {}): HealthInputs => ({
  monitors: { up: 0, degraded: 0, down: 0 },
  budgetRemainingRatios: [],
  firingAlerts: { page: 0, other: 0 },
  ...overrides,
});

describe('healthScore', () => {
  it.each([
    ['nothing known is healthy', base(), 100, null],
    ['all monitors up, budget comfortable', base({ monitors: { up: 4, degraded: 0, down: 0 }, budgetRemainingRatios: [0.9, 0.3] }), 100, null],
    ['one of two monitors down', base({ monitors: { up: 1, degraded: 0, down: 1 } }), 50, 'monitors'],
    ['degraded counts half', base({ monitors: { up: 1, degraded: 1, down: 0 } }), 75, 'monitors'],
    ['budget at 10% left (below the 25% comfort line)', base({ budgetRemainingRatios: [0.8, 0.1] }), 40, 'slos'],
    ['budget overspent clamps at 0', base({ budgetRemainingRatios: [-0.5] }), 0, 'slos'],
    ['the weaker signal wins', base({ monitors: { up: 3, degraded: 0, down: 1 }, budgetRemainingRatios: [0.05] }), 20, 'slos'],
    ['a paging alert costs 20', base({ firingAlerts: { page: 1, other: 0 } }), 80, 'alerts'],
    ['alert penalty is capped at 50', base({ firingAlerts: { page: 3, other: 2 } }), 50, 'alerts'],
    ['never below 0', base({ monitors: { up: 0, degraded: 0, down: 2 }, firingAlerts: { page: 1, other: 0 } }), 0, 'monitors'],
  ] as const)('%s', (_name, inputs, score, worst) => {
    expect(healthScore(inputs)).toEqual({ score, worst });
  });
});
