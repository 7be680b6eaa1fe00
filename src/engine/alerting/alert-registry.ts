/**
 * The alert registry: where every alert enters the pipeline (the AlertSink) and the one place
 * that knows the current alerts. Incoming alerts are checked, merged with the stored ones as
 * Alertmanager merges them, written to the repository and only then resolved, published
 * (`alert.firing` / `alert.resolved` / `alert.acknowledged`, after the commit) and handed to the
 * listeners (the dispatcher). Writes are serialised so merges never race. A sweep notices alerts
 * whose end has passed (resolved by timeout, or by an end the sender set ahead) and announces
 * them; it also forgets resolved alerts after `retainResolvedMs`.
 *
 * A refresh that only moves an alert's end later is not written while the stored end is still
 * at least half as far ahead (`mustPersistAlert`, decision 27): the sender is answered once the
 * alert is in memory. Such deferred refreshes are written when a later change must be, when the
 * alert ends (the sweep), and at `stop()`.
 */
import { alertFromInput, checkAlertInput, defaultAlertInputLimits, type AlertInputLimits } from '../../core/alerting/alert-input.js';
import { mustPersistAlert } from '../../core/alerting/alert-persistence.js';
import { isAlertResolved, mergeAlert, type Alert, type AlertInput, type AlertSink, type AlertSource } from '../../core/alerting/alert.js';
import { matchersMatch, type LabelMatcher } from '../../core/alerting/label-matcher.js';
import type { Clock } from '../../core/clock.js';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../../core/errors.js';
import type { AlertEvent } from '../../core/events/domain-events.js';
import type { AlertRepository } from '../../adapters/store/alerting-repositories.js';
import type { EventBus } from '../event-bus.js';
import type { TimerHandle, Timers } from '../timers.js';

/** How the pipeline sees one alert right now (from the dispatcher): Alertmanager's alert status. */
export interface AlertStatusView {
  receivers: string[];
  silencedBy: string[];
  inhibitedBy: string[];
  mutedByTimeInterval: boolean;
}

export type AlertStatusProvider = (alert: Alert, nowMs: number) => AlertStatusView;

export interface AlertListFilter {
  state?: 'firing' | 'resolved';
  /** All must match the alert's labels. */
  matchers?: readonly LabelMatcher[];
  /** Only alerts muted by this silence id (needs a status provider). */
  silencedBy?: string;
  /** Only alerts routed to this receiver (needs a status provider). */
  receiver?: string;
}

export type AlertChangeListener = (alerts: readonly Alert[]) => void;

