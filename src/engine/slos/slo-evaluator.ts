/**
 * Keeps every SLO's counts in memory and evaluates all SLOs at each step boundary (1 minute,
 * aligned to the epoch): SLI, burn rates, budget, level, policy and burn-rate alerts. Alert
 * transitions and budget level changes become events after their state is stored; a compact
 * history point is kept, and `slo.evaluated` published, when something visible changed (the
 * history point also at least every 15 minutes), so the dashboard can draw the burn-down
 * without a row and an event per SLO per minute.
 *
 * Counts reach it from pushed events (after they are durable) and from monitor minutes as they
 * close; after a restart every SLO is rebuilt from its restart checkpoint plus the minute rows
 * after it, or from its stored 1-hour and 1-minute counts (slo-restore.ts).
 */
import type { Clock } from '../../core/clock.js';
import { createSloCounts, type SloCounts } from '../../core/slo/slo-counts.js';
import { evaluateSlo, initialAlertStatuses, type SloAlertStatuses, type SloStatus } from '../../core/slo/evaluate-slo.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { hourMs, minuteMs } from '../../core/slo/slo-window.js';
import type { SloCount, SloHistoryPoint, Store } from '../../adapters/store/store.js';
import type { EventBus } from '../event-bus.js';
import type { Timers, TimerHandle } from '../timers.js';
import { restoreAllCounts, restoreCountsFromRows, type RestoreReport } from './slo-restore.js';

export interface SloRuntime {
  spec: SloSpec;
  counts: SloCounts;
  alerts: SloAlertStatuses;
  status: SloStatus | null;
  lastHistory: { atMs: number; key: string } | null;
}

