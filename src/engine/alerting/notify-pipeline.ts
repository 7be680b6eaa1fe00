/**
 * One flush of one aggregation group to its receiver, in Alertmanager's stage order, with one
 * `now` for every stage: inhibition -> time intervals (the route's active and mute intervals)
 * -> silences -> per integration: dedup (notification log) -> throttle -> build -> enqueue (the
 * outbox; resolves once durable) -> notification log. A stage that leaves no alerts ends the
 * flush, as Alertmanager's MultiStage does, so a muted group neither notifies nor touches the
 * log. Stages talk through typed values, not a context bag.
 */
import type { Alert } from '../../core/alerting/alert.js';
import { partitionAlerts } from '../../core/alerting/aggregation-group.js';
import { needsUpdate, shouldNotify, type DedupReason } from '../../core/alerting/dedup-decision.js';
import type { InhibitionIndex } from '../../core/alerting/inhibition.js';
import type { LabelSet } from '../../core/alerting/label-matcher.js';
import { buildNotification, type IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { IntegrationRef, Notification } from '../../core/alerting/notification.js';
import type { Route } from '../../core/alerting/route-tree.js';
import { silencesMuting, type Silence } from '../../core/alerting/silence.js';
import type { Throttle, ThrottleRequest } from '../../core/alerting/throttle.js';
import { namedTimeIntervalContains, type NamedTimeInterval } from '../../core/alerting/time-interval.js';
import type { NotificationLogEntry, NotificationLogRepository } from '../../adapters/store/alerting-repositories.js';

/** Why the pipeline held something back; counted per receiver. */
export type SuppressionReason = 'inhibited' | 'silenced' | 'muted_by_time' | 'dedup' | 'throttled';

/** What sre-monitor remembers per integration and group beyond the notification log (in memory, for the dedup window). */
export interface IntegrationMemory {
  lastFiring: { fingerprints: string[]; sentAtMs: number };
}

export interface FlushInput {
  nowMs: number;
  route: Route;
  groupKey: string;
  groupLabels: LabelSet;
  alerts: readonly Alert[];
}

export interface PipelineDependencies {
  integrationsOf(receiver: string): readonly IntegrationTarget[];
  enqueue(notifications: readonly Notification[]): Promise<void>;
  notificationLog: NotificationLogRepository;
  silences(): readonly Silence[];
  inhibition(nowMs: number): InhibitionIndex;
  timeIntervals: ReadonlyMap<string, NamedTimeInterval>;
  timeZone: string;
  dedupWindowMs: number;
  throttle: Throttle;
  externalUrl: string;
  ackUrlFor?: (fingerprint: string) => string | null;
  memory: Map<string, IntegrationMemory>;
  count(receiver: string, reason: SuppressionReason, amount: number): void;
}

export interface FlushOutcome {
  /** Notifications enqueued by this flush. */
  notifications: Notification[];
  /** Why each integration was or was not notified, by `receiver/key/index`. */
  reasons: Record<string, DedupReason | 'throttled'>;
}

export function integrationId(ref: IntegrationRef): string {
  return `${ref.receiver}/${ref.key}/${ref.index}`;
}

/** Whether the route's time intervals mute it at `nowMs` (mute intervals, or outside all active ones). */
export function mutedByTime(route: Pick<Route, 'muteTimeIntervals' | 'activeTimeIntervals'>, intervals: ReadonlyMap<string, NamedTimeInterval>, nowMs: number, timeZone: string): boolean {
  const contains = (name: string) => {
    const named = intervals.get(name);
    return named !== undefined && namedTimeIntervalContains(named, nowMs, timeZone);
  };
  if (route.muteTimeIntervals.some(contains)) return true;
  return route.activeTimeIntervals.length > 0 && !route.activeTimeIntervals.some(contains);
}

/** Inhibition, time intervals and silences: the alerts left to notify about. */
function muteStages(input: FlushInput, deps: PipelineDependencies): Alert[] {
  const receiver = input.route.receiver;
  const index = deps.inhibition(input.nowMs);
  const afterInhibition = input.alerts.filter((alert) => index.inhibitedBy(alert.labels) === undefined);
  deps.count(receiver, 'inhibited', input.alerts.length - afterInhibition.length);
  if (afterInhibition.length === 0) return [];
  if (mutedByTime(input.route, deps.timeIntervals, input.nowMs, deps.timeZone)) {
    deps.count(receiver, 'muted_by_time', afterInhibition.length);
    return [];
  }
  const silences = deps.silences();
  const kept = silences.length === 0 ? afterInhibition : afterInhibition.filter((alert) => silencesMuting(silences, alert.labels, input.nowMs).length === 0);
  deps.count(receiver, 'silenced', afterInhibition.length - kept.length);
  return kept;
}

interface IntegrationDecision {
  integration: IntegrationTarget;
  entry: NotificationLogEntry | undefined;
  reason: DedupReason | 'throttled';
}

const firingReasons = new Set<DedupReason | 'throttled'>(['first', 'new_firing', 'repeat_elapsed']);

/** Dedup per integration, then the receiver's throttle for the sends that page about firing alerts. */
async function decide(input: FlushInput, firing: Alert[], resolved: Alert[], deps: PipelineDependencies): Promise<{ decisions: IntegrationDecision[]; throttleRequest: ThrottleRequest | undefined }> {
  const receiver = input.route.receiver;
  const firingSet = new Set(firing.map((alert) => alert.fingerprint));
  const resolvedSet = new Set(resolved.map((alert) => alert.fingerprint));
  const acknowledged = firing.length > 0 && firing.every((alert) => alert.acknowledgedAtMs !== null);
  const lastAcknowledgedAtMs = acknowledged ? firing.reduce((latest, alert) => Math.max(latest, alert.acknowledgedAtMs ?? 0), 0) : undefined;
  const integrations = deps.integrationsOf(receiver);
  const entries = await Promise.all(integrations.map((integration) => deps.notificationLog.get(integration.ref, input.groupKey)));
  const decisions: IntegrationDecision[] = integrations.map((integration, index) => {
    const entry = entries[index];
    const memory = deps.memory.get(`${integrationId(integration.ref)}|${input.groupKey}`);
    const reason = needsUpdate({
      entry, firing: firingSet, resolved: resolvedSet, repeatIntervalMs: input.route.repeatIntervalMs, nowMs: input.nowMs,
      sendResolved: integration.sendResolved, dedupWindowMs: deps.dedupWindowMs, lastFiring: memory?.lastFiring,
      acknowledged, lastAcknowledgedAtMs,
    });
    return { integration, entry, reason };
  });
  deps.count(receiver, 'dedup', decisions.filter((decision) => decision.reason === 'dedup_window').length);
  const paging = decisions.filter((decision) => firingReasons.has(decision.reason));
  if (paging.length === 0) return { decisions, throttleRequest: undefined };
  const request = { receiver, alertnames: [...new Set(firing.map((alert) => alert.labels.alertname ?? ''))] };
  if (deps.throttle.check(request, input.nowMs).allowed) return { decisions, throttleRequest: request };
  for (const decision of paging) decision.reason = 'throttled';
  deps.count(receiver, 'throttled', paging.length);
  return { decisions, throttleRequest: undefined };
}

/**
 * Runs the stages for one flush. Resolves once the notifications are durable in the outbox and
 * the log is written; rejects when either failed (the group keeps its alerts and tries again).
 */
export async function runNotifyPipeline(input: FlushInput, deps: PipelineDependencies): Promise<FlushOutcome> {
  const kept = muteStages(input, deps);
  if (kept.length === 0) return { notifications: [], reasons: {} };
  const { firing, resolved } = partitionAlerts(kept, input.nowMs);
  const { decisions, throttleRequest } = await decide(input, firing, resolved, deps);
  const sending = decisions.filter((decision) => decision.reason !== 'throttled' && shouldNotify(decision.reason));
  const notifications: Notification[] = [];
  for (const { integration, entry } of sending) {
    const notification = buildNotification({
      integration, groupKey: input.groupKey, groupLabels: input.groupLabels, firing, resolved, nowMs: input.nowMs,
      flushSequence: entry?.sentAtMs ?? 0, externalUrl: deps.externalUrl, ackUrlFor: deps.ackUrlFor,
    });
    if (notification !== undefined) notifications.push(notification);
  }
  if (notifications.length > 0) await deps.enqueue(notifications);
  // Only a send that is stored uses up the throttle's quota.
  if (throttleRequest !== undefined) deps.throttle.record(throttleRequest, input.nowMs);
  const firingFingerprints = firing.map((alert) => alert.fingerprint).sort();
  const resolvedFingerprints = resolved.map((alert) => alert.fingerprint).sort();
  await Promise.all(sending.map(({ integration }) =>
    deps.notificationLog.upsert({ integration: integration.ref, groupKey: input.groupKey, firingFingerprints, resolvedFingerprints, sentAtMs: input.nowMs }),
  ));
  if (firing.length > 0) {
    for (const { integration } of sending) {
      deps.memory.set(`${integrationId(integration.ref)}|${input.groupKey}`, { lastFiring: { fingerprints: firingFingerprints, sentAtMs: input.nowMs } });
    }
  }
  return { notifications, reasons: Object.fromEntries(decisions.map((decision) => [integrationId(decision.integration.ref), decision.reason])) };
}
