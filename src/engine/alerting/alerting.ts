/**
 * src/engine/alerting: the alerting pipeline, assembled. Alerts enter through one sink (rules,
 * SLO burn-rate transitions, monitors, people, a Prometheus posting to /api/v2/alerts), are
 * stored by the registry, routed by the dispatcher into aggregation groups, pass inhibition,
 * time intervals, silences, dedup and throttling, and leave as notifications stored in the
 * outbox, which delivers them with retries, breakers and a dead-letter list. Groups with a
 * severity policy escalate until acknowledged; a receiver that keeps failing raises the
 * meta-alert `ReceiverFailing` and is reported to the fallback receiver.
 */
import type { AlertmanagerConfig } from '../../core/alerting/alertmanager-config.js';
import type { ConfigPathProblem } from '../../core/alerting/config-reader.js';
import type { IntegrationRef, Notification, Notifier } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import type { EscalationTarget } from '../../core/escalation/escalation-policy.js';
import { ValidationError } from '../../core/errors.js';
import { formatPath } from '../../core/validation/field-path.js';
import type { Store } from '../../adapters/store/store.js';
import type { AlertingSettings } from '../../config/runtime-config.js';
import type { EventBus } from '../event-bus.js';
import { noRequestPriority, type RequestPriority } from '../request-priority.js';
import type { Timers } from '../timers.js';
import { createRetentionJob, type RetentionJob } from '../retention-job.js';
import { createEscalationRunner, type EscalationRunner } from '../escalation/escalation-runner.js';
import { typedEscalationStore } from '../escalation/typed-escalation-store.js';
import { createAckLinks, type AckLinks } from './ack-links.js';
import { createAlertRegistry, type AlertRegistry } from './alert-registry.js';
import { createDispatcher, type Dispatcher } from './dispatcher.js';
import { createNotificationLogMemory } from './notification-log-memory.js';
import { createFlushWrites, flushCommitSchedule } from './flush-writes.js';
import { createGroupEscalation, type GroupEscalation, type GroupEscalationContext } from './group-escalation.js';
import { createOutboxDelivery, type OutboxDelivery } from './outbox-delivery.js';
import { createRuleEvaluator, type RuleEvaluator, type RuleSampleSources } from './rules/index.js';
import { createSilenceService, type SilenceService } from './silence-service.js';
import { createReceiverHealthAlerts } from './receiver-health-alerts.js';

/** One integration of a receiver as the notifiers build it (adapters/notifiers fits). */
export interface BuiltIntegration {
  ref: IntegrationRef;
  notifier: Notifier;
  sendResolved: boolean;
  maxAlerts: number;
}

export type NotifierBuilder = (config: AlertmanagerConfig) => { integrations: Map<string, BuiltIntegration[]>; problems: ConfigPathProblem[] };

export interface AlertingOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  timers: Timers;
  settings: AlertingSettings;
  buildNotifiers: NotifierBuilder;
  ruleSources: RuleSampleSources;
  onError: (error: unknown, context: string) => void;
  onRuleHealth?: (rule: string, health: string, lastError: string | null) => void;
  /** Receivers of `{person}` / `{schedule}` escalation targets (src/engine/oncall/escalation-targets.ts). */
  resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[];
  /** API requests in flight go before flush turns (request-priority.ts); default none. */
  priority?: RequestPriority;
}

export interface Alerting {
  registry: AlertRegistry;
  silences: SilenceService;
  dispatcher: Dispatcher;
  delivery: OutboxDelivery;
  rules: RuleEvaluator;
  escalation: EscalationRunner<GroupEscalationContext>;
  groupEscalation: GroupEscalation;
  ackLinks: AckLinks | null;
  settings(): AlertingSettings;
  receivers(): string[];
  /** A receiver's integrations (for notifications sent outside the routing tree, e.g. incidents). */
  integrationsOf(receiver: string): readonly BuiltIntegration[];
  /** Stores notifications in the outbox (durable when it resolves) and wakes delivery. */
  enqueue(notifications: readonly Notification[]): Promise<void>;
  /** Restores stored alerts and silences, then starts every loop. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A reloaded config: new routing, receivers, rules, throttles and policies; alerts and silences stay. */
  reconfigure(settings: AlertingSettings): Promise<void>;
}

