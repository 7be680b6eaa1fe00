/**
 * Reads the SLOs whose SLI is PromQL: once a minute, a delay after each minute closes (so the
 * scrape that covers its end has landed in Prometheus), every such SLO's good and total events
 * of that minute are queried and stored like pushed counts (durable first, then applied to the
 * windows the evaluator reads).
 *
 * Minutes missed while Prometheus was unreachable, or while sre-monitor was down, are queried
 * on the following cycles, oldest first, as far back as counts are still accepted (the
 * lateness, less a margin). A minute is counted once: an SLO's first cycle after a start or a
 * change begins after the newest minute already stored for it, and a minute is only done once
 * its counts are durable. A failing SLO keeps its error for the API and a metric, and never
 * holds up the others.
 */
import type { Clock } from '../../core/clock.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { minuteMs } from '../../core/slo/slo-window.js';
import type { PrometheusSliSource } from '../../adapters/sources/prometheus-sli-source.js';
import type { SloCount, Store } from '../../adapters/store/store.js';
import type { Timers, TimerHandle } from '../timers.js';

/** What the API shows of an SLO's PromQL source. */
export interface SliSourceHealth {
  /** End of the newest minute whose counts are stored, ms; null before the first. */
  doneThroughMs: number | null;
  lastSuccessAtMs: number | null;
  lastError: string | null;
  lastErrorAtMs: number | null;
}

export interface PrometheusSliPollerOptions {
  source: PrometheusSliSource;
  store: Store;
  clock: Clock;
  timers: Timers;
  /** The SLOs to read now (the evaluator's current specs). */
  specs: () => Iterable<SloSpec>;
  /** Makes counts durable and applies them; resolves once they are. */
  persist: (counts: SloCount[]) => Promise<void>;
  /** Time after a minute's end before it is queried (default 30 s: one scrape interval and then some). */
  delayMs?: number;
  /** How far back missed minutes are fetched (default 55 min: inside the 1 h lateness). */
  catchUpMs?: number;
  /** Minutes one SLO may fetch in one cycle while catching up (default 15). */
  maxStepsPerCycle?: number;
  /** SLOs queried at once (default 8). */
  concurrency?: number;
  onFailure?: (slo: string) => void;
  /** Called when an SLO's source starts failing or recovers (not on every failed minute). */
  onHealthChange?: (slo: string, health: SliSourceHealth) => void;
}

