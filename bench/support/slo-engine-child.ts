/**
 * Child process of `npm run bench -- slo`, part "engine": the server's SLO evaluator
 * (`createSloEvaluator`) on a real store, without HTTP. `--slos N --days D --steps S --store
 * sqlite|postgres --location FILE|URL`:
 * 1. migrates the store, `upsert`s N SLOs (each restores from the still empty count tables: two
 *    queries), then fills their in-memory rings with D days of synthetic minutes directly (the
 *    counts' own cost is part "core"; here only evaluation is timed);
 * 2. S steps one minute apart: the minute's counts go in through `evaluator.apply` (timed on its
 *    own), then `evaluateAll(t)` is timed: every SLO evaluated, alert states and history points
 *    written in one store transaction (timed too), events published on the bus.
 * The first step writes a history point for every SLO; later ones only for changed SLOs (and every
 * 15 minutes), so the first step is reported apart. Prints `RESULT {json}`.
 */
import { performance } from 'node:perf_hooks';
import { createPostgresStore } from '../../src/adapters/store/postgres-store.js';
import { createSqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { SloCount, Store, StoreRepositories } from '../../src/adapters/store/store.js';
import { createManualClock } from '../../src/core/clock.js';
import { createEventBus } from '../../src/engine/event-bus.js';
import { createSloEvaluator } from '../../src/engine/slos/slo-evaluator.js';
import { systemTimers } from '../../src/engine/timers.js';
import { childArgs, numberArg, textArg, writeResult } from './slo-child-protocol.js';
import { loadMinutes, minuteCounts, minuteMs, sloName, sloSpec } from './slo-synthetic.js';

export interface EngineStep {
  /** evaluateAll, all of it. */
  ms: number;
  /** Of which the store transaction (alert states + history). */
  storeMs: number;
  historyPoints: number;
  stateRows: number;
}

export interface EngineResult {
  slos: number;
  store: string;
  upsertMs: number;
  loadMs: number;
  steps: EngineStep[];
  apply: { rows: number; ms: number };
  rssBytes: number;
  busEvents: number;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The store with its transaction timed and its history and state writes counted. */
function instrumented(store: Store, current: () => EngineStep): Store {
  return {
    ...store,
    async transaction<T>(work: (repositories: StoreRepositories) => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await store.transaction((repos) =>
          work({
            ...repos,
            sloHistory: { ...repos.sloHistory, append: (points) => ((current().historyPoints += points.length), repos.sloHistory.append(points)) },
            sloStates: { ...repos.sloStates, upsert: (states) => ((current().stateRows += states.length), repos.sloStates.upsert(states)) },
          }),
        );
      } finally {
        current().storeMs += performance.now() - started;
      }
    },
  };
}

async function main(): Promise<void> {
  const args = childArgs(process.argv.slice(2));
  const n = numberArg(args, 'slos');
  const days = numberArg(args, 'days');
  const steps = numberArg(args, 'steps');
  const kind = textArg(args, 'store');
  const location = textArg(args, 'location');
  const endMinute = Math.floor(Date.UTC(2026, 10, 1) / minuteMs);
  const clock = createManualClock(endMinute * minuteMs + 10_000);

  const raw = kind === 'sqlite' ? await createSqliteStore({ path: location }) : await createPostgresStore({ url: location, poolMax: 10, idleTimeoutMs: 10_000 });
  await raw.migrate();
  let step: EngineStep = { ms: 0, storeMs: 0, historyPoints: 0, stateRows: 0 };
  const store = instrumented(raw, () => step);
  const bus = createEventBus({ clock });
  let busEvents = 0;
  bus.subscribe(() => {
    busEvents++;
  });
  const evaluator = createSloEvaluator({ store, bus, clock, timers: systemTimers });

  log(`engine ${kind}: upserting ${n} SLOs`);
  let started = performance.now();
  for (let i = 0; i < n; i++) await evaluator.upsert(sloSpec(i));
  const upsertMs = performance.now() - started;
  log(`engine ${kind}: loading ${days} days of minutes into the rings`);
  started = performance.now();
  for (let i = 0; i < n; i++) loadMinutes(evaluator.runtimes.get(sloName(i))!.counts, i, endMinute, days);
  const loadMs = performance.now() - started;

  const results: EngineStep[] = [];
  const apply = { rows: 0, ms: 0 };
  const out = { good: 0, total: 0 };
  for (let s = 0; s < steps; s++) {
    const minute = endMinute + 1 + s;
    const counts: SloCount[] = [];
    for (let i = 0; i < n; i++) {
      minuteCounts(i, minute, out);
      counts.push({ slo: sloName(i), endMs: minute * minuteMs, good: out.good, total: out.total });
    }
    clock.setMs(minute * minuteMs + 10_000);
    started = performance.now();
    evaluator.apply(counts);
    apply.ms += performance.now() - started;
    apply.rows += counts.length;
    step = { ms: 0, storeMs: 0, historyPoints: 0, stateRows: 0 };
    started = performance.now();
    await evaluator.evaluateAll(minute * minuteMs);
    step.ms = performance.now() - started;
    results.push(step);
  }
  log(`engine ${kind}: ${steps} steps, first ${Math.round(results[0]?.ms ?? 0)} ms`);
  const rssBytes = process.memoryUsage().rss;
  await raw.close();
  writeResult({ slos: n, store: kind, upsertMs, loadMs, steps: results, apply, rssBytes, busEvents } satisfies EngineResult);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