/** Throws a ValidationError naming each bad receiver setting (the loader reports them with lines first). */
function buildOrThrow(build: NotifierBuilder, config: AlertmanagerConfig): Map<string, BuiltIntegration[]> {
  const built = build(config);
  if (built.problems.length > 0) throw new ValidationError(built.problems.map((problem) => ({ field: formatPath(problem.path), message: problem.message })));
  return built.integrations;
}

/** Flush writes wait this long for company while API requests are in flight or the delivery has `flushCommitBacklog` heads queued (flushCommitSchedule). */
const flushCommitBusyPauseMs = 25;
const flushCommitBacklog = 256;

export function createAlerting(options: AlertingOptions): Alerting {
  const { store, bus, clock, timers, onError } = options;
  const priority = options.priority ?? noRequestPriority;
  let settings = options.settings;
  let integrations = buildOrThrow(options.buildNotifiers, settings.alertmanager);
  const integrationsOf = (receiver: string) => integrations.get(receiver) ?? [];
  const report = (context: string) => (error: unknown) => onError(error, context);

  const ackLinks = settings.ackLinks.secret === null ? null : createAckLinks({ secret: settings.ackLinks.secret, externalUrl: settings.externalUrl, clock, ttlMs: settings.ackLinks.ttlMs });
  const ackUrlFor = ackLinks === null ? undefined : (fingerprint: string) => ackLinks.urlFor({ kind: 'alert', id: fingerprint }, 'acknowledge');

  const registry = createAlertRegistry({ repository: store.alerts, bus, clock, timers, resolveTimeoutMs: settings.resolveTimeoutMs, retainResolvedMs: settings.retentionMs, onError });
  const silences = createSilenceService({ repository: store.silences, bus, clock, timers, onError });

  // Built below; the callbacks that use them run only after start().
  const late: { delivery?: OutboxDelivery; groupEscalation?: GroupEscalation } = {};
  const flushWrites = createFlushWrites({
    transaction: (work) => store.transaction(work),
    outbox: store.outbox,
    notificationLog: store.notificationLog,
    clock,
    // Heads of their group go straight to the delivery, which would otherwise read them back.
    onEnqueued: (enqueued) => late.delivery?.offer(enqueued),
    schedule: flushCommitSchedule({ priority, backlog: () => late.delivery?.backlog() ?? 0, pauseMs: flushCommitBusyPauseMs, backlogToWait: flushCommitBacklog }),
  });
  // Flushes read the log from memory; its writes still group-commit through flushWrites.
  const notificationLog = createNotificationLogMemory(flushWrites.notificationLog);
  // The delivery learns of what was stored through onEnqueued's offer (heads and count).
  const enqueue = (notifications: readonly Notification[]): Promise<void> => flushWrites.enqueue(notifications);

  const dispatcher = createDispatcher({
    config: settings.alertmanager,
    integrationsOf,
    enqueue,
    notificationLog,
    silences: () => silences.current(),
    clock,
    timers,
    dedupWindowMs: settings.dedupWindowMs,
    throttle: settings.throttle,
    externalUrl: settings.externalUrl,
    ackUrlFor,
    onError,
    onFlush: () => void late.groupEscalation?.sync(),
    priority,
  });
  registry.setStatusProvider((alert, nowMs) => dispatcher.alertStatus(alert, nowMs));
  registry.onChange((alerts) => {
    dispatcher.process(alerts);
    void late.groupEscalation?.sync();
  });
  silences.onChange(() => dispatcher.process(registry.list({ state: 'firing' })));

  const escalation: EscalationRunner<GroupEscalationContext> = createEscalationRunner<GroupEscalationContext>({
    clock,
    timers,
    policies: settings.escalation.policies,
    store: typedEscalationStore<GroupEscalationContext>(store.escalations, 'alert-group'),
    notify: (target, subject, step, context) => (late.groupEscalation as GroupEscalation).notify(target, subject, step, context),
    onFired: (subject, firing, context) => bus.publish('alert.escalated', { groupKey: context.groupKey, receiver: context.receiver, policy: firing.policy, level: firing.level, round: firing.round }),
    onError: (error) => onError(error, 'escalating an alert group'),
  });
  const groupEscalation = createGroupEscalation({
    runner: escalation,
    clock,
    severityPolicies: () => settings.escalation.severityPolicies,
    groups: () => dispatcher.groups(),
    integrationsOf,
    enqueue,
    externalUrl: settings.externalUrl,
    ackUrlFor,
    onError,
    resolveTargetReceivers: options.resolveTargetReceivers,
  });

  const receiverHealth = createReceiverHealthAlerts({ sink: registry.sink, clock, integrationsOf, enqueue, fallbackReceiver: () => settings.notifications.fallbackReceiver, externalUrl: () => settings.externalUrl });
  const notifications = settings.notifications;
  const delivery = createOutboxDelivery({
    outbox: store.outbox,
    notifierFor: (ref) => integrationsOf(ref.receiver).find((integration) => integration.ref.key === ref.key && integration.ref.index === ref.index)?.notifier,
    clock,
    timers,
    maxAgeMs: notifications.maxAgeMs,
    initialBackoffMs: notifications.initialBackoffMs,
    maxBackoffMs: notifications.maxBackoffMs,
    timeoutMs: notifications.timeoutMs,
    concurrency: notifications.concurrency,
    breaker: { failureThreshold: notifications.breakerFailures, openForMs: notifications.breakerOpenForMs },
    // Outcomes commit without waiting for the disk (decision 26): one lost after a power cut means one resend with the same key.
    transaction: (work) => store.transaction((repositories) => work(repositories.outbox), { durability: 'relaxed' }),
    onDead: (item, reason, error) => bus.publish('notification.dead', { id: item.id, receiver: item.notification.integration.receiver, reason, error }),
    onReceiverHealth: (receiver, failing, lastError) => {
      bus.publish(failing ? 'receiver.failing' : 'receiver.recovered', { receiver, error: lastError });
      receiverHealth.report(receiver, failing, lastError).catch(report('raising the ReceiverFailing meta-alert'));
    },
    onError: report('delivering notifications'),
  });
  Object.assign(late, { delivery, groupEscalation });

  const rules = createRuleEvaluator({
    rules: settings.rules,
    forState: {
      all: () => store.ruleForStates.all(),
      replace: (ruleKeys, rows) => store.ruleForStates.replace(ruleKeys, rows),
    },
    sources: options.ruleSources,
    sink: registry.sink,
    clock,
    timers,
    externalUrl: settings.externalUrl,
    generatorUrlOf: (spec) => `${settings.externalUrl}/api/v1/rules?rule_name[]=${encodeURIComponent(spec.name)}`,
    onRuleHealth: options.onRuleHealth,
    onError,
  });

  const retention: RetentionJob = createRetentionJob({
    clock,
    timers,
    onError: report('deleting old alerting data'),
    tasks: [
      { name: 'notifications', deleteBatch: (nowMs, limit) => store.outbox.deleteFinishedBefore(nowMs - settings.notifications.retentionMs, limit) },
      { name: 'notification log', deleteBatch: (nowMs, limit) => notificationLog.deleteOlderThan(nowMs - Math.max(settings.retentionMs, 86_400_000), limit) },
      { name: 'silences', deleteBatch: (nowMs, limit) => store.silences.deleteExpiredBefore(nowMs - settings.retentionMs, limit) },
    ],
  });

  return {
    registry,
    silences,
    dispatcher,
    delivery,
    rules,
    escalation,
    groupEscalation,
    ackLinks,
    settings: () => settings,
    receivers: () => settings.alertmanager.receivers.map((receiver) => receiver.name),
    integrationsOf,
    enqueue,
    async start() {
      await silences.load();
      await registry.restore();
      silences.start();
      registry.start();
      await escalation.restore();
      await notificationLog.load();
      // Groups form again from the stored alerts; the notification log keeps them from re-sending.
      dispatcher.process(registry.list());
      delivery.start();
      await rules.restoreForState();
      rules.start();
      retention.start();
    },
    async stop() {
      await rules.stop();
      await retention.stop();
      await dispatcher.stop();
      await escalation.stop();
      await delivery.stop();
      await registry.stop();
      silences.stop();
    },
    async reconfigure(next) {
      integrations = buildOrThrow(options.buildNotifiers, next.alertmanager);
      settings = next;
      dispatcher.reconfigure(next.alertmanager, next.throttle);
      rules.reconfigure(next.rules);
      await escalation.reconfigure(next.escalation.policies);
      delivery.kick();
    },
  };
}
