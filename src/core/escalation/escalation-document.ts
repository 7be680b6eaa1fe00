/**
 * Escalation policies as written in the config file (TypeBox, snake_case, Prometheus
 * durations), their conversion to `EscalationPolicy`, and the checks a schema cannot make:
 * duplicate names, a repeat without a pause, severities mapped to unknown policies, targets
 * naming receivers, people or schedules that do not exist. Every problem names its field
 * (`alerting.escalation_policies[0].levels[1].after`).
 *
 *     escalation_policies:
 *       - name: critical
 *         levels:
 *           - notify: [sms, slack, email]        # a plain name is a receiver
 *           - after: 15m
 *             notify: [pagerduty, {schedule: primary}, {person: alice}]
 *         repeat: 1
 *     severity_policies: { P1: critical, P2: high }
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern, formatDurationMs, parseDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';
import { serviceNamePattern } from '../services/service.js';
import { formatPath, type PathSegment } from '../validation/field-path.js';
import { describeTarget, roundLengthMs, type EscalationPolicy, type EscalationTarget } from './escalation-policy.js';

const strict = { additionalProperties: false } as const;
const Name = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });
const Duration = (description: string) =>
  Type.String({ pattern: durationSchemaPattern, description: `${description} (Prometheus duration: 0, 30s, 5m, 1h)` });

const TargetObjectDocument = Type.Object(
  {
    receiver: Type.Optional(Name('A receiver (channel) of the alerting config.')),
    person: Type.Optional(Name('A person declared under people:, notified on their own contact channels.')),
    schedule: Type.Optional(Name('An on-call schedule: whoever is on call when the level fires.')),
  },
  { ...strict, minProperties: 1, maxProperties: 1, description: 'Exactly one of receiver, person, schedule.' },
);

export const EscalationTargetDocument = Type.Union(
  [Name('A receiver (channel) of the alerting config, by name.'), TargetObjectDocument],
  { description: 'Whom to notify: a receiver name, {receiver: name}, {person: name} or {schedule: name}.' },
);

export const EscalationLevelDocument = Type.Object(
  {
    after: Type.Optional(Duration('Wait after the previous level (after the start for the first level); default 0')),
    notify: Type.Array(EscalationTargetDocument, { minItems: 1, maxItems: 50, description: 'Targets notified when the level fires.' }),
  },
  { ...strict, description: 'One step of the chain.' },
);

export const EscalationPolicyDocument = Type.Object(
  {
    name: Type.String({ pattern: serviceNamePattern, description: 'Unique slug: lower-case letters, digits and dashes.' }),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text.' })),
    levels: Type.Array(EscalationLevelDocument, { minItems: 1, maxItems: 20, description: 'Levels in order; each waits `after` the previous one.' }),
    repeat: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 0, description: 'How many more times the whole chain runs after its last level.' })),
    repeat_after: Type.Optional(Duration("Pause between a round's last level and the next round; default the last level's after")),
  },
  { ...strict, description: 'Ordered levels that notify until someone acknowledges.' },
);

export const SeverityPoliciesDocument = Type.Record(
  Type.String(),
  Type.String({ pattern: serviceNamePattern }),
  { description: 'Severity label (P1..P5, critical, high, ...; `default` for the rest) -> escalation policy name.' },
);

/** The two keys a config section holds; the config schema spreads them where escalation lives. */
export const escalationConfigFields = {
  escalation_policies: Type.Optional(Type.Array(EscalationPolicyDocument, { default: [], description: 'Escalation policies, shared by alert groups and incidents.' })),
  severity_policies: Type.Optional(SeverityPoliciesDocument),
};

export const EscalationConfigDocument = Type.Object(escalationConfigFields, strict);

export type EscalationTargetDocument = Static<typeof EscalationTargetDocument>;
export type EscalationPolicyDocument = Static<typeof EscalationPolicyDocument>;
export type EscalationConfigDocument = Static<typeof EscalationConfigDocument>;

export interface EscalationConfig {
  policies: EscalationPolicy[];
  /** Severity (as written) -> policy name; look up with `policyNameForSeverity`. */
  severityPolicies: Record<string, string>;
}

export interface EscalationConfigResult {
  config: EscalationConfig;
  problems: FieldProblem[];
}

/**
 * Turns a schema-valid document into policies and lists what is still wrong. `basePath` is where
 * the keys sit in the file (`['alerting']`), so messages name the field as the user wrote it.
 */
