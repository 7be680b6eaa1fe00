/**
 * SLO burn-rate transitions into the alert pipeline: `slo.alert.firing` becomes a firing alert
 * labelled alertname=SLOBurnRate, slo, service, severity (page or ticket) plus the SLO's own
 * labels, with a summary and a description naming the burn-rate conditions that hold and the
 * budget left; `slo.alert.resolved` resolves it (endsAt = now). Firing alerts are re-sent every
 * minute (FiringAlertKeeper) because the SLO engine only publishes transitions.
 *
 * After a restart the SLO engine restores its alert states without publishing them again: pass
 * those still firing as `initiallyFiring` so they are kept alive.
 */
import type { AlertSink } from '../../core/alerting/alert.js';
import type { Clock } from '../../core/clock.js';
import { formatDurationMs } from '../../core/duration.js';
import type { SloAlertEvent } from '../../core/events/domain-events.js';
import type { EventBus } from '../event-bus.js';
import type { Timers } from '../timers.js';
import { createFiringAlertKeeper, type FiringAlertKeeper } from './rules/firing-alert-keeper.js';

export interface SloAlertBridgeOptions {
  bus: EventBus;
  sink: AlertSink;
  clock: Clock;
  timers: Timers;
  /** Burn rates at the moment, by window (ms), to show beside the conditions; optional. */
  burnRatesOf?: (slo: string) => ReadonlyArray<{ windowMs: number; burnRate: number | null }>;
  /** Link to the SLO, sent as generatorURL and in the description. */
  sloUrlOf?: (slo: string) => string;
  /** SLO alerts already firing when sre-monitor starts. */
  initiallyFiring?: () => readonly SloAlertEvent[];
  refreshIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface SloAlertBridge {
  keeper: FiringAlertKeeper;
  start(): Promise<void>;
  stop(): void;
}

export function createSloAlertBridge(options: SloAlertBridgeOptions): SloAlertBridge {
  const keeper = createFiringAlertKeeper({ sink: options.sink, source: 'slo', clock: options.clock, timers: options.timers, refreshIntervalMs: options.refreshIntervalMs, onError: options.onError });
  let unsubscribe: (() => void) | null = null;
  const keyOf = (event: SloAlertEvent): string => `${event.slo}\u0000${event.severity}`;

  const fire = (event: SloAlertEvent): Promise<void> => {
    const url = options.sloUrlOf?.(event.slo);
    return keeper.fire(keyOf(event), { labels: event.labels, annotations: sloAnnotations(event, options.burnRatesOf?.(event.slo), url), ...(url === undefined ? {} : { generatorUrl: url }) });
  };

  return {
    keeper,
    async start() {
      unsubscribe = options.bus.subscribe((event) => {
        if (event.type === 'slo.alert.firing') {
          void fire(event.data);
        } else if (event.type === 'slo.alert.resolved') {
          void keeper.resolve(keyOf(event.data), { labels: event.data.labels, annotations: resolvedAnnotations(event.data) });
        }
      });
      for (const event of options.initiallyFiring?.() ?? []) await fire(event);
      keeper.start();
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
      keeper.stop();
    },
  };
}

function percent(ratio: number): string {
  return `${(Math.round(ratio * 10_000) / 100).toString()}%`;
}

function sloAnnotations(event: SloAlertEvent, burnRates: ReadonlyArray<{ windowMs: number; burnRate: number | null }> | undefined, url: string | undefined): Record<string, string> {
  const rateOf = (windowMs: number): string => {
    const rate = burnRates?.find((entry) => entry.windowMs === windowMs)?.burnRate;
    return rate === null || rate === undefined ? '' : ` (now ${rate.toFixed(2)})`;
  };
  const conditions = event.conditions.map(
    (condition) => `burn rate above ${condition.factor} over ${formatDurationMs(condition.long_window_ms)}${rateOf(condition.long_window_ms)} and ${formatDurationMs(condition.short_window_ms)}${rateOf(condition.short_window_ms)}`,
  );
  const annotations: Record<string, string> = {
    summary: `SLO ${event.slo} of ${event.service} is burning its error budget too fast (${event.severity})`,
    description: `${conditions.join('; ') || 'a burn-rate condition holds'}. Error budget left: ${percent(event.budgetRemainingRatio)}.`,
    budget_remaining_ratio: String(event.budgetRemainingRatio),
  };
  if (url !== undefined) annotations.dashboard_url = url;
  return annotations;
}

function resolvedAnnotations(event: SloAlertEvent): Record<string, string> {
  return {
    summary: `SLO ${event.slo} of ${event.service} is no longer burning its error budget too fast (${event.severity})`,
    description: `No ${event.severity} burn-rate condition holds any more. Error budget left: ${percent(event.budgetRemainingRatio)}.`,
    budget_remaining_ratio: String(event.budgetRemainingRatio),
  };
}