export interface PrometheusSliPoller {
  health(slo: string): SliSourceHealth | undefined;
  /** Forgets an SLO's progress (removed or changed: the next cycle starts from the store). */
  forget(slo: string): void;
  /** One cycle for the minute that ended at or before `nowMs - delay`; resolves when done. */
  pollNow(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

type PrometheusSpec = SloSpec & { sli: Extract<SloSpec['sli'], { kind: 'prometheus' }> };

interface Progress extends SliSourceHealth {
  /** The spec the progress belongs to: a changed source starts over. */
  sourceKey: string;
}

export function createPrometheusSliPoller(options: PrometheusSliPollerOptions): PrometheusSliPoller {
  const { source, store, clock, timers } = options;
  const delayMs = options.delayMs ?? 30_000;
  const catchUpMs = options.catchUpMs ?? 55 * minuteMs;
  const maxSteps = options.maxStepsPerCycle ?? 15;
  const concurrency = options.concurrency ?? 8;
  const progress = new Map<string, Progress>();
  let timer: TimerHandle | null = null;
  let running = false;
  let cycle: Promise<void> | null = null;
  let stopping = new AbortController();

  function prometheusSpecs(): PrometheusSpec[] {
    return [...options.specs()].filter((spec): spec is PrometheusSpec => spec.sli.kind === 'prometheus');
  }

  /** Where an SLO resumes: after its newest stored minute inside the catch-up range. */
  async function progressOf(spec: PrometheusSpec, stepEndMs: number): Promise<Progress> {
    const sourceKey = JSON.stringify(spec.sli);
    const known = progress.get(spec.name);
    if (known !== undefined && known.sourceKey === sourceKey) return known;
    const oldest = stepEndMs - catchUpMs;
    const stored = await store.sloCounts.minutes(spec.name, oldest, stepEndMs + minuteMs);
    const newest = stored.reduce<number | null>((latest, row) => (latest === null || row.endMs > latest ? row.endMs : latest), null);
    const fresh: Progress = { sourceKey, doneThroughMs: newest, lastSuccessAtMs: null, lastError: null, lastErrorAtMs: null };
    progress.set(spec.name, fresh);
    return fresh;
  }

  async function pollSlo(spec: PrometheusSpec, stepEndMs: number, signal: AbortSignal): Promise<void> {
    const state = await progressOf(spec, stepEndMs);
    const firstStep = Math.max((state.doneThroughMs ?? -Infinity) + minuteMs, stepEndMs - catchUpMs + minuteMs);
    const counts: SloCount[] = [];
    let doneThrough = state.doneThroughMs;
    let failure: string | null = null;
    for (let end = firstStep, steps = 0; end <= stepEndMs && steps < maxSteps && !signal.aborted; end += minuteMs, steps++) {
      const answer = await source.countsForStep(spec.sli, end, minuteMs, signal);
      if (signal.aborted) return;
      if (!answer.ok) {
        failure = answer.message;
        break;
      }
      if (answer.total > 0) counts.push({ slo: spec.name, endMs: end, good: answer.good, total: answer.total });
      doneThrough = end;
    }
    if (counts.length > 0) await options.persist(counts);
    const wasFailing = state.lastError !== null;
    const nowMs = clock.nowMs();
    if (doneThrough !== state.doneThroughMs) {
      state.doneThroughMs = doneThrough;
      state.lastSuccessAtMs = nowMs;
    }
    if (failure !== null) {
      options.onFailure?.(spec.name);
      const changed = state.lastError !== failure;
      state.lastError = failure;
      state.lastErrorAtMs = nowMs;
      if (changed) options.onHealthChange?.(spec.name, healthOf(state));
    } else if (wasFailing) {
      state.lastError = null;
      options.onHealthChange?.(spec.name, healthOf(state));
    }
  }

  async function pollAll(): Promise<void> {
    const stepEndMs = Math.floor((clock.nowMs() - delayMs) / minuteMs) * minuteMs;
    const specs = prometheusSpecs();
    const wanted = new Set(specs.map((spec) => spec.name));
    for (const name of progress.keys()) if (!wanted.has(name)) progress.delete(name);
    const signal = stopping.signal;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < specs.length && !signal.aborted) {
        const spec = specs[next++] as PrometheusSpec;
        try {
          await pollSlo(spec, stepEndMs, signal);
        } catch (error) {
          // The store failed: nothing was marked done, the next cycle asks again.
          const state = progress.get(spec.name);
          options.onFailure?.(spec.name);
          if (state !== undefined) {
            state.lastError = `storing the counts failed: ${error instanceof Error ? error.message : String(error)}`;
            state.lastErrorAtMs = clock.nowMs();
            options.onHealthChange?.(spec.name, healthOf(state));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  }

  function runCycle(): Promise<void> {
    cycle ??= pollAll().finally(() => {
      cycle = null;
    });
    return cycle;
  }

  function arm(): void {
    if (!running) return;
    const nowMs = clock.nowMs();
    const next = Math.floor((nowMs - delayMs) / minuteMs) * minuteMs + minuteMs + delayMs;
    timer = timers.after(next - nowMs, () => {
      timer = null;
      void runCycle().finally(arm);
    });
  }

  return {
    health(slo) {
      const state = progress.get(slo);
      return state === undefined ? undefined : healthOf(state);
    },
    forget(slo) {
      progress.delete(slo);
    },
    pollNow: runCycle,
    start() {
      if (running) return;
      running = true;
      stopping = new AbortController();
      arm();
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = null;
      stopping.abort();
      if (cycle !== null) await cycle;
    },
  };
}

function healthOf(state: Progress): SliSourceHealth {
  return { doneThroughMs: state.doneThroughMs, lastSuccessAtMs: state.lastSuccessAtMs, lastError: state.lastError, lastErrorAtMs: state.lastErrorAtMs };
}
