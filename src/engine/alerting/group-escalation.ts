/**
 * Escalation of alert groups (seed 000: a P1 not acknowledged within 15 minutes goes to the next
 * level, e.g. PagerDuty). A group whose firing alerts carry a severity that `severity_policies`
 * maps to a policy starts escalating when its first notification is enqueued; acknowledging
 * every firing alert of the group stops it; a group whose alerts all resolved ends it. Each
 * level's receivers get the group's current alerts through the outbox, with the level's stable
 * idempotency key, so a level re-fired after a crash is recognisable.
 */
import type { Alert } from '../../core/alerting/alert.js';
import type { IntegrationTarget } from '../../core/alerting/notification-builder.js';
import type { Notification } from '../../core/alerting/notification.js';
import type { Clock } from '../../core/clock.js';
import { policyNameForSeverity, type EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { EscalationSubject } from '../../core/escalation/escalation-state.js';
import type { EscalationRunner, EscalationStep } from '../escalation/escalation-runner.js';
import type { AggregationGroupView } from './dispatcher.js';
import { directNotifications } from './direct-notifications.js';

export interface GroupEscalationContext {
  groupKey: string;
  receiver: string;
}

export interface GroupEscalationOptions {
  runner: EscalationRunner<GroupEscalationContext>;
  clock: Clock;
  /** Severity label -> policy name (`alerting.severity_policies`). */
  severityPolicies: () => Readonly<Record<string, string>>;
  groups: () => readonly AggregationGroupView[];
  integrationsOf: (receiver: string) => readonly IntegrationTarget[];
  enqueue: (notifications: readonly Notification[]) => Promise<void>;
  externalUrl: string;
  ackUrlFor?: (fingerprint: string) => string | null;
  onError?: (error: unknown, context: string) => void;
  /**
   * Receivers of a `{person}` or `{schedule}` target at the instant its level fires
   * (src/engine/oncall/escalation-targets.ts); without it such targets are an error.
   */
  resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[];
}

export interface GroupEscalation {
  /** Looks at every group again: starts, acknowledges or resolves escalations as their alerts say. */
  sync(): Promise<void>;
  /** The `notify` of the escalation runner. */
  notify(target: EscalationTarget, subject: EscalationSubject, step: EscalationStep, context: GroupEscalationContext): Promise<void>;
}

const severityRank = ['p1', 'critical', 'p2', 'high', 'p3', 'medium', 'warning', 'p4', 'low', 'p5', 'info'];
const rankOf = (severity: string): number => {
  const index = severityRank.indexOf(severity.toLowerCase());
  return index < 0 ? severityRank.length : index;
};

/** The policy for the most severe firing alert that has one. */
export function policyForAlerts(alerts: readonly Alert[], mapping: Readonly<Record<string, string>>): string | undefined {
  const severities = [...new Set(alerts.map((alert) => alert.labels.severity ?? ''))].sort((a, b) => rankOf(a) - rankOf(b));
  for (const severity of severities) {
    const policy = policyNameForSeverity(mapping, severity === '' ? undefined : severity);
    if (policy !== undefined) return policy;
  }
  return undefined;
}

export function createGroupEscalation(options: GroupEscalationOptions): GroupEscalation {
  const subjectOf = (groupKey: string): EscalationSubject => ({ kind: 'alert-group', id: groupKey });
  let syncing: Promise<void> = Promise.resolve();
  let queued = false;

  const syncOnce = async (): Promise<void> => {
    const nowMs = options.clock.nowMs();
    const mapping = options.severityPolicies();
    const live = new Set<string>();
    for (const group of options.groups()) {
      const firing = group.alerts.filter((alert) => alert.endsAtMs > nowMs);
      const subject = subjectOf(group.groupKey);
      if (firing.length === 0) continue;
      live.add(group.groupKey);
      const held = options.runner.get(subject);
      if (firing.every((alert) => alert.acknowledgedAtMs !== null)) {
        if (held !== undefined && held.status === 'active') await options.runner.acknowledge(subject, firing[0]?.acknowledgedBy ?? 'unknown');
        continue;
      }
      // Started once the group has been notified, so level 0 never races the first flush.
      if (held === undefined && group.lastFlushAtMs !== null) {
        const policy = policyForAlerts(firing, mapping);
        if (policy !== undefined) await options.runner.start(subject, policy, { groupKey: group.groupKey, receiver: group.receiver });
      }
    }
    for (const view of options.runner.active()) {
      if (view.subject.kind === 'alert-group' && !live.has(view.subject.id)) await options.runner.resolve(view.subject);
    }
  };

  return {
    sync() {
      // Without severity policies and running escalations there is nothing to look at; and a
      // sync already waiting to run covers every change made before it runs (one pass, not N).
      if (Object.keys(options.severityPolicies()).length === 0 && options.runner.active().length === 0) return syncing;
      if (queued) return syncing;
      queued = true;
      syncing = syncing
        .then(() => {
          queued = false;
          return syncOnce();
        })
        .catch((error: unknown) => options.onError?.(error, 'syncing alert group escalations'));
      return syncing;
    },
    async notify(target, _subject, step, context) {
      const nowMs = options.clock.nowMs();
      const receivers = 'receiver' in target ? [target.receiver] : options.resolveTargetReceivers?.(target, nowMs);
      if (receivers === undefined) throw new Error(`escalation target ${JSON.stringify(target)} needs on-call schedules and people, which are not configured`);
      // Nobody reachable (no one on call): the resolver has said why; the chain goes on.
      if (receivers.length === 0) return;
      // Groups are rebuilt from the restored alerts before escalations are restored (see
      // alerting.ts start()); a group missing here has really gone, so there is nothing to send.
      const group = options.groups().find((candidate) => candidate.groupKey === context.groupKey);
      if (group === undefined) {
        options.onError?.(new Error(`escalation level ${step.level} of ${context.groupKey}: the group no longer exists; nothing sent`), 'escalating an alert group');
        return;
      }
      const firing = group.alerts.filter((alert) => alert.endsAtMs > nowMs);
      const notifications = receivers.flatMap((receiver) =>
        directNotifications({
          integrations: options.integrationsOf(receiver),
          groupKey: `${context.groupKey}/escalation`,
          groupLabels: group.labels,
          firing,
          resolved: [],
          nowMs,
          flushSequence: 0,
          externalUrl: options.externalUrl,
          ackUrlFor: options.ackUrlFor,
          idempotencyKeyOf: (integration) => `${step.idempotencyKey}/${integration.ref.receiver}/${integration.ref.key}/${integration.ref.index}`,
        }),
      );
      if (notifications.length > 0) await options.enqueue(notifications);

    },
  };
}
