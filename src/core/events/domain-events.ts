/**
 * Every state change in sre-monitor is a typed domain event. The map below is the one list of
 * event types and their payloads; later features add their entries here so `/ws` subscribers
 * and the dashboard can rely on the shapes.
 */
import type { Role } from '../auth/roles.js';
import type { Service } from '../services/service.js';

export interface DomainEventPayloads {
  'service.created': { service: Service };
  'service.updated': { before: Service; after: Service };
  'service.deleted': { service: Service };
  'config.reloaded': { file: string; summary: string };
  'config.reload_failed': { file: string; errors: string[] };
  'token.created': { name: string; role: Role };
  'token.revoked': { name: string };
  'security.auth_blocked': { address: string; failures: number; blockedUntil: string };
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
];
