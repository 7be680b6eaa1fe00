/**
 * Which runbooks fit an incident. Every rule a runbook states must hold: one of its services is
 * affected, all its label matchers match the incident's labels, the severity is listed. A runbook
 * that states no rule at all fits no incident on its own (it can still be started by hand):
 * otherwise every such runbook would be offered for every incident.
 *
 * Most specific first: a runbook naming the service and two labels is a better guess than one
 * naming only the severity. Ties keep name order, so the list is stable.
 */
import type { Incident } from '../incidents/incident.js';
import { matchersMatch } from '../alerting/label-matcher.js';
import type { Runbook, RunbookMatchRules } from './runbook.js';

/** How many rules a runbook states: services, severities, and each label matcher. */
export function matchSpecificity(rules: RunbookMatchRules): number {
  return (rules.services.length > 0 ? 1 : 0) + (rules.severities.length > 0 ? 1 : 0) + rules.labels.length;
}

export function runbookMatchesIncident(runbook: Pick<Runbook, 'match'>, incident: Pick<Incident, 'services' | 'labels' | 'severity'>): boolean {
  const rules = runbook.match;
  if (matchSpecificity(rules) === 0) return false;
  if (rules.services.length > 0 && !rules.services.some((service) => incident.services.includes(service))) return false;
  if (rules.severities.length > 0 && !rules.severities.includes(incident.severity)) return false;
  return matchersMatch(rules.labels, incident.labels);
}

/** The runbooks that fit `incident`, most specific first, then by name. */
export function matchRunbooks<T extends Pick<Runbook, 'match' | 'name'>>(runbooks: readonly T[], incident: Pick<Incident, 'services' | 'labels' | 'severity'>): T[] {
  return runbooks
    .filter((runbook) => runbookMatchesIncident(runbook, incident))
    .sort((a, b) => matchSpecificity(b.match) - matchSpecificity(a.match) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
