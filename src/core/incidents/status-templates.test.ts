import { describe, expect, it } from 'vitest';
import { baseIncident, t0 } from './incident-builders.test-support.js';
import { defaultStatusTemplates, formatDuration, renderStatusUpdate, statusTemplateProblems } from './status-templates.js';

const context = { nowMs: t0 + 3_900_000, severityDescription: 'Critical', url: 'http://sre/incidents/INC-2026-1123-001', ackUrl: 'http://ack', resolveUrl: 'http://resolve' };

describe('status templates', () => {
  it('default templates compile', () => {
    expect(statusTemplateProblems(defaultStatusTemplates, 'incidents.templates')).toEqual([]);
  });

  it('renders the initial report with the incident fields', () => {
    const incident = baseIncident({ roles: { commander: 'alice', primaryResolver: null, communicationsLead: null, subjectMatterExperts: [] }, customerImpact: 'no checkouts' });
    const { text, error } = renderStatusUpdate(defaultStatusTemplates.initial, incident, { nextUpdate: '30 min' }, context);
    expect(error).toBeNull();
    expect(text).toContain('Incident ID: INC-2026-1123-001');
    expect(text).toContain('Severity: P1 (Critical)');
    expect(text).toContain('Service: checkout');
    expect(text).toContain(`Started: ${new Date(t0).toISOString()}`);
    expect(text).toContain('- no checkouts');
    expect(text).toContain('ETA for update: 30 min');
    expect(text).toContain('Incident Commander: alice');
  });

  it('renders the resolution notice with the duration and root cause', () => {
    const incident = baseIncident({ status: 'resolved', resolvedAtMs: t0 + 3_900_000 });
    const { text } = renderStatusUpdate(defaultStatusTemplates.resolution, incident, { message: 'rolled back', rootCause: 'bad deploy' }, context);
    expect(text).toContain('Duration: 1h 5m');
    expect(text).toContain('- rolled back');
    expect(text).toContain('- bad deploy');
  });

  it('custom templates see labels and functions', () => {
    const { text } = renderStatusUpdate('{{ .ID }} {{ .Labels.team | toUpper }} {{ .Message }}', baseIncident({ labels: { team: 'shop' } }), { message: 'hi' }, context);
    expect(text).toBe('INC-2026-1123-001 SHOP hi');
  });

  it.each([
    ['{{ .Bogus }}', /can't evaluate field Bogus/],
    ['{{ $labels.team }} {{ .Nope }}', /field Nope/],
    ['{{ .ID', /unclosed action/],
    ['{{ if .ID }}x{{ end }}', /not supported/],
  ])('template %s is a problem naming the field', (source, message) => {
    const problems = statusTemplateProblems({ update: source }, 'incidents.templates');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('incidents.templates.update');
    expect(problems[0]?.message).toMatch(message);
  });

  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [3_900_000, '1h 5m'],
    [3 * 86_400_000 + 7_200_000 + 60_000, '3d 2h'],
  ])('formatDuration(%d) = %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
