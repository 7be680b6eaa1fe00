/**
 * Every state change in sre-monitor is a typed domain event. The map below is the one list of
 * event types and their payloads; later features add their entries here so `/ws` subscribers
 * and the dashboard can rely on the shapes.
 */
import type { AlertSource } from '../alerting/alert.js';
import type { Role } from '../auth/roles.js';
import type { BreakerStatus } from '../monitors/circuit-breaker.js';
import type { MonitorKind } from '../monitors/monitor.js';
import type { MonitorStatus, MonitorTransitionCause } from '../monitors/monitor-status.js';
import type { Service } from '../services/service.js';

/** A monitor's status changed (`monitor.down`, `monitor.up`, ...); `reason` says why in words. */
export interface MonitorStatusEvent {
  monitor: string;
  service: string;
  kind: MonitorKind;
  from: MonitorStatus;
  to: MonitorStatus;
  reason: string;
  cause: MonitorTransitionCause;
  /** Message of the latest check. */
  message: string;
}

/** A circuit breaker moved; `name` is the monitor's name for monitor breakers. */
export interface BreakerEvent {
  name: string;
  monitor: string;
  service: string;
  from: BreakerStatus;
  to: BreakerStatus;
  reason: string;
  consecutiveFailures: number;
}

/** A burn-rate alert of an SLO started or stopped firing (routed by the alerting pipeline). */
export interface SloAlertEvent {
  /** alertname=SLOBurnRate, slo, service, severity, plus the SLO's own labels. */
  labels: Record<string, string>;
  slo: string;
  service: string;
  severity: 'page' | 'ticket';
  conditions: Array<{ long_window_ms: number; short_window_ms: number; factor: number }>;
  budgetRemainingRatio: number;
}

/** A monitor was created, changed or deleted (the API shape lives in the HTTP layer). */
export interface MonitorChangeEvent {
  monitor: string;
  service: string;
  kind: MonitorKind;
  source: 'config' | 'api';
}

/** An alert started firing, resolved or was acknowledged (`alert.*`). Times are RFC 3339 UTC. */
export interface AlertEvent {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: 'firing' | 'resolved';
  source: AlertSource;
  startsAt: string;
  /** When it resolved (resolved), or until when it holds unless refreshed (firing). */
  endsAt: string;
  /** `sender`: the sender set the end; `timeout`: not refreshed within the resolve timeout. */
  resolvedBy: 'sender' | 'timeout' | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

/** A silence was created, changed or expired (`silence.*`). Times are RFC 3339 UTC. */
export interface SilenceEvent {
  id: string;
  /** As Alertmanager prints them: `team="db"`, `severity=~"warn|info"`. */
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** An incident was opened or changed (`incident.*`). Times are RFC 3339 UTC. */
export interface IncidentEvent {
  id: string;
  title: string;
  severity: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  services: string[];
  startedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** Who made the change (a person or token name, `ack-link`, or `sre-monitor`). */
  actor: string;
}

/** One entry appended to an incident's timeline (`incident.timeline`). */
export interface IncidentTimelineEvent {
  incidentId: string;
  entryId: number;
  at: string;
  actor: string;
  kind: string;
  message: string;
  data: Record<string, unknown>;
}

export interface DomainEventPayloads {
  'service.created': { service: Service };
  'service.updated': { before: Service; after: Service };
  'service.deleted': { service: Service };
  'config.reloaded': { file: string; summary: string };
  'config.reload_failed': { file: string; errors: string[] };
  'token.created': { name: string; role: Role };
  'token.revoked': { name: string };
  'security.auth_blocked': { address: string; failures: number; blockedUntil: string };
  'monitor.created': MonitorChangeEvent;
  'monitor.updated': MonitorChangeEvent;
  'monitor.deleted': MonitorChangeEvent;
  'monitor.up': MonitorStatusEvent;
  'monitor.down': MonitorStatusEvent;
  'monitor.degraded': MonitorStatusEvent;
  'monitor.pending': MonitorStatusEvent;
  'monitor.paused': MonitorStatusEvent;
  'monitor.maintenance': MonitorStatusEvent;
  'breaker.opened': BreakerEvent;
  'breaker.half_opened': BreakerEvent;
  'breaker.closed': BreakerEvent;
  'slo.created': { slo: string; service: string; source: 'config' | 'api' };
  'slo.updated': { slo: string; service: string; source: 'config' | 'api' };
  'slo.deleted': { slo: string; service: string; source: 'config' | 'api' };
  'slo.alert.firing': SloAlertEvent;
  'slo.alert.resolved': SloAlertEvent;
  'slo.budget.level': { slo: string; service: string; from: string | null; to: string; policy: string; budgetRemainingRatio: number };
  'slo.evaluated': { slo: string; service: string; sliRatio: number | null; budgetRemainingRatio: number; level: string; policy: string };
  'alert.firing': AlertEvent;
  'alert.resolved': AlertEvent;
  'alert.acknowledged': AlertEvent;
  'silence.created': SilenceEvent;
  'silence.updated': SilenceEvent;
  'silence.expired': SilenceEvent;
  'alert.escalated': { groupKey: string; receiver: string; policy: string; level: number; round: number };
  'notification.dead': { id: number; receiver: string; reason: string; error: string };
  'receiver.failing': { receiver: string; error: string };
  'receiver.recovered': { receiver: string; error: string };
  'incident.created': IncidentEvent;
  'incident.updated': IncidentEvent;
  'incident.acknowledged': IncidentEvent;
  'incident.resolved': IncidentEvent;
  'incident.reopened': IncidentEvent;
  'incident.timeline': IncidentTimelineEvent;
}

export type DomainEventType = keyof DomainEventPayloads;

/** The wire shape on `/ws`: `at` is RFC 3339 UTC. */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  type: T;
  at: string;
  data: DomainEventPayloads[T];
}

export type AnyDomainEvent = { [T in DomainEventType]: DomainEvent<T> }[DomainEventType];

export const domainEventTypes: readonly DomainEventType[] = [
  'service.created',
  'service.updated',
  'service.deleted',
  'config.reloaded',
  'config.reload_failed',
  'token.created',
  'token.revoked',
  'security.auth_blocked',
  'monitor.created',
  'monitor.updated',
  'monitor.deleted',
  'monitor.up',
  'monitor.down',
  'monitor.degraded',
  'monitor.pending',
  'monitor.paused',
  'monitor.maintenance',
  'breaker.opened',
  'breaker.half_opened',
  'breaker.closed',
  'slo.created',
  'slo.updated',
  'slo.deleted',
  'slo.alert.firing',
  'slo.alert.resolved',
  'slo.budget.level',
  'slo.evaluated',
  'alert.firing',
  'alert.resolved',
  'alert.acknowledged',
  'silence.created',
  'silence.updated',
  'silence.expired',
  'alert.escalated',
  'notification.dead',
  'receiver.failing',
  'receiver.recovered',
  'incident.created',
  'incident.updated',
  'incident.acknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.timeline',
];