export interface AlertRegistry {
  /** Checks, merges and stores alerts; resolves once stored. Throws ValidationError naming the bad inputs (the good ones are stored). */
  sink: AlertSink;
  /** Alerts by start (oldest first), then fingerprint. */
  list(filter?: AlertListFilter): Alert[];
  get(fingerprint: string): Alert | undefined;
  /** Pipeline status of one alert; undefined without a provider or for an unknown alert. */
  statusOf(fingerprint: string): AlertStatusView | undefined;
  /** Marks a firing alert acknowledged by `actor` (idempotent); NotFoundError, or ConflictError when resolved. */
  acknowledge(fingerprint: string, actor: string): Promise<Alert>;
  /**
   * Acknowledges every firing alert among `fingerprints` in one write (a group's ack link);
   * unknown and resolved ones are skipped. Returns the firing alerts, acknowledged.
   */
  acknowledgeAll(fingerprints: readonly string[], actor: string): Promise<Alert[]>;
  /** Loads the stored alerts (start-up) and hands them to the listeners. */
  restore(): Promise<void>;
  /** `listener` gets every alert that changed (also refreshes); returns the unsubscribe function. */
  onChange(listener: AlertChangeListener): () => void;
  /** Set by the composition root once the dispatcher exists. */
  setStatusProvider(provider: AlertStatusProvider | undefined): void;
  /** Announces alerts whose end has passed and forgets old resolved ones; `start` runs it periodically. */
  sweep(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  counts(): { firing: number; resolved: number };
}

export interface AlertRegistryOptions {
  repository: AlertRepository;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  /** An alert not refreshed within this is resolved (Alertmanager `resolve_timeout`); default 5 minutes. */
  resolveTimeoutMs?: number;
  /** Most alerts held (firing and resolved); new ones beyond it are refused. Default 100,000. */
  maxAlerts?: number;
  limits?: Partial<AlertInputLimits>;
  /** How often the sweep runs; default 1 second. */
  sweepIntervalMs?: number;
  /** Resolved alerts are forgotten (memory and store) this long after they ended; default 24 hours. */
  retainResolvedMs?: number;
  onError?: (error: unknown, context: string) => void;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `alert.*` event payload for `alert`. */
export function alertEvent(alert: Alert, status: 'firing' | 'resolved'): AlertEvent {
  return {
    fingerprint: alert.fingerprint,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    status,
    source: alert.source,
    startsAt: iso(alert.startsAtMs),
    endsAt: iso(alert.endsAtMs),
    resolvedBy: status === 'firing' ? null : alert.endsAtFromTimeout ? 'timeout' : 'sender',
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: alert.acknowledgedAtMs === null ? null : iso(alert.acknowledgedAtMs),
  };
}

interface SinkRequest {
  inputs: readonly AlertInput[];
  source: AlertSource;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function compareByStart(left: Alert, right: Alert): number {
  return left.startsAtMs - right.startsAtMs || (left.fingerprint < right.fingerprint ? -1 : left.fingerprint > right.fingerprint ? 1 : 0);
}

export function createAlertRegistry(options: AlertRegistryOptions): AlertRegistry {
  const { repository, bus, clock, timers } = options;
  const resolveTimeoutMs = options.resolveTimeoutMs ?? 5 * 60_000;
  const maxAlerts = options.maxAlerts ?? 100_000;
  const limits = { ...defaultAlertInputLimits, ...options.limits };
  const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
  const retainResolvedMs = options.retainResolvedMs ?? 24 * 3600_000;
  const onError = options.onError ?? (() => undefined);
  const alerts = new Map<string, Alert>();
  /** The version of each alert the store holds (a deferred refresh leaves it behind `alerts`). */
  const persisted = new Map<string, Alert>();
  /** Alerts announced as firing and not yet as resolved. */
  const announcedFiring = new Set<string>();
  const listeners = new Set<AlertChangeListener>();
  let statusProvider: AlertStatusProvider | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let sweepTimer: TimerHandle | undefined;
  let running = false;
  let pendingSinks: SinkRequest[] = [];
  let sinkDrainQueued = false;

  /** Runs `task` after every earlier write, so merges see each other's results. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  const notify = (changed: readonly Alert[]): void => {
    if (changed.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(changed);
      } catch (error) {
        onError(error, 'alert change listener');
      }
    }
  };

  /** Publishes firing/resolved transitions of stored alerts at `nowMs`. */
  const announce = (changed: readonly Alert[], nowMs: number): void => {
    for (const alert of changed) {
      const resolved = isAlertResolved(alert, nowMs);
      if (!resolved && !announcedFiring.has(alert.fingerprint)) {
        announcedFiring.add(alert.fingerprint);
        bus.publish('alert.firing', alertEvent(alert, 'firing'));
      } else if (resolved && announcedFiring.delete(alert.fingerprint)) {
        bus.publish('alert.resolved', alertEvent(alert, 'resolved'));
      }
    }
  };

  /** Checks and merges one request's inputs into `batch` (shared by the requests of one write). */
  const merge = (inputs: readonly AlertInput[], source: AlertSource, nowMs: number, batch: Map<string, Alert>, added: { count: number }): FieldProblem[] => {
    const problems: FieldProblem[] = [];
    inputs.forEach((input, index) => {
      const found = checkAlertInput(input, ['alerts', index], limits);
      if (found.length > 0) return void problems.push(...found);
      const incoming = alertFromInput(input, source, nowMs, resolveTimeoutMs);
      const existing = batch.get(incoming.fingerprint) ?? alerts.get(incoming.fingerprint);
      if (existing === undefined) {
        if (alerts.size + added.count >= maxAlerts) {
          return void problems.push({ field: `alerts[${index}]`, message: `refused: sre-monitor already holds ${maxAlerts} alerts (alerting.max_alerts)` });
        }
        added.count += 1;
      }
      batch.set(incoming.fingerprint, existing === undefined ? incoming : mergeAlert(existing, incoming));
    });
    return problems;
  };

  const rejection = (problems: readonly FieldProblem[], total: number): ValidationError => {
    const rejected = new Set(problems.map((problem) => problem.field.replace(/^(alerts\[\d+\]).*$/, '$1'))).size;
    return new ValidationError(problems, `${rejected} of ${total} alerts rejected (the others were stored): ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  };

  /**
   * Writes every sink request that arrived while the previous write was committing, or in the
   * same I/O round, in one upsert (group commit at the registry): requests merge in arrival
   * order, exactly as if written one by one, and each resolves (or rejects with its own
   * problems) after the commit. The first request of a round waits for the round to end
   * (setImmediate): better-sqlite3 commits synchronously, so without the wait every POST paid
   * its own statement and fsync even when eight were waiting together.
   */
  const drainSinks = async (): Promise<void> => {
    sinkDrainQueued = false;
    const requests = pendingSinks;
    pendingSinks = [];
    const nowMs = clock.nowMs();
    const batch = new Map<string, Alert>();
    const added = { count: 0 };
    const problems = requests.map((request) => merge(request.inputs, request.source, nowMs, batch, added));
    const changed = [...batch.values()];
    const writes = changed.filter((alert) => mustPersistAlert(persisted.get(alert.fingerprint), alert, nowMs));
    try {
      await write(writes);
    } catch (error) {
      for (const request of requests) request.reject(error);
      return;
    }
    for (const alert of changed) alerts.set(alert.fingerprint, alert);
    announce(changed, nowMs);
    notify(changed);
    requests.forEach((request, index) => {
      const found = problems[index] ?? [];
      if (found.length > 0) request.reject(rejection(found, request.inputs.length));
      else request.resolve();
    });
  };

  /** Stores `changed` and remembers it as what the store holds. */
  const write = async (changed: readonly Alert[]): Promise<void> => {
    if (changed.length === 0) return;
    await repository.upsert(changed);
    for (const alert of changed) persisted.set(alert.fingerprint, alert);
  };

  /** The alerts among `candidates` (held ones) whose version the store does not hold (deferred refreshes). */
  const unwritten = (candidates: Iterable<Alert>): Alert[] => {
    const out: Alert[] = [];
    for (const alert of candidates) if (persisted.get(alert.fingerprint) !== alert) out.push(alert);
    return out;
  };

  const sink: AlertSink = (inputs, source) =>
    new Promise<void>((resolve, reject) => {
      pendingSinks.push({ inputs, source, resolve, reject });
      if (sinkDrainQueued) return;
      sinkDrainQueued = true;
      setImmediate(() => void serial(drainSinks).catch((error: unknown) => onError(error, 'alert write')));
    });

  /** Marks the not yet acknowledged ones of `firing` acknowledged: one write, then events. */
  const acknowledgeFiring = async (firing: readonly Alert[], actor: string): Promise<Alert[]> => {
    const nowMs = clock.nowMs();
    const changed = firing.filter((alert) => alert.acknowledgedAtMs === null).map((alert) => ({ ...alert, acknowledgedBy: actor, acknowledgedAtMs: nowMs }));
    await write(changed);
    for (const alert of changed) {
      alerts.set(alert.fingerprint, alert);
      bus.publish('alert.acknowledged', alertEvent(alert, 'firing'));
    }
    notify(changed);
    return firing.map((alert) => alerts.get(alert.fingerprint) ?? alert);
  };

  const sweepOnce = async (): Promise<void> => {
    const nowMs = clock.nowMs();
    const ended: Alert[] = [];
    for (const fingerprint of announcedFiring) {
      const alert = alerts.get(fingerprint);
      if (alert !== undefined && isAlertResolved(alert, nowMs)) ended.push(alert);
    }
    // An alert that ended with a deferred refresh: the store gets the end it ended at.
    await write(unwritten(ended));
    announce(ended, nowMs);
    notify(ended);
    const forgetBeforeMs = nowMs - retainResolvedMs;
    let forgotten = 0;
    for (const [fingerprint, alert] of alerts) {
      if (alert.endsAtMs < forgetBeforeMs) {
        alerts.delete(fingerprint);
        persisted.delete(fingerprint);
        forgotten += 1;
      }
    }
    if (forgotten > 0) await repository.deleteResolvedBefore(forgetBeforeMs, Math.max(1000, forgotten));
  };

  const scheduleSweep = (): void => {
    if (!running) return;
    sweepTimer = timers.after(sweepIntervalMs, () => {
      sweepTimer = undefined;
      serial(sweepOnce)
        .catch((error: unknown) => onError(error, 'alert sweep'))
        .finally(scheduleSweep);
    });
  };

  return {
    sink,
    list(filter = {}) {
      const nowMs = clock.nowMs();
      const out: Alert[] = [];
      for (const alert of alerts.values()) {
        if (filter.state !== undefined && (filter.state === 'resolved') !== isAlertResolved(alert, nowMs)) continue;
        if (filter.matchers !== undefined && !matchersMatch(filter.matchers, alert.labels)) continue;
        if (filter.silencedBy !== undefined || filter.receiver !== undefined) {
          const status = statusProvider?.(alert, nowMs);
          if (filter.silencedBy !== undefined && !(status?.silencedBy.includes(filter.silencedBy) ?? false)) continue;
          if (filter.receiver !== undefined && !(status?.receivers.includes(filter.receiver) ?? false)) continue;
        }
        out.push(alert);
      }
      return out.sort(compareByStart);
    },
    get: (fingerprint) => alerts.get(fingerprint),
    statusOf(fingerprint) {
      const alert = alerts.get(fingerprint);
      return alert === undefined ? undefined : statusProvider?.(alert, clock.nowMs());
    },
    acknowledge: (fingerprint, actor) =>
      serial(async () => {
        const alert = alerts.get(fingerprint);
        if (alert === undefined) throw new NotFoundError('alert', fingerprint);
        if (isAlertResolved(alert, clock.nowMs())) throw new ConflictError(`alert '${fingerprint}' is resolved; only a firing alert can be acknowledged`);
        const [acknowledged] = await acknowledgeFiring([alert], actor);
        return acknowledged ?? alert;
      }),
    acknowledgeAll: (fingerprints, actor) =>
      serial(async () => {
        const nowMs = clock.nowMs();
        const firing = [...new Set(fingerprints)].map((fingerprint) => alerts.get(fingerprint)).filter((alert): alert is Alert => alert !== undefined && !isAlertResolved(alert, nowMs));
        return acknowledgeFiring(firing, actor);
      }),
    restore: () =>
      serial(async () => {
        const stored = await repository.all();
        for (const alert of stored) {
          alerts.set(alert.fingerprint, alert);
          persisted.set(alert.fingerprint, alert);
          // Announced as firing before the restart when it was firing at its last update; the
          // sweep announces the end of those that ended while sre-monitor was down.
          if (alert.endsAtMs > alert.updatedAtMs) announcedFiring.add(alert.fingerprint);
        }
        notify(stored);
      }),
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setStatusProvider(provider) {
      statusProvider = provider;
    },
    sweep: () => serial(sweepOnce),
    start() {
      if (running) return;
      running = true;
      scheduleSweep();
    },
    async stop() {
      running = false;
      sweepTimer?.cancel();
      sweepTimer = undefined;
      await queue;
      // A clean stop leaves the store exact: the deferred refreshes are written now.
      await serial(() => write(unwritten(alerts.values()))).catch((error: unknown) => onError(error, 'alert write at stop'));
    },
    counts() {
      const nowMs = clock.nowMs();
      let firing = 0;
      for (const alert of alerts.values()) if (!isAlertResolved(alert, nowMs)) firing += 1;
      return { firing, resolved: alerts.size - firing };
    },
  };
}
