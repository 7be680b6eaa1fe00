/**
 * The SLO feature assembled: the evaluator (counts in memory, one evaluation per minute) and the
 * service (CRUD, pushed events, monitor SLIs, release gate), fed by the monitors' closing
 * minutes. app.ts hands in the adapters and calls start/stop.
 */
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../adapters/store/store.js';
import type { EventBus } from '../event-bus.js';
import type { MinuteClosedListener } from '../monitors/uptime-rollups.js';
import type { Timers } from '../timers.js';
import { createSloEvaluator, type SloEvaluator } from './slo-evaluator.js';
import { createSloService, type SloService } from './slo-service.js';

export interface SloEngineOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  /** Where monitor minutes come from (MonitorSliSource.onMinuteClosed). */
  onMonitorMinuteClosed: (listener: MinuteClosedListener) => () => void;
  onError?: (error: unknown, context: string) => void;
}

export interface SloEngine {
  service: SloService;
  evaluator: SloEvaluator;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSloEngine(options: SloEngineOptions): SloEngine {
  const evaluator = createSloEvaluator({ store: options.store, bus: options.bus, clock: options.clock, timers: options.timers, onError: options.onError });
  const service = createSloService({ store: options.store, bus: options.bus, clock: options.clock, evaluator });
  let unsubscribe: (() => void) | null = null;
  return {
    service,
    evaluator,
    async start() {
      await service.load();
      unsubscribe = options.onMonitorMinuteClosed((_minuteEndMs, rollups) => {
        service.monitorMinuteClosed(rollups).catch((error: unknown) => options.onError?.(error, 'counting monitor SLIs'));
      });
      evaluator.start();
    },
    async stop() {
      unsubscribe?.();
      await evaluator.stop();
    },
  };
}
