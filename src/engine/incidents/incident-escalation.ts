/**
 * Escalation of incidents with the one escalation mechanism (src/engine/escalation): an incident
 * opening (or reopening, when nobody acknowledged it) starts the policy its severity names
 * (`incidents.severities[].escalation_policy`, else `alerting.severity_policies`); acknowledging
 * or resolving it stops it; a severity change of an unacknowledged incident switches to the new
 * severity's policy. Each level that fires is an `escalated` timeline entry, and its targets get
 * the incident notice (with signed acknowledge and resolve links) through the outbox. Receivers
 * are notified directly; people and schedules go through `resolveTargetReceivers` (on-call
 * schedules), and without it are reported through `onError` instead of crashing the chain.
 */
import { describeTarget, type EscalationTarget } from '../../core/escalation/escalation-policy.js';
import type { EscalationSubject } from '../../core/escalation/escalation-state.js';
import type { Incident } from '../../core/incidents/incident.js';
import { escalationPolicyFor, findSeverity } from '../../core/incidents/severity-scale.js';
import type { IncidentSettings } from '../../config/incidents-section.js';
import type { EscalationRunner, EscalationStep } from '../escalation/escalation-runner.js';
import type { IncidentNotifier } from './incident-notifications.js';
import type { IncidentLifecycleListener } from './incident-service.js';
import type { IncidentTimelineWriter } from './incident-ports.js';

export interface IncidentEscalationContext {
  incidentId: string;
}

export const incidentSubjectKind = 'incident';

export interface IncidentEscalationOptions {
  runner: EscalationRunner<IncidentEscalationContext>;
  settings: () => IncidentSettings;
  /** `alerting.severity_policies`. */
  severityPolicies: () => Readonly<Record<string, string>>;
  incidents: { get(id: string): Promise<Incident | null> };
  timeline: IncidentTimelineWriter;
  notifier: IncidentNotifier;
  /** Receivers for a person or schedule target at `atMs` (on-call schedules provide it). */
  resolveTargetReceivers?: (target: EscalationTarget, atMs: number) => string[];
  onError: (error: unknown, context: string) => void;
}

export interface IncidentEscalation extends IncidentLifecycleListener {
  /** The runner's `notify`. */
  notify(target: EscalationTarget, subject: EscalationSubject, step: EscalationStep, context: IncidentEscalationContext): Promise<void>;
  /** The runner's `onFired`: one `escalated` entry per level. */
  fired(subject: EscalationSubject, firing: { level: number; round: number; policy: string; targets: EscalationTarget[]; dueAtMs: number }): void;
}

export function createIncidentEscalation(options: IncidentEscalationOptions): IncidentEscalation {
  const subjectOf = (incident: Pick<Incident, 'id'>): EscalationSubject => ({ kind: incidentSubjectKind, id: incident.id });
  const policyOf = (incident: Incident): string | undefined => {
    const level = findSeverity(options.settings().severities, incident.severity);
    return level === undefined ? undefined : escalationPolicyFor(level, options.severityPolicies());
  };
  const start = async (incident: Incident) => {
    if (incident.status === 'resolved' || incident.acknowledgedAtMs !== null) return;
    const policy = policyOf(incident);
    if (policy !== undefined) await options.runner.start(subjectOf(incident), policy, { incidentId: incident.id });
  };

  return {
    opened: start,
    // A reopened incident nobody acknowledged escalates again from level 1.
    reopened: start,
    async acknowledged(incident) {
      await options.runner.acknowledge(subjectOf(incident), incident.acknowledgedBy ?? 'unknown');
    },
    async resolved(incident) {
      await options.runner.resolve(subjectOf(incident));
    },
    async severityChanged(incident) {
      const held = options.runner.get(subjectOf(incident));
      const policy = policyOf(incident);
      if (held !== undefined && (held.status !== 'active' || held.policy === policy)) return;
      if (held !== undefined) await options.runner.resolve(subjectOf(incident));
      await start(incident);
    },

    fired(subject, firing) {
      const names = firing.targets.map((target) => {
        const { kind, name } = describeTarget(target);
        return kind === 'receiver' ? name : `${kind} ${name}`;
      });
      options.timeline
        .append(subject.id, {
          actor: 'sre-monitor',
          kind: 'escalated',
          message: `escalated to level ${firing.level + 1}${firing.round > 0 ? ` (repeat ${firing.round})` : ''} of policy ${firing.policy}: ${names.join(', ')}`,
          data: { policy: firing.policy, level: firing.level, round: firing.round, targets: firing.targets, dueAtMs: firing.dueAtMs },
        })
        .catch((error: unknown) => options.onError(error, `recording escalation of ${subject.id}`));
    },

    async notify(target, subject, step) {
      const incident = await options.incidents.get(subject.id);
      if (incident === null) throw new Error(`escalation of incident ${subject.id}: the incident no longer exists; nothing sent`);
      let receivers: string[];
      if ('receiver' in target) receivers = [target.receiver];
      else if (options.resolveTargetReceivers !== undefined) receivers = options.resolveTargetReceivers(target, step.dueAtMs);
      else {
        const { kind, name } = describeTarget(target);
        throw new Error(`escalation of incident ${incident.id}: target ${kind} '${name}' needs on-call schedules and people, which are not wired; nothing sent to it`);
      }
      if (receivers.length === 0) return;
      const level = findSeverity(options.settings().severities, incident.severity);
      const links = options.notifier.links(incident);
      const text = [
        `${incident.id} [${incident.severity}] ${incident.title}`,
        `Not acknowledged: escalation level ${step.level + 1}${step.round > 0 ? ` (repeat ${step.round})` : ''} of policy ${step.policy}.`,
        `Severity: ${incident.severity}${level === undefined || level.description === '' ? '' : ` (${level.description})`}`,
        `Status: ${incident.status}; services: ${incident.services.join(', ') || '-'}; started ${new Date(incident.startedAtMs).toISOString()}`,
        `Details: ${links.url}`,
        ...(links.ackUrl === '' ? [] : [`Acknowledge: ${links.ackUrl}`, `Resolve: ${links.resolveUrl}`]),
      ].join('\n');
      await options.notifier.send(incident, receivers, { kind: 'escalation', summary: `ESCALATION ${incident.id} [${incident.severity}]: ${incident.title}`, text, idempotencyKey: step.idempotencyKey });
    },
  };
}
