/**
 * The dispatcher: Alertmanager's dispatch (dispatch/dispatch.go) driven by an injected Clock and
 * Timers. Every changed alert is routed (`matchRoutes`) into aggregation groups keyed by route and
 * group labels; each group flushes `group_wait` after it was created and then every
 * `group_interval`, running the notify pipeline (notify-pipeline.ts) with one `now`. Repeats
 * (`repeat_interval`) and the dedup window are decided at those flushes; acknowledged groups stop
 * repeating. Resolved alerts leave a group after a flush that handled them; an empty group is
 * removed. `reconfigure` (config reload) keeps the alerts and rebuilds the groups, as
 * Alertmanager does on reload; the notification log keeps receivers from hearing things twice.
 *
 * Correlation: alerts whose `group_by` labels agree share a group and a notification; with
 * `group_by: [service]` all alerts of one service raised within group_wait go out together.
 */
import type { Alert } from '../../core/alerting/alert.js';
import { isAlertResolved } from '../../core/alerting/alert.js';
import { newGroupTiming, timingAfterFlush, timingAfterInsert, type GroupTiming } from '../../core/alerting/aggregation-group.js';
import type { AlertmanagerConfig } from '../../core/alerting/alertmanager-config.js';
import { defaultDedupWindowMs } from '../../core/alerting/dedup-decision.js';
import { groupKey, groupLabelsFor, routeKey } from '../../core/alerting/group-key.js';
import { createInhibitionIndex, type InhibitionIndex } from '../../core/alerting/inhibition.js';
import type { LabelSet } from '../../core/alerting/label-matcher.js';
import type { IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { Notification } from '../../core/alerting/notification.js';
import { matchRoutes, type Route } from '../../core/alerting/route-tree.js';
import { silencesMuting, type Silence } from '../../core/alerting/silence.js';
import { createThrottle, type ThrottleSettings } from '../../core/alerting/throttle.js';
import type { NamedTimeInterval } from '../../core/alerting/time-interval.js';
import type { Clock } from '../../core/clock.js';
import type { NotificationLogRepository } from '../../adapters/store/alerting-repositories.js';
import { noRequestPriority, type RequestPriority } from '../request-priority.js';
import type { TimerHandle, Timers } from '../timers.js';
import type { AlertStatusView } from './alert-registry.js';
import { mutedByTime, runNotifyPipeline, type FlushOutcome, type IntegrationMemory, type PipelineDependencies, type SuppressionReason } from './notify-pipeline.js';

export type { SuppressionReason } from './notify-pipeline.js';

export interface DispatcherOptions {
  config: AlertmanagerConfig;
  /** The integrations of a receiver (from the notifiers: ref, send_resolved, max_alerts). */
  integrationsOf(receiver: string): readonly IntegrationTarget[];
  /** Stores notifications in the outbox; resolves once they are durable. */
  enqueue(notifications: readonly Notification[]): Promise<void>;
  notificationLog: NotificationLogRepository;
  /** Pending and active silences (the silence service's `current`). */
  silences(): readonly Silence[];
  clock: Clock;
  timers: Timers;
  /** Same firing set inside this window is notified once; default 5 minutes, 0 = off. */
  dedupWindowMs?: number;
  throttle?: ThrottleSettings;
  /** sre-monitor's external URL for dashboard links; '' = none. */
  externalUrl?: string;
  ackUrlFor?: (fingerprint: string) => string | null;
  /**
   * sre-monitor's `correlate_by`: alerts having all these labels are grouped by them alone on
   * routes without `group_by: ['...']` (see group-key.ts); default none (Alertmanager's grouping).
   */
  correlateBy?: readonly string[];
  /** Zone for time intervals without `location`; default UTC. */
  timeZone?: string;
  onError?: (error: unknown, context: string) => void;
  /** Notification log entries older than this are deleted (Alertmanager's `--data.retention`); default 120 hours. */
  logRetentionMs?: number;
  /** Called after each flush that ran the pipeline (metrics, logs, tests). */
  onFlush?: (group: { groupKey: string; receiver: string }, outcome: FlushOutcome) => void;
  /** Schedules flush turns so API requests go first (request-priority.ts); default: every turn at the end of the I/O round. */
  priority?: RequestPriority;
}

/** Flushes started per turn hold at most about this many alerts (see `runTurn`)... */
const alertsPerTurn = 64;
/** ...or this many while API requests are in flight (at least one group per turn). */
const alertsPerBusyTurn = 20;

/** A group as the API shows it. */
export interface AggregationGroupView {
  groupKey: string;
  receiver: string;
  /** Route position in the tree (`[]` = root). */
  routePosition: readonly number[];
  labels: LabelSet;
  alerts: Alert[];
  nextFlushAtMs: number;
  lastFlushAtMs: number | null;
}

export interface SuppressedCounts {
  total: Record<SuppressionReason, number>;
  byReceiver: Record<string, Record<SuppressionReason, number>>;
  /** Throttle hold-backs per key (`receiver:<name>`, `rule:<receiver>:<alertname>`). */
  throttleKeys: Record<string, number>;
}

export interface Dispatcher {
  /** Routes changed alerts into their groups (the registry's onChange listener). */
  process(alerts: readonly Alert[]): void;
  reconfigure(config: AlertmanagerConfig, throttle?: ThrottleSettings): void;
  groups(): AggregationGroupView[];
  suppressedCounts(): SuppressedCounts;
  /** Receivers, silences and inhibitions of one alert at `nowMs` (Alertmanager's alert status). */
  alertStatus(alert: Alert, nowMs?: number): AlertStatusView;
  /** Cancels the timers and waits for flushes in progress. */
  stop(): Promise<void>;
}

/** One route an alert matched and the group it joins there. */
interface GroupTarget {
  route: Route;
  labels: LabelSet;
  key: string;
  id: string;
}

interface AggregationGroup {
  id: string;
  groupKey: string;
  route: Route;
  labels: LabelSet;
  alerts: Map<string, Alert>;
  timing: GroupTiming;
  timer: TimerHandle | undefined;
  flushing: Promise<void> | undefined;
  removed: boolean;
}

const suppressionReasons: readonly SuppressionReason[] = ['inhibited', 'silenced', 'muted_by_time', 'dedup', 'throttled'];
const zeroCounts = (): Record<SuppressionReason, number> => ({ inhibited: 0, silenced: 0, muted_by_time: 0, dedup: 0, throttled: 0 });

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { clock, timers } = options;
  const priority = options.priority ?? noRequestPriority;
  const onError = options.onError ?? (() => undefined);
  const dedupWindowMs = options.dedupWindowMs ?? defaultDedupWindowMs;
  const logRetentionMs = options.logRetentionMs ?? 120 * 3600_000;
  let config = options.config;
  let timeIntervals = new Map<string, NamedTimeInterval>(config.timeIntervals.map((named) => [named.name, named]));
  const throttle = createThrottle(options.throttle);
  const groups = new Map<string, AggregationGroup>();
  /** Latest version of every alert not yet resolved: the inhibition sources. */
  const current = new Map<string, Alert>();
  const memory = new Map<string, IntegrationMemory>();
  const counts = new Map<string, Record<SuppressionReason, number>>();
  let alertsVersion = 0;
  let inhibitionCache: { nowMs: number; version: number; config: AlertmanagerConfig; index: InhibitionIndex } | undefined;
  let stopped = false;
  let lastMemoryPruneMs = -Infinity;

  const noInhibition: InhibitionIndex = { inhibitedBy: () => undefined };
  function* firingAt(nowMs: number): Iterable<Alert> {
    for (const alert of current.values()) if (!isAlertResolved(alert, nowMs)) yield alert;
  }
  /** One index per `now` and alert set: flushes at the same instant share it. */
  const inhibition = (nowMs: number): InhibitionIndex => {
    if (config.inhibitRules.length === 0) return noInhibition;
    const cached = inhibitionCache;
    if (cached !== undefined && cached.nowMs === nowMs && cached.version === alertsVersion && cached.config === config) return cached.index;
    const index = createInhibitionIndex(config.inhibitRules, firingAt(nowMs));
    inhibitionCache = { nowMs, version: alertsVersion, config, index };
    return index;
  };

  /** Route keys by route object: the tree is immutable, and routing runs per alert. */
  let routeKeys = new WeakMap<Route, string>();
  const routeKeyOf = (route: Route): string => {
    let key = routeKeys.get(route);
    if (key === undefined) {
      key = routeKey(config.route, route);
      routeKeys.set(route, key);
    }
    return key;
  };

  const pipeline: PipelineDependencies = {
    integrationsOf: (receiver) => options.integrationsOf(receiver),
    enqueue: (notifications) => options.enqueue(notifications),
    notificationLog: options.notificationLog,
    silences: () => options.silences(),
    inhibition,
    get timeIntervals() {
      return timeIntervals;
    },
    timeZone: options.timeZone ?? 'UTC',
    dedupWindowMs,
    throttle,
    externalUrl: (options.externalUrl ?? '').replace(/\/+$/, ''),
    ackUrlFor: options.ackUrlFor,
    memory,
    count(receiver, reason, amount) {
      if (amount <= 0) return;
      const perReceiver = counts.get(receiver) ?? zeroCounts();
      perReceiver[reason] += amount;
      counts.set(receiver, perReceiver);
    },
  };

  const schedule = (group: AggregationGroup): void => {
    group.timer?.cancel();
    if (group.removed || stopped) return;
    group.timer = timers.after(group.timing.nextFlushAtMs - clock.nowMs(), () => onTimer(group));
  };

  const removeGroup = (group: AggregationGroup): void => {
    group.removed = true;
    group.timer?.cancel();
    group.timer = undefined;
    if (groups.get(group.id) === group) groups.delete(group.id);
    const nowMs = clock.nowMs();
    // Forget what can no longer matter, at most once a minute: dedup-window memory, and
    // notification log entries past the retention (a live group refreshes its entries at
    // every repeat, so only forgotten groups lose theirs).
    if (nowMs - lastMemoryPruneMs < 60_000) return;
    lastMemoryPruneMs = nowMs;
    const forgetBeforeMs = nowMs - dedupWindowMs;
    for (const [key, entry] of memory) {
      if (entry.lastFiring.sentAtMs < forgetBeforeMs) memory.delete(key);
    }
    options.notificationLog.deleteOlderThan(nowMs - logRetentionMs, 10_000).catch((error: unknown) => onError(error, 'notification log clean-up'));
  };

  /** After a successful flush: resolved alerts it handled leave the group (unless they changed since). */
  const afterFlush = (group: AggregationGroup, handled: readonly Alert[], nowMs: number): void => {
    for (const alert of handled) {
      if (isAlertResolved(alert, nowMs) && group.alerts.get(alert.fingerprint) === alert) group.alerts.delete(alert.fingerprint);
    }
    if (group.alerts.size === 0) removeGroup(group);
  };

  const flush = async (group: AggregationGroup, nowMs: number): Promise<void> => {
    const alerts = [...group.alerts.values()];
    const outcome = await runNotifyPipeline({ nowMs, route: group.route, groupKey: group.groupKey, groupLabels: group.labels, alerts }, pipeline);
    afterFlush(group, alerts, nowMs);
    options.onFlush?.({ groupKey: group.groupKey, receiver: group.route.receiver }, outcome);
  };

  /**
   * Flushes that fell due, started a turn at a time. Timers that expire together all run in one
   * timers phase: 500 groups falling due at once would build and store their notifications in
   * one stretch of the event loop and hold every API request behind it (ingest p99 of 40 – 80 ms
   * against 17 ms without flushes in bench/README.md, "Alerts"). A turn starts flushes until they
   * hold `alertsPerTurn` alerts (a group's flush costs about its alert count; `alertsPerBusyTurn`
   * while requests are in flight), then hands the next turn to the request priority: the end of
   * the I/O round when nobody waits, a short pause otherwise. Each flush keeps the `now` of its timer.
   */
  const flushQueue: Array<{ group: AggregationGroup; nowMs: number; done: () => void }> = [];
  let turnScheduled = false;

  const startFlush = (group: AggregationGroup, nowMs: number): Promise<void> =>
    flush(group, nowMs).catch((error: unknown) => onError(error, `flush of group ${group.groupKey} to ${group.route.receiver}`));

  function runTurn(): void {
    turnScheduled = false;
    let alerts = 0;
    const limit = priority.busy() ? alertsPerBusyTurn : alertsPerTurn;
    while (flushQueue.length > 0 && alerts < limit) {
      const { group, nowMs, done } = flushQueue.shift() as (typeof flushQueue)[number];
      if (group.removed || stopped) {
        done();
        continue;
      }
      alerts += Math.max(1, group.alerts.size);
      void startFlush(group, nowMs).finally(done);
    }
    if (flushQueue.length > 0) scheduleTurn();
  }

  function scheduleTurn(): void {
    if (turnScheduled) return;
    turnScheduled = true;
    priority.schedule(runTurn);
  }

  function onTimer(group: AggregationGroup): void {
    group.timer = undefined;
    if (group.removed || stopped) return;
    const nowMs = clock.nowMs();
    group.timing = timingAfterFlush(group.timing, nowMs, group.route.groupIntervalMs);
    schedule(group);
    // A flush still running or waiting for its turn (a slow outbox) makes this tick wait for the next one.
    if (group.flushing !== undefined) return;
    group.flushing = new Promise<void>((resolve) => flushQueue.push({ group, nowMs, done: resolve })).finally(() => {
      group.flushing = undefined;
    });
    scheduleTurn();
  }

  /**
   * Where each alert goes: its routes and, per route, the group it joins. A fingerprint stands
   * for one label set, so this holds until the config changes; Prometheus re-sends every firing
   * alert each evaluation, and routing it through the tree again (matchers, group labels, the
   * group key's quoting) was ~10 µs per alert of the ingest path. Entries leave when their alert
   * resolves; the map is also emptied if it ever outgrows `maxRoutedAlerts`.
   */
  let routed = new Map<string, GroupTarget[]>();
  const maxRoutedAlerts = 200_000;
  const targetsOf = (alert: Alert): GroupTarget[] => {
    let targets = routed.get(alert.fingerprint);
    if (targets === undefined) {
      targets = matchRoutes(config.route, alert.labels).map((route) => {
        const labels = groupLabelsFor(route, alert.labels, options.correlateBy);
        const key = groupKey(routeKeyOf(route), labels);
        return { route, labels, key, id: `${route.position.join('.')}|${key}` };
      });
      if (routed.size >= maxRoutedAlerts) routed = new Map();
      routed.set(alert.fingerprint, targets);
    }
    return targets;
  };

  const insert = (alert: Alert, target: GroupTarget, nowMs: number): void => {
    const { route, labels, key, id } = target;
    let group = groups.get(id);
    if (group === undefined) {
      group = { id, groupKey: key, route, labels, alerts: new Map(), timing: newGroupTiming(nowMs, route.groupWaitMs), timer: undefined, flushing: undefined, removed: false };
      groups.set(id, group);
    }
    group.alerts.set(alert.fingerprint, alert);
    const before = group.timing.nextFlushAtMs;
    group.timing = timingAfterInsert(group.timing, alert.startsAtMs, route.groupWaitMs, nowMs);
    if (group.timer === undefined || group.timing.nextFlushAtMs !== before) schedule(group);
  };

  const process = (alerts: readonly Alert[]): void => {
    if (stopped) return;
    const nowMs = clock.nowMs();
    alertsVersion += 1;
    for (const alert of alerts) {
      const resolved = isAlertResolved(alert, nowMs);
      if (resolved) current.delete(alert.fingerprint);
      else current.set(alert.fingerprint, alert);
      for (const target of targetsOf(alert)) insert(alert, target, nowMs);
      if (resolved) routed.delete(alert.fingerprint);
    }
  };

  return {
    process,
    reconfigure(next, throttleSettings) {
      const held = new Map<string, Alert>(current);
      for (const group of groups.values()) {
        for (const alert of group.alerts.values()) if (!held.has(alert.fingerprint)) held.set(alert.fingerprint, alert);
        group.removed = true;
        group.timer?.cancel();
        group.timer = undefined;
      }
      groups.clear();
      config = next;
      routeKeys = new WeakMap();
      routed = new Map();
      timeIntervals = new Map(next.timeIntervals.map((named) => [named.name, named]));
      if (throttleSettings !== undefined) throttle.configure(throttleSettings);
      inhibitionCache = undefined;
      process([...held.values()]);
    },
    groups() {
      return [...groups.values()].map((group) => ({
        groupKey: group.groupKey,
        receiver: group.route.receiver,
        routePosition: group.route.position,
        labels: group.labels,
        alerts: [...group.alerts.values()],
        nextFlushAtMs: group.timing.nextFlushAtMs,
        lastFlushAtMs: group.timing.lastFlushAtMs,
      }));
    },
    suppressedCounts() {
      const total = zeroCounts();
      const byReceiver: Record<string, Record<SuppressionReason, number>> = {};
      for (const [receiver, perReceiver] of counts) {
        byReceiver[receiver] = { ...perReceiver };
        for (const reason of suppressionReasons) total[reason] += perReceiver[reason];
      }
      return { total, byReceiver, throttleKeys: throttle.suppressedCounts() };
    },
    alertStatus(alert, nowMs = clock.nowMs()) {
      const routes = matchRoutes(config.route, alert.labels);
      const inhibitedBy = isAlertResolved(alert, nowMs) ? undefined : inhibition(nowMs).inhibitedBy(alert.labels);
      return {
        receivers: routes.map((route) => route.receiver),
        silencedBy: silencesMuting(options.silences(), alert.labels, nowMs),
        inhibitedBy: inhibitedBy === undefined ? [] : [inhibitedBy],
        mutedByTimeInterval: routes.length > 0 && routes.every((route) => mutedByTime(route, timeIntervals, nowMs, pipeline.timeZone)),
      };
    },
    async stop() {
      stopped = true;
      const flushing: Array<Promise<void>> = [];
      for (const group of groups.values()) {
        group.timer?.cancel();
        group.timer = undefined;
        if (group.flushing !== undefined) flushing.push(group.flushing);
      }
      await Promise.all(flushing);
    },
  };
}
