/**
 * Keeps alerts that come from state transitions (an SLO started burning, a monitor went down)
 * alive in the alert pipeline. Such a source says "firing" once, but the pipeline, like
 * Alertmanager, resolves an alert whose `endsAt` passes: so every firing alert is re-sent each
 * refresh interval with `endsAt = now + 4 × interval`, as Prometheus re-sends its alerts. If
 * sre-monitor stops, the alerts end by themselves a few minutes later instead of firing forever.
 * Resolving sends `endsAt = now` once. A failed hand-over is retried at the next refresh.
 */
import type { AlertInput, AlertSink, AlertSource } from '../../../core/alerting/alert.js';
import type { Clock } from '../../../core/clock.js';
import type { TimerHandle, Timers } from '../../timers.js';

export interface FiringAlertKeeperOptions {
  sink: AlertSink;
  source: AlertSource;
  clock: Clock;
  timers: Timers;
  /** Default 1 minute. */
  refreshIntervalMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface FiringAlertKeeper {
  /** Sends `alert` as firing now (startsAt now unless given) and keeps re-sending it. */
  fire(key: string, alert: AlertInput): Promise<void>;
  /**
   * Sends the alert under `key` as resolved (endsAt now, with `update` applied) and stops
   * re-sending it. When it was not firing here (a restart forgot it) `update` is sent as the
   * resolved alert if it has labels, since the pipeline may still hold it. False when it was not firing.
   */
  resolve(key: string, update?: Partial<AlertInput>): Promise<boolean>;
  firing(): ReadonlyMap<string, AlertInput>;
  start(): void;
  stop(): void;
}

export function createFiringAlertKeeper(options: FiringAlertKeeperOptions): FiringAlertKeeper {
  const { clock, timers, sink } = options;
  const refreshMs = options.refreshIntervalMs ?? 60_000;
  const firing = new Map<string, AlertInput>();
  let timer: TimerHandle | null = null;
  let started = false;

  const withEnd = (alert: AlertInput, nowMs: number): AlertInput => ({ ...alert, endsAtMs: nowMs + 4 * refreshMs });

  async function send(alerts: AlertInput[], context: string): Promise<void> {
    if (alerts.length === 0) return;
    try {
      await sink(alerts, options.source);
    } catch (error) {
      options.onError?.(error, context);
    }
  }

  function arm(): void {
    if (!started) return;
    timer = timers.after(refreshMs, () => {
      timer = null;
      const nowMs = clock.nowMs();
      void send([...firing.values()].map((alert) => withEnd(alert, nowMs)), `re-sending ${firing.size} firing ${options.source} alerts`).finally(arm);
    });
  }

  return {
    async fire(key, alert) {
      const nowMs = clock.nowMs();
      const kept = { ...alert, startsAtMs: alert.startsAtMs ?? firing.get(key)?.startsAtMs ?? nowMs };
      firing.set(key, kept);
      await send([withEnd(kept, nowMs)], `sending a firing ${options.source} alert (re-sent at the next refresh)`);
    },
    async resolve(key, update) {
      const alert = firing.get(key);
      const nowMs = clock.nowMs();
      if (alert === undefined) {
        if (update?.labels !== undefined) await send([{ ...update, labels: update.labels, endsAtMs: nowMs }], `sending a resolved ${options.source} alert`);
        return false;
      }
      firing.delete(key);
      await send([{ ...alert, ...update, labels: alert.labels, startsAtMs: alert.startsAtMs, endsAtMs: nowMs }], `sending a resolved ${options.source} alert`);
      return true;
    },
    firing: () => firing,
    start() {
      if (started) return;
      started = true;
      arm();
    },
    stop() {
      started = false;
      timer?.cancel();
      timer = null;
    },
  };
}
