import { describe, expect, it } from 'vitest';
import { baseIncident, t0 } from './incident-builders.test-support.js';
import { addNote, assignRoles, linkAlert, openIncident, patchIncident } from './incident-edits.js';

const context = { actor: 'bob', nowMs: t0 + 1000 };

describe('incident edits', () => {
  it('opens an investigating incident with a created entry; start never after detection', () => {
    const { incident, entries } = openIncident('INC-2026-1123-002', { title: 'DB slow', severity: 'P2', services: ['db', 'db'], startedAtMs: t0 - 5000 }, context);
    expect(incident).toMatchObject({ id: 'INC-2026-1123-002', status: 'investigating', services: ['db'], startedAtMs: t0 - 5000, detectedAtMs: context.nowMs, createdBy: 'bob' });
    expect(entries.map((e) => e.kind)).toEqual(['created']);
    expect(openIncident('x', { title: 't', severity: 'P2', startedAtMs: context.nowMs + 10 }, context).incident.startedAtMs).toBe(context.nowMs);
  });

  it.each([
    [{ title: 'New title' }, ['field_changed'], { title: 'New title' }],
    [{ severity: 'P2' }, ['severity_changed'], { severity: 'P2' }],
    [{ severity: 'P1', title: 'Checkout down' }, [], {}],
    [{ services: ['checkout', 'payments'], customerImpact: 'no orders' }, ['field_changed', 'field_changed'], { services: ['checkout', 'payments'], customerImpact: 'no orders' }],
    [{ labels: { team: 'shop' } }, ['field_changed'], { labels: { team: 'shop' } }],
  ])('patch %j gives entries %j', (patch, kinds, expected) => {
    const { incident, entries } = patchIncident(baseIncident(), patch, context);
    expect(entries.map((e) => e.kind)).toEqual(kinds);
    expect(incident).toMatchObject(expected);
    if (kinds.length === 0) expect(incident.updatedAtMs).toBe(t0);
  });

  it('assigns, changes and clears roles; one entry per changed role', () => {
    const first = assignRoles(baseIncident(), { commander: 'alice', subjectMatterExperts: ['dba', 'dba'] }, context);
    expect(first.incident.roles).toEqual({ commander: 'alice', primaryResolver: null, communicationsLead: null, subjectMatterExperts: ['dba'] });
    expect(first.entries.map((e) => e.message)).toEqual(['commander: alice', 'subject_matter_experts: dba']);
    const second = assignRoles(first.incident, { commander: null, subjectMatterExperts: ['dba'] }, context);
    expect(second.entries.map((e) => e.message)).toEqual(['commander: nobody']);
  });

  it('links an alert once and adds its service', () => {
    const alert = { fingerprint: 'abc', labels: { alertname: 'HighErrors', service: 'payments' } };
    const { incident, entries } = linkAlert(baseIncident(), alert, context);
    expect(incident.alerts).toEqual(['abc']);
    expect(incident.services).toEqual(['checkout', 'payments']);
    expect(entries[0]).toMatchObject({ kind: 'alert_linked', message: 'alert HighErrors linked' });
    expect(linkAlert(incident, alert, context).entries).toEqual([]);
  });

  it('adds notes', () => {
    expect(addNote(baseIncident(), 'restarted pod', context).entries[0]).toMatchObject({ kind: 'note', message: 'restarted pod', actor: 'bob' });
  });
});