export function escalationConfigFromDocument(document: EscalationConfigDocument, basePath: readonly PathSegment[] = []): EscalationConfigResult {
  const problems: FieldProblem[] = [];
  const at = (...segments: PathSegment[]) => formatPath([...basePath, ...segments]);
  const policies = (document.escalation_policies ?? []).map((written, index) =>
    policyFromDocument(written, (...segments) => at('escalation_policies', index, ...segments), problems),
  );
  const seen = new Set<string>();
  policies.forEach((policy, index) => {
    if (seen.has(policy.name)) problems.push({ field: at('escalation_policies', index, 'name'), message: `'${policy.name}' is used by an earlier policy; names must be unique` });
    seen.add(policy.name);
  });
  const severityPolicies = { ...(document.severity_policies ?? {}) };
  const severitiesSeen = new Map<string, string>();
  for (const [severity, policyName] of Object.entries(severityPolicies)) {
    if (!seen.has(policyName)) problems.push({ field: at('severity_policies', severity), message: unknownName('escalation policy', policyName, seen) });
    const earlier = severitiesSeen.get(severity.toLowerCase());
    if (earlier !== undefined) problems.push({ field: at('severity_policies', severity), message: `repeats '${earlier}' (severities are compared case-insensitively)` });
    severitiesSeen.set(severity.toLowerCase(), severity);
  }
  return { config: { policies, severityPolicies }, problems };
}

function policyFromDocument(written: EscalationPolicyDocument, at: (...segments: PathSegment[]) => string, problems: FieldProblem[]): EscalationPolicy {
  const levels = written.levels.map((level, index) => ({
    afterMs: durationOrProblem(level.after ?? '0', at('levels', index, 'after'), problems),
    targets: level.notify.map(targetFromDocument),
  }));
  const lastAfterMs = levels[levels.length - 1]?.afterMs ?? 0;
  const repeat = written.repeat ?? 0;
  const repeatAfterMs = written.repeat_after === undefined ? lastAfterMs : durationOrProblem(written.repeat_after, at('repeat_after'), problems);
  const policy: EscalationPolicy = { name: written.name, levels, repeat, repeatAfterMs };
  if (repeat > 0 && roundLengthMs(policy) === 0) {
    problems.push({ field: at('repeat_after'), message: 'is needed when repeat > 0 and every level has after 0: otherwise all rounds would fire at the same instant' });
  }
  return policy;
}

function durationOrProblem(text: string, field: string, problems: FieldProblem[]): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    problems.push({ field, message: `must be a duration like 30s, 5m, 1h; got "${text}"` });
    return 0;
  }
  return ms;
}

function targetFromDocument(written: EscalationTargetDocument): EscalationTarget {
  if (typeof written === 'string') return { receiver: written };
  if (written.person !== undefined) return { person: written.person };
  if (written.schedule !== undefined) return { schedule: written.schedule };
  return { receiver: written.receiver ?? '' };
}

/** The written form of a policy, as the API answers it (defaults filled in). */
export function escalationPolicyDocumentFromPolicy(policy: EscalationPolicy): EscalationPolicyDocument {
  return {
    name: policy.name,
    levels: policy.levels.map((level) => ({
      after: formatDurationMs(level.afterMs),
      notify: level.targets.map((target) => ({ ...target })),
    })),
    repeat: policy.repeat,
    repeat_after: formatDurationMs(policy.repeatAfterMs),
  };
}

/** Names that exist where the policies are used; an empty set means none are configured. */
export interface KnownEscalationTargets {
  receivers: ReadonlySet<string>;
  people: ReadonlySet<string>;
  schedules: ReadonlySet<string>;
}

/**
 * Problems for targets that name nothing configured, as `escalation_policies[i].levels[j].notify[k]`.
 * Kept apart from the conversion because receivers, people and schedules come from other
 * sections (and, for people and schedules, from issue 7).
 */
export function checkEscalationTargets(policies: readonly EscalationPolicy[], known: KnownEscalationTargets, basePath: readonly PathSegment[] = []): FieldProblem[] {
  const sets = { receiver: known.receivers, person: known.people, schedule: known.schedules };
  const problems: FieldProblem[] = [];
  policies.forEach((policy, policyIndex) => {
    policy.levels.forEach((level, levelIndex) => {
      level.targets.forEach((target, targetIndex) => {
        const { kind, name } = describeTarget(target);
        if (sets[kind].has(name)) return;
        const field = formatPath([...basePath, 'escalation_policies', policyIndex, 'levels', levelIndex, 'notify', targetIndex]);
        problems.push({ field, message: unknownName(kind, name, sets[kind]) });
      });
    });
  });
  return problems;
}

function unknownName(kind: string, name: string, known: ReadonlySet<string>): string {
  if (known.size === 0) return `${kind} '${name}' does not exist (none are configured)`;
  const names = [...known].sort();
  const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, ...` : names.join(', ');
  return `${kind} '${name}' does not exist (known: ${shown})`;
}
