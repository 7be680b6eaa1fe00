import { describe, expect, it } from 'vitest';
import { baseIncident } from '../../../test/support/incident-builder.js';
import { parseMatchers } from '../alerting/matcher-parser.js';
import { matchRunbooks, runbookMatchesIncident } from './runbook-match.js';
import type { RunbookMatchRules } from './runbook.js';

const rules = (overrides: Partial<Omit<RunbookMatchRules, 'labels'>> & { labels?: string } = {}) => ({
  match: { services: overrides.services ?? [], severities: overrides.severities ?? [], labels: overrides.labels === undefined ? [] : parseMatchers(overrides.labels) },
});

describe('runbookMatchesIncident', () => {
  const incident = baseIncident({ services: ['checkout', 'payments-db'], severity: 'P2', labels: { team: 'payments', type: 'database' } });
  it.each([
    ['no rules at all', rules(), false],
    ['an affected service', rules({ services: ['payments-db'] }), true],
    ['another service', rules({ services: ['search'] }), false],
    ['the severity', rules({ severities: ['P1', 'P2'] }), true],
    ['another severity', rules({ severities: ['P1'] }), false],
    ['matching labels', rules({ labels: '{type="database", team=~"pay.*"}' }), true],
    ['one label not matching', rules({ labels: '{type="database", team="search"}' }), false],
    ['a negative matcher on a missing label', rules({ labels: 'env!="prod"' }), true],
    ['service and severity both needed', rules({ services: ['checkout'], severities: ['P1'] }), false],
  ])('%s -> %s', (_name, runbook, expected) => {
    expect(runbookMatchesIncident(runbook, incident)).toBe(expected);
  });
});

describe('matchRunbooks', () => {
  it('orders the most specific first, then by name', () => {
    const incident = baseIncident({ services: ['checkout'], severity: 'P1', labels: { type: 'outage', team: 'payments' } });
    const runbooks = [
      { name: 'b-severity', ...rules({ severities: ['P1'] }) },
      { name: 'a-severity', ...rules({ severities: ['P1'] }) },
      { name: 'outage-checkout', ...rules({ services: ['checkout'], severities: ['P1'], labels: 'type="outage"' }) },
      { name: 'outage', ...rules({ labels: 'type="outage"', severities: ['P1', 'P2'] }) },
      { name: 'security', ...rules({ labels: 'type="security"' }) },
    ];
    expect(matchRunbooks(runbooks, incident).map((runbook) => runbook.name)).toEqual(['outage-checkout', 'outage', 'a-severity', 'b-severity']);
  });
});
