/** A complete incident for runbook tests; override what a case is about. */
import type { Incident } from '../../src/core/incidents/incident.js';

export function baseIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-2026-0101-001',
    title: 'Checkout API down',
    description: 'All checkout requests fail with 503',
    severity: 'P1',
    status: 'investigating',
    services: ['checkout'],
    alerts: [],
    slos: [],
    roles: { commander: 'alice', primaryResolver: null, communicationsLead: null, subjectMatterExperts: [] },
    customerImpact: 'No orders',
    labels: { team: 'payments', type: 'outage' },
    correlationKey: null,
    startedAtMs: Date.UTC(2026, 0, 1, 10, 0),
    detectedAtMs: Date.UTC(2026, 0, 1, 10, 2),
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    resolvedBy: null,
    createdBy: 'alice',
    updatedAtMs: Date.UTC(2026, 0, 1, 10, 2),
    reopenCount: 0,
    ...overrides,
  };
}
