/**
 * Test builders for incidents and timeline entries (excluded from the build like the other
 * *.contract.ts files): postmortem, report and route tests share one baseline incident.
 */
import type { Incident, TimelineEntry } from './incident.js';

export const incidentEpochMs = Date.UTC(2026, 10, 23, 14, 0, 0);

export function baseIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-2026-1123-001',
    title: 'Checkout API returns 503',
    description: '',
    severity: 'P2',
    status: 'resolved',
    services: ['checkout'],
    alerts: [],
    slos: ['checkout-availability'],
    roles: { commander: 'alice', primaryResolver: 'bob', communicationsLead: null, subjectMatterExperts: [] },
    customerImpact: 'Customers could not pay',
    labels: {},
    correlationKey: null,
    startedAtMs: incidentEpochMs,
    detectedAtMs: incidentEpochMs + 2 * 60_000,
    acknowledgedAtMs: incidentEpochMs + 5 * 60_000,
    acknowledgedBy: 'bob',
    resolvedAtMs: incidentEpochMs + 47 * 60_000,
    resolvedBy: 'bob',
    createdBy: 'sre-monitor',
    updatedAtMs: incidentEpochMs + 47 * 60_000,
    reopenCount: 0,
    ...overrides,
  };
}

export function baseTimelineEntry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: 1,
    incidentId: 'INC-2026-1123-001',
    atMs: incidentEpochMs + 2 * 60_000,
    actor: 'sre-monitor',
    kind: 'created',
    message: 'incident opened from alert CheckoutDown',
    data: {},
    ...overrides,
  };
}
