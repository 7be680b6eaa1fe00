// A restart keeps alerting rules' `for` progress (Prometheus' ALERTS_FOR_STATE), over the real
// SQLite store, with two evaluator instances standing for the process before and after.
import { describe, expect, it } from 'vitest';
import type { AlertInput } from '../../../core/alerting/alert.js';
import type { AlertRuleSpec, RuleSample } from '../../../core/alerting/rules/index.js';
import type { Store } from '../../../adapters/store/store.js';
import { createManualTimers } from '../../../../test/support/manual-timers.js';
import { useTestStoreFiles } from '../../../../test/support/real-store.js';
import { createRuleEvaluator } from './rule-evaluator.js';

const newStoreFile = useTestStoreFiles();
const minuteMs = 60_000;
const t0 = Date.UTC(2026, 0, 1);

function rule(overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec {
  return {
    name: 'CheckoutSlow',
    expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: { monitor: 'checkout' }, windowMs: null }, op: '>', threshold: 500 },
    forMs: 30 * minuteMs,
    keepFiringForMs: 0,
    intervalMs: minuteMs,
    labels: { severity: 'page' },
    annotations: {},
    ...overrides,
  };
}

/** One process: an evaluator over `store`, whose metric is slow while `slow.value` is true. */
function processOver(store: Store, startMs: number, rules: AlertRuleSpec[] = [rule()]) {
  const timers = createManualTimers(startMs);
  const slow = { value: true };
  const sent: AlertInput[][] = [];
  const evaluator = createRuleEvaluator({
    rules,
    sources: { metric: { samples: () => Promise.resolve<RuleSample[]>(slow.value ? [{ labels: { monitor: 'checkout' }, value: 900 }] : []) } },
    sink: (alerts) => {
      sent.push([...alerts]);
      return Promise.resolve();
    },
    clock: timers.clock,
    timers,
    forState: { all: () => store.ruleForStates.all(), replace: (keys, rows) => store.ruleForStates.replace(keys, rows) },
  });
  const state = () => evaluator.rules()[0]?.alerts[0]?.state ?? 'inactive';
  return { timers, slow, sent, evaluator, state };
}

describe('for-state across a restart', () => {
  it('does not start a pending alert\'s `for` again; the downtime does not count as pending', async () => {
    const file = await newStoreFile();
    const store = await file.open();
    const before = processOver(store, t0);
    before.evaluator.start();
    await before.timers.advanceMs(10 * minuteMs); // pending since minute 1, seen up to minute 10
    expect(before.state()).toBe('pending');
    await before.evaluator.stop();

    // Back at minute 15, first evaluation at minute 16: 9 of 30 minutes were spent pending, so it
    // fires 21 minutes after that evaluation (a fresh `for` would wait until minute 46).
    const after = processOver(store, t0 + 15 * minuteMs);
    expect(await after.evaluator.restoreForState()).toBe(1);
    after.evaluator.start();
    await after.timers.advanceMs(21 * minuteMs);
    expect(after.state()).toBe('pending');
    await after.timers.advanceMs(minuteMs);
    expect(after.state()).toBe('firing');
    expect(after.evaluator.rules()[0]?.alerts[0]?.firedAtMs).toBe(t0 + 37 * minuteMs);
    await after.evaluator.stop();
  });

  it('fires at the first evaluation after the restart an alert that was firing, and sends it again', async () => {
    const file = await newStoreFile();
    const store = await file.open();
    const before = processOver(store, t0);
    before.evaluator.start();
    await before.timers.advanceMs(40 * minuteMs);
    expect(before.state()).toBe('firing');
    await before.evaluator.stop();

    const after = processOver(store, t0 + 42 * minuteMs);
    await after.evaluator.restoreForState();
    after.evaluator.start();
    await after.timers.advanceMs(minuteMs); // first evaluation: pending with the old activeAt
    await after.timers.advanceMs(minuteMs); // second: firing, as in Prometheus
    expect(after.state()).toBe('firing');
    expect(after.sent.flat().map((alert) => alert.labels.alertname)).toEqual(['CheckoutSlow']);
    await after.evaluator.stop();
  });

  it('starts `for` again after an outage longer than the tolerance, and forgets alerts that cleared', async () => {
    const file = await newStoreFile();
    const store = await file.open();
    const before = processOver(store, t0);
    before.evaluator.start();
    await before.timers.advanceMs(20 * minuteMs);
    await before.evaluator.stop();

    const late = processOver(store, t0 + 90 * minuteMs);
    await late.evaluator.restoreForState();
    late.evaluator.start();
    await late.timers.advanceMs(29 * minuteMs);
    expect(late.state()).toBe('pending');
    late.slow.value = false;
    await late.timers.advanceMs(minuteMs);
    expect(late.state()).toBe('inactive');
    await late.evaluator.stop();
    expect(await store.ruleForStates.all()).toEqual([]);
  });

  it('drops the rows of rules no longer configured', async () => {
    const file = await newStoreFile();
    const store = await file.open();
    const before = processOver(store, t0, [rule(), rule({ name: 'Gone' })]);
    before.evaluator.start();
    await before.timers.advanceMs(3 * minuteMs);
    await before.evaluator.stop();
    expect((await store.ruleForStates.all()).length).toBe(2);
    const after = processOver(store, t0 + 4 * minuteMs);
    expect(await after.evaluator.restoreForState()).toBe(2);
    expect((await store.ruleForStates.all()).map((row) => JSON.parse(row.ruleKey) as unknown)).toEqual([['CheckoutSlow', [['severity', 'page']]]]);
  });
});
