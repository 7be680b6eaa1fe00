import { describe, expect, it } from 'vitest';
import { useTestStoreFiles } from '../../../test/support/real-store.js';
import { baseIncident } from '../../adapters/store/incident-cases.contract.js';
import { createSloBudgetImpact } from './slo-budget-impact.js';

const newStoreFile = useTestStoreFiles();
const minute = 60_000;
const t0 = Date.UTC(2026, 11, 6, 12, 0);

describe('error budget an incident cost its linked SLOs', () => {
  it('is the budget left just before the start minus what was left at the resolution', async () => {
    const store = await (await newStoreFile()).open();
    await store.slos.insert({ name: 'checkout-availability', service: 'checkout', document: {}, source: 'api', createdAt: new Date(t0).toISOString(), updatedAt: new Date(t0).toISOString() });
    await store.sloHistory.append([
      { slo: 'checkout-availability', atMs: t0 - 10 * minute, data: { budget_remaining: 0.9, budget_remaining_minutes: 38.88 } },
      { slo: 'checkout-availability', atMs: t0 + 5 * minute, data: { budget_remaining: 0.7, budget_remaining_minutes: 30.24 } },
      { slo: 'checkout-availability', atMs: t0 + 20 * minute, data: { budget_remaining: 0.6, budget_remaining_minutes: 25.92 } },
    ]);
    const impact = createSloBudgetImpact(store.sloHistory);
    const incident = baseIncident({ slos: ['checkout-availability', 'unknown-slo'], startedAtMs: t0, resolvedAtMs: t0 + 10 * minute, status: 'resolved' });
    const [known, unknown] = await impact(incident, t0 + 60 * minute);
    expect(known?.slo).toBe('checkout-availability');
    expect(known?.budgetRemainingAtStart).toBe(0.9);
    expect(known?.budgetRemainingAtEnd).toBe(0.7);
    expect(known?.budgetBurnedRatio).toBeCloseTo(0.2, 12);
    expect(known?.budgetBurnedMinutes).toBeCloseTo(8.64, 9);
    expect(unknown).toEqual({ slo: 'unknown-slo', budgetRemainingAtStart: null, budgetRemainingAtEnd: null, budgetBurnedRatio: null, budgetBurnedMinutes: null });

    // While open, the end is now.
    const open = await impact({ ...incident, status: 'investigating', resolvedAtMs: null }, t0 + 30 * minute);
    expect(open[0]?.budgetRemainingAtEnd).toBe(0.6);
  });
});
