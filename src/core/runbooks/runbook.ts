/**
 * src/core/runbooks: runbooks as plain data. A runbook says which incidents it fits (services,
 * label matchers, severities) and lists steps: checklist items a person confirms, and automated
 * actions (an HTTP request, a wait for a monitor or SLO, an allow-listed local command).
 * Everything here is pure; the engine (src/engine/runbooks) executes steps and keeps runs.
 */
import type { LabelMatcher } from '../alerting/label-matcher.js';

export const runbookStepKinds = ['checklist', 'http', 'wait_verify', 'command'] as const;
export type RunbookStepKind = (typeof runbookStepKinds)[number];

interface StepBase {
  /** Short line shown on the timeline ("Check recent deployments"). */
  title: string;
}

/** A person reads `text` and confirms (or skips) the step. `text` is a template. */
export interface ChecklistStep extends StepBase {
  kind: 'checklist';
  text: string;
}

/** One HTTP request; `url`, header values and `body` are templates. */
export interface HttpStep extends StepBase {
  kind: 'http';
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** Statuses that count as success; empty means any 2xx. */
  expectStatus: number[];
  timeoutMs: number;
}

export type SloMeasure = 'sli' | 'budget_remaining';
export type ComparisonOperator = '>=' | '>' | '<=' | '<';

export type WaitTarget =
  | { kind: 'monitor'; monitor: string }
  | { kind: 'slo'; slo: string; measure: SloMeasure; operator: ComparisonOperator; threshold: number };

/** Polls until the target holds (a monitor is `up`, an SLO's measure meets the condition) or times out. */
export interface WaitVerifyStep extends StepBase {
  kind: 'wait_verify';
  target: WaitTarget;
  timeoutMs: number;
  intervalMs: number;
}

/**
 * A local program run without a shell: `argv[0]` must be on the configured allow-list (which is
 * empty by default). Arguments are templates, each rendered to exactly one argument.
 */
export interface CommandStep extends StepBase {
  kind: 'command';
  argv: string[];
  timeoutMs: number;
}

export type RunbookStep = ChecklistStep | HttpStep | WaitVerifyStep | CommandStep;

export interface RunbookMatchRules {
  /** The incident affects at least one of these services; empty: any service. */
  services: string[];
  /** Alertmanager matchers against the incident's labels; all must match. */
  labels: LabelMatcher[];
  /** The incident's severity is one of these; empty: any severity. */
  severities: string[];
}

export interface Runbook {
  /** Unique key: lowercase letters, digits and dashes. */
  name: string;
  title: string;
  /** Markdown shown to responders (the body of a runbook file). */
  description: string;
  match: RunbookMatchRules;
  /** Rough time to work through the runbook; null when not given. */
  estimatedMs: number | null;
  steps: RunbookStep[];
  /** Where it came from: `builtin:<file>`, a file path, or `config`. */
  source: string;
}

export const runbookNamePattern = /^[a-z0-9][a-z0-9-]{0,99}$/;
