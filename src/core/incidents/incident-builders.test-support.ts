/** Builders shared by the incident unit tests. */
import type { Incident } from './incident.js';

export const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);

export function baseIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-2026-1123-001',
    title: 'Checkout down',
    description: '',
    severity: 'P1',
    status: 'investigating',
    services: ['checkout'],
    alerts: [],
    slos: [],
    roles: { commander: null, primaryResolver: null, communicationsLead: null, subjectMatterExperts: [] },
    customerImpact: '',
    labels: {},
    correlationKey: 'service=checkout',
    startedAtMs: t0,
    detectedAtMs: t0,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    resolvedBy: null,
    createdBy: 'alice',
    updatedAtMs: t0,
    reopenCount: 0,
    ...overrides,
  };
}
