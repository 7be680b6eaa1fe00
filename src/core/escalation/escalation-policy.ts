/**
 * An escalation policy: who is told, in which order, how long apart, until someone
 * acknowledges. One mechanism for alert groups (issue 6) and incidents (issue 7): the policy
 * knows nothing about what it escalates. Times are milliseconds; a level's `afterMs` counts from
 * the previous level (from the start for the first level), so level i fires at
 * `startedAtMs + sum(afterMs[0..i])`.
 */

/**
 * Whom one level notifies: a receiver of the alerting config (a channel such as a Slack or
 * PagerDuty receiver), a person, or an on-call schedule (resolved to the person on call at the
 * time the level fires, by whoever delivers it).
 */
export type EscalationTarget = { receiver: string } | { person: string } | { schedule: string };

export interface EscalationLevel {
  /** Wait after the previous level fired (after the start for level 0), in ms; 0 = at once. */
  afterMs: number;
  targets: EscalationTarget[];
}

export interface EscalationPolicy {
  name: string;
  levels: EscalationLevel[];
  /** How many more times the whole chain runs after its last level; 0 = once through. */
  repeat: number;
  /**
   * Wait between the last level of one round and the first level of the next (the first
   * level's own `afterMs` is added on top), in ms. Only used when `repeat > 0`.
   */
  repeatAfterMs: number;
}

/** Which target kind and which name: `{ kind: 'person', name: 'alice' }`, for messages and lookups. */
export function describeTarget(target: EscalationTarget): { kind: 'receiver' | 'person' | 'schedule'; name: string } {
  if ('receiver' in target) return { kind: 'receiver', name: target.receiver };
  if ('person' in target) return { kind: 'person', name: target.person };
  return { kind: 'schedule', name: target.schedule };
}

/** Offset of each level from the start of a round, in ms: the running sum of `afterMs`. */
export function levelOffsetsMs(policy: Pick<EscalationPolicy, 'levels'>): number[] {
  let sum = 0;
  return policy.levels.map((level) => (sum += level.afterMs));
}

/** Length of one round including the pause before the next, in ms (0 for a policy without levels). */
export function roundLengthMs(policy: Pick<EscalationPolicy, 'levels' | 'repeatAfterMs'>): number {
  const offsets = levelOffsetsMs(policy);
  const last = offsets[offsets.length - 1];
  return last === undefined ? 0 : last + policy.repeatAfterMs;
}

/**
 * When level `level` of round `round` falls due for an escalation started at `startedAtMs`.
 * Round r starts `r * roundLengthMs` after the start.
 */
export function levelDueAtMs(policy: EscalationPolicy, startedAtMs: number, round: number, level: number): number {
  const offset = levelOffsetsMs(policy)[level];
  if (offset === undefined) throw new RangeError(`policy '${policy.name}' has no level ${level}`);
  return startedAtMs + round * roundLengthMs(policy) + offset;
}

/**
 * Severity spellings that mean the same level, so a mapping written for `P1` also covers alerts
 * labelled `severity=critical` (seed 000 writes "Critical (P1)") and the other way round.
 * `warning` is Prometheus' usual middle severity.
 */
const severityAliases: ReadonlyArray<readonly string[]> = [
  ['p1', 'critical'],
  ['p2', 'high'],
  ['p3', 'medium', 'warning'],
  ['p4', 'low'],
  ['p5', 'info'],
];

/** Key of `severity_policies` used when no entry names the severity. */
export const defaultSeverityKey = 'default';

/**
 * The policy name for a severity label: an entry with the same name (case-insensitive) wins,
 * then an entry for an alias (`critical` for `P1` ...), then the `default` entry; undefined
 * when none applies (no escalation).
 */
export function policyNameForSeverity(mapping: Readonly<Record<string, string>>, severity: string | undefined): string | undefined {
  const byKey = new Map(Object.entries(mapping).map(([key, policy]) => [key.toLowerCase(), policy]));
  if (severity !== undefined && severity !== '') {
    const wanted = severity.toLowerCase();
    const exact = byKey.get(wanted);
    if (exact !== undefined) return exact;
    const aliases = severityAliases.find((group) => group.includes(wanted)) ?? [];
    for (const alias of aliases) {
      const policy = byKey.get(alias);
      if (policy !== undefined) return policy;
    }
  }
  return byKey.get(defaultSeverityKey);
}