export interface SloEvaluatorOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  /** Seconds after each minute boundary before evaluating, so the last minute's data is in. */
  evaluationDelayMs?: number;
  /** How far behind the newest minute counts are still accepted (default 1h); sizes the rings. */
  latenessMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface SloEvaluator {
  runtimes: Map<string, SloRuntime>;
  /** Adds or replaces an SLO; counts are rebuilt from the store, alert states kept or restored. */
  upsert(spec: SloSpec, persistedAlerts?: SloAlertStatuses): Promise<void>;
  /**
   * Adds or replaces many SLOs at once (the start): counts from restart checkpoints plus one
   * replay of the minutes after them, from rows where no checkpoint fits.
   */
  restoreAll(entries: ReadonlyArray<{ spec: SloSpec; alerts?: SloAlertStatuses }>): Promise<RestoreReport>;
  remove(name: string): void;
  /** Adds durable counts to the in-memory windows. */
  apply(counts: readonly SloCount[]): void;
  /** Evaluates every SLO at `atMs` (a step boundary). */
  evaluateAll(atMs: number): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

const historyEveryMs = 15 * minuteMs;

export function createSloEvaluator(options: SloEvaluatorOptions): SloEvaluator {
  const { store, bus, clock, timers } = options;
  const delayMs = options.evaluationDelayMs ?? 10_000;
  const runtimes = new Map<string, SloRuntime>();
  let timer: TimerHandle | null = null;
  let running = false;
  let evaluating: Promise<void> | null = null;
  let lastEvaluatedAtMs = -Infinity;

  const newCounts = (spec: SloSpec) => createSloCounts(spec, options.latenessMs === undefined ? {} : { latenessMs: options.latenessMs });

  async function restore(spec: SloSpec, alerts: SloAlertStatuses): Promise<SloRuntime> {
    const counts = await restoreCountsFromRows(store, spec, newCounts(spec), clock.nowMs());
    return { spec, counts, alerts, status: null, lastHistory: null };
  }

  function historyKey(status: SloStatus): string {
    const round = (value: number | null) => (value === null ? 'null' : value.toFixed(4));
    return [round(status.sli.ratio), round(status.errorBudget.remainingRatio), status.level, status.policy, status.alerts.page.state, status.alerts.ticket.state].join('|');
  }

  async function evaluateAll(atMs: number): Promise<void> {
    // Counts only move forward: an evaluation behind the last one (a late timer after a manual
    // evaluation, say) would read windows that already hold newer minutes, and flip alerts back.
    if (atMs < lastEvaluatedAtMs) return;
    lastEvaluatedAtMs = atMs;
    const transitions: Array<{ runtime: SloRuntime; status: SloStatus }> = [];
    const levelChanges: Array<{ runtime: SloRuntime; from: string | null; status: SloStatus }> = [];
    const history: SloHistoryPoint[] = [];
    // `slo.evaluated` goes out when what it carries changed (SLI or budget to 4 decimals, level,
    // policy, alerts), not for all 10,000 SLOs every minute: that doubled the step.
    const evaluated: SloRuntime[] = [];
    for (const runtime of runtimes.values()) {
      runtime.counts.advanceTo(atMs);
      const status = evaluateSlo(runtime.spec, runtime.counts, atMs, { previousAlerts: runtime.alerts });
      const previousLevel = runtime.status?.level ?? null;
      runtime.status = status;
      runtime.alerts = status.alerts;
      if (status.transitions.length > 0) transitions.push({ runtime, status });
      if (previousLevel !== status.level) levelChanges.push({ runtime, from: previousLevel, status });
      const key = historyKey(status);
      const changed = runtime.lastHistory === null || runtime.lastHistory.key !== key;
      if (changed) evaluated.push(runtime);
      if (changed || atMs - runtime.lastHistory!.atMs >= historyEveryMs) {
        runtime.lastHistory = { atMs, key };
        history.push({ slo: runtime.spec.name, atMs, data: historyData(status) });
      }
    }
    await store.transaction(async (repos) => {
      if (transitions.length > 0) await repos.sloStates.upsert(transitions.map(({ runtime }) => ({ slo: runtime.spec.name, state: { alerts: runtime.alerts } })));
      if (history.length > 0) await repos.sloHistory.append(history);
    });
    for (const { runtime, status } of transitions) {
      for (const transition of status.transitions) {
        bus.publish(transition.state === 'firing' ? 'slo.alert.firing' : 'slo.alert.resolved', {
          labels: { alertname: 'SLOBurnRate', slo: runtime.spec.name, service: runtime.spec.service, severity: transition.severity, ...runtime.spec.labels },
          slo: runtime.spec.name,
          service: runtime.spec.service,
          severity: transition.severity,
          conditions: transition.conditions.map((condition) => ({ long_window_ms: condition.longWindowMs, short_window_ms: condition.shortWindowMs, factor: condition.factor })),
          budgetRemainingRatio: status.errorBudget.remainingRatio,
        });
      }
    }
    for (const { runtime, from, status } of levelChanges) {
      if (from === null && status.level === 'ok') continue;
      bus.publish('slo.budget.level', { slo: runtime.spec.name, service: runtime.spec.service, from, to: status.level, policy: status.policy, budgetRemainingRatio: status.errorBudget.remainingRatio });
    }
    for (const runtime of evaluated) {
      const status = runtime.status;
      if (status === null) continue;
      bus.publish('slo.evaluated', { slo: runtime.spec.name, service: runtime.spec.service, sliRatio: status.sli.ratio, budgetRemainingRatio: status.errorBudget.remainingRatio, level: status.level, policy: status.policy });
    }
  }

  /** The latest minute boundary whose delay has passed: the newest minute that may be evaluated. */
  const lastEvaluableBoundary = (nowMs: number): number => Math.floor((nowMs - delayMs) / minuteMs) * minuteMs;

  function evaluateThenArm(boundary: number): void {
    evaluating = evaluateAll(boundary)
      .catch((error: unknown) => options.onError?.(error, 'evaluating SLOs'))
      .finally(() => {
        evaluating = null;
        arm();
      });
  }

  function arm(): void {
    if (!running) return;
    const nowMs = clock.nowMs();
    const boundary = lastEvaluableBoundary(nowMs) + minuteMs;
    timer = timers.after(boundary + delayMs - nowMs, () => {
      timer = null;
      evaluateThenArm(boundary);
    });
  }

  return {
    runtimes,
    async upsert(spec, persistedAlerts) {
      const alerts = persistedAlerts ?? runtimes.get(spec.name)?.alerts ?? initialAlertStatuses();
      runtimes.set(spec.name, await restore(spec, alerts));
    },
    async restoreAll(entries) {
      const { counts, report } = await restoreAllCounts({ store, specs: entries.map((entry) => entry.spec), nowMs: clock.nowMs(), newCounts });
      for (const { spec, alerts } of entries) {
        const restored = counts.get(spec.name);
        if (restored === undefined) continue;
        runtimes.set(spec.name, { spec, counts: restored, alerts: alerts ?? runtimes.get(spec.name)?.alerts ?? initialAlertStatuses(), status: null, lastHistory: null });
      }
      return report;
    },
    remove(name) {
      runtimes.delete(name);
    },
    apply(counts) {
      for (const count of counts) runtimes.get(count.slo)?.counts.add(count.endMs, count.good, count.total);
    },
    evaluateAll,
    start() {
      running = true;
      // Evaluate the restored counts at once: waiting for the next boundary left every SLO
      // without a status (API, dashboard, /metrics) for up to 70 s after each start.
      evaluateThenArm(lastEvaluableBoundary(clock.nowMs()));
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = null;
      if (evaluating !== null) await evaluating;
    },
  };
}

function historyData(status: SloStatus): Record<string, unknown> {
  const oneHour = status.burnRates.find((rate) => rate.windowMs === hourMs);
  return {
    sli: status.sli.ratio,
    good: status.sli.good,
    total: status.sli.total,
    budget_remaining: status.errorBudget.remainingRatio,
    budget_remaining_minutes: status.errorBudget.remainingMinutes,
    burn_rate_1h: oneHour?.burnRate ?? null,
    level: status.level,
    policy: status.policy,
    page: status.alerts.page.state,
    ticket: status.alerts.ticket.state,
  };
}
