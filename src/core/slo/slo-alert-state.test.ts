import { describe, expect, it } from 'vitest';
import { initialAlertStatus, nextAlertStatus, type SloAlertStatus } from './slo-alert-state.js';

const condition = { longWindowMs: 3_600_000, shortWindowMs: 300_000, factor: 14.4 };

describe('SLO alert state machine', () => {
  it('starts resolved and never fired', () => {
    expect(initialAlertStatus('page')).toEqual({ severity: 'page', state: 'resolved', firedAtMs: null, resolvedAtMs: null, activeConditions: [] });
  });

  it.each<[string, boolean[], Array<[number, 'firing' | 'resolved']>]>([
    ['quiet', [false, false, false], []],
    ['fires at once, without a for delay', [true], [[0, 'firing']]],
    ['fires once while the burn lasts', [true, true, true], [[0, 'firing']]],
    ['fires and resolves', [false, true, true, false, false], [[1, 'firing'], [3, 'resolved']]],
    ['flaps with the condition', [true, false, true, false], [[0, 'firing'], [1, 'resolved'], [2, 'firing'], [3, 'resolved']]],
  ])('%s', (_name, conditions, expected) => {
    let status: SloAlertStatus = initialAlertStatus('ticket');
    const transitions: Array<[number, string]> = [];
    conditions.forEach((holds, step) => {
      const next = nextAlertStatus(status, holds ? [condition] : [], step * 60_000);
      status = next.status;
      if (next.transition !== null) {
        expect(next.transition.atMs).toBe(step * 60_000);
        expect(next.transition.severity).toBe('ticket');
        transitions.push([step, next.transition.state]);
      }
    });
    expect(transitions).toEqual(expected);
  });

  it('keeps when it fired and resolved', () => {
    const fired = nextAlertStatus(initialAlertStatus('page'), [condition], 1000);
    expect(fired.status).toMatchObject({ state: 'firing', firedAtMs: 1000, resolvedAtMs: null, activeConditions: [condition] });
    expect(fired.transition?.conditions).toEqual([condition]);
    const resolved = nextAlertStatus(fired.status, [], 5000);
    expect(resolved.status).toMatchObject({ state: 'resolved', firedAtMs: 1000, resolvedAtMs: 5000, activeConditions: [] });
  });
});
