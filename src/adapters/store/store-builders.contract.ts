/**
 * Builders for the store contract suites: a valid record with overrides, so each case states
 * only what it is about. Test-only (excluded from the build with the other *.contract.ts).
 */
import type { Service } from '../../core/services/service.js';
import type { ApiToken, AuditEntryInput } from './store.js';

export const t0 = '2026-01-01T00:00:00.000Z';
export const t1 = '2026-01-01T00:05:00.000Z';

export function baseService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'checkout',
    displayName: 'Checkout',
    team: 'payments',
    criticality: 'high',
    tags: ['web', 'pci'],
    dependencies: ['payments-db'],
    links: { runbook: 'https://runbooks.example/checkout', repo: 'https://git.example/checkout' },
    source: 'api',
    createdAt: t0,
    updatedAt: t0,
    ...overrides,
  };
}

export function baseToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return { name: 'ci', role: 'responder', tokenHash: 'a'.repeat(64), createdAt: t0, lastUsedAt: null, ...overrides };
}

export function baseAuditEntry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: t0,
    actor: 'alice',
    action: 'service.create',
    objectType: 'service',
    objectId: 'checkout',
    before: null,
    after: { name: 'checkout' },
    requestId: 'req-1',
    ...overrides,
  };
}
