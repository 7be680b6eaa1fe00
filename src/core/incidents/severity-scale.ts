/**
 * The incident severity scale: configurable, default P1..P5 with seed 000's meaning. Response
 * time is the target time to acknowledge; escalation time is when seed 000 escalates an
 * unacknowledged incident (the escalation policy does the actual timing). Names match
 * case-insensitively (`p1` is `P1`) and are stored as the scale spells them.
 */
import { policyNameForSeverity } from '../escalation/escalation-policy.js';

export interface SeverityLevel {
  name: string;
  description: string;
  /** Target time to acknowledge, in ms; null = none. */
  responseTimeMs: number | null;
  /** When an unacknowledged incident of this level escalates, in ms; null = it does not. */
  escalationTimeMs: number | null;
  /** Name of an `alerting.escalation_policies` entry; null = `alerting.severity_policies` decides. */
  escalationPolicy: string | null;
}

const minutes = (count: number) => count * 60_000;

/** Seed 000's classification with its escalation times (15 / 30 / 60 min; none for P4, P5). */
export const defaultSeverityScale: readonly SeverityLevel[] = [
  { name: 'P1', description: 'Critical: complete service outage, customer-facing impact', responseTimeMs: minutes(5), escalationTimeMs: minutes(15), escalationPolicy: null },
  { name: 'P2', description: 'High: major feature down, significant customer impact', responseTimeMs: minutes(15), escalationTimeMs: minutes(30), escalationPolicy: null },
  { name: 'P3', description: 'Medium: minor feature down, limited customer impact', responseTimeMs: minutes(60), escalationTimeMs: minutes(60), escalationPolicy: null },
  { name: 'P4', description: 'Low: degraded performance, minimal customer impact', responseTimeMs: minutes(24 * 60), escalationTimeMs: null, escalationPolicy: null },
  { name: 'P5', description: 'Info: information only, no customer impact', responseTimeMs: null, escalationTimeMs: null, escalationPolicy: null },
];

export function findSeverity(scale: readonly SeverityLevel[], name: string): SeverityLevel | undefined {
  const wanted = name.toLowerCase();
  return scale.find((level) => level.name.toLowerCase() === wanted);
}

export function unknownSeverityMessage(scale: readonly SeverityLevel[], name: string): string {
  return `unknown severity ${JSON.stringify(name)}; the scale is ${scale.map((level) => level.name).join(', ')}`;
}

/** The escalation policy for a level: its own, else what `alerting.severity_policies` maps its name to. */
export function escalationPolicyFor(level: SeverityLevel, severityPolicies: Readonly<Record<string, string>>): string | undefined {
  return level.escalationPolicy ?? policyNameForSeverity(severityPolicies, level.name);
}
