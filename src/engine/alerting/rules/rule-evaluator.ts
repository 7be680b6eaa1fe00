/**
 * Runs sre-monitor's alerting rules: rules with the same interval form a group, evaluated at the
 * multiples of that interval since the Unix epoch with one `now` (the scheduled time) for the
 * whole group, as Prometheus evaluates a group. Each rule reads its samples, advances its alert
 * state, and the group hands every alert that needs sending to the sink in one call.
 *
 * Nothing escapes the loop: a source failure or colliding labels become the rule's health
 * (`err` with the message, alerts left as they were), a template failure is recorded beside it,
 * and a sink failure is reported while the alerts stay unsent for the next evaluation. An
 * evaluation that overruns its interval skips the boundaries it missed.
 *
 * `reconfigure` keeps the alerts and health of every rule whose name and labels are unchanged
 * (Prometheus' reload), so a reload neither resets `for` nor re-sends.
 */
import type { AlertSink } from '../../../core/alerting/alert.js';
import type { LabelSet } from '../../../core/alerting/label-matcher.js';
import {
  activeSeries,
  alertRuleKey,
  createAlertingRule,
  type AlertRuleSpec,
  type AlertingRule,
  type RuleAlert,
  type RuleState,
} from '../../../core/alerting/rules/index.js';
import type { Clock } from '../../../core/clock.js';
import type { TimerHandle, Timers } from '../../timers.js';
import { sourceFor, type RuleSampleSources } from './rule-sample-source.js';

export type RuleHealth = 'unknown' | 'ok' | 'err';

/** A rule as the API lists it. */
export interface RuleStatus {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: AlertRuleSpec;
  state: RuleState;
  health: RuleHealth;
  lastError: string | null;
  /** The latest template failure (the raw text was sent); null when the last evaluation rendered. */
  lastTemplateError: string | null;
  lastEvaluationAtMs: number | null;
  lastEvaluationDurationMs: number | null;
  /** Pending, firing and recently resolved alerts. */
  alerts: RuleAlert[];
}

export interface RuleEvaluatorOptions {
  rules: readonly AlertRuleSpec[];
  sources: RuleSampleSources;
  sink: AlertSink;
  clock: Clock;
  timers: Timers;
  /** `$externalLabels` in templates. */
  externalLabels?: LabelSet;
  /** `$externalURL` in templates. */
  externalUrl?: string;
  /** generatorURL of a rule's alerts, e.g. a link to the rule in the API. */
  generatorUrlOf?: (spec: AlertRuleSpec) => string;
  /** Default 1 minute, as Prometheus' --rules.alert.resend-delay. */
  resendDelayMs?: number;
  /** A rule's health changed (for logs and metrics). */
  onRuleHealth?: (rule: string, health: RuleHealth, lastError: string | null) => void;
  /** After each group evaluation (metrics; `missed` counts boundaries skipped because the previous one overran). */
  onGroupEvaluated?: (info: { intervalMs: number; atMs: number; durationMs: number; rules: number; missed: number }) => void;
  /** A failure outside any one rule (the sink), or a template failure, for the log. */
  onError?: (error: unknown, context: string) => void;
}

export interface RuleEvaluator {
  start(): void;
  /** Stops the timers and waits for running evaluations. */
  stop(): Promise<void>;
  rules(): RuleStatus[];
  /** Replaces the rules; alerts and health carry over for rules with the same name and labels. */
  reconfigure(rules: readonly AlertRuleSpec[]): void;
  /** Evaluates the group of `intervalMs` at `atMs` now (tests, `rules test`); resolves when the sink has the alerts. */
  evaluateGroup(intervalMs: number, atMs: number): Promise<void>;
}

interface RuleEntry {
  key: string;
  rule: AlertingRule;
  health: RuleHealth;
  lastError: string | null;
  lastTemplateError: string | null;
  lastEvaluationAtMs: number | null;
  lastEvaluationDurationMs: number | null;
}

interface Group {
  intervalMs: number;
  timer: TimerHandle | null;
  running: Promise<void> | null;
  /** The boundary evaluated last, to count the ones skipped after an overrun. */
  lastAtMs: number | null;
}

export function createRuleEvaluator(options: RuleEvaluatorOptions): RuleEvaluator {
  const { clock, timers } = options;
  let entries: RuleEntry[] = [];
  const groups = new Map<number, Group>();
  let started = false;

  function entryFor(spec: AlertRuleSpec, previous: RuleEntry | undefined): RuleEntry {
    const rule = createAlertingRule(spec, {
      externalLabels: options.externalLabels,
      externalUrl: options.externalUrl,
      resendDelayMs: options.resendDelayMs,
      generatorUrl: options.generatorUrlOf?.(spec),
    });
    if (previous === undefined) {
      return { key: alertRuleKey(spec), rule, health: 'unknown', lastError: null, lastTemplateError: null, lastEvaluationAtMs: null, lastEvaluationDurationMs: null };
    }
    rule.restore(previous.rule.alerts());
    return { ...previous, rule };
  }

  function setHealth(entry: RuleEntry, health: RuleHealth, lastError: string | null): void {
    const changed = entry.health !== health || entry.lastError !== lastError;
    entry.health = health;
    entry.lastError = lastError;
    if (changed) options.onRuleHealth?.(entry.rule.spec.name, health, lastError);
  }

  async function evaluateRule(entry: RuleEntry, atMs: number): Promise<void> {
    const startedMs = clock.nowMs();
    const spec = entry.rule.spec;
    try {
      const samples = await sourceFor(options.sources, spec.expr).samples(spec.expr, atMs);
      const result = entry.rule.eval(atMs, activeSeries(spec.expr, samples, atMs));
      entry.lastTemplateError = result.templateErrors[0] ?? null;
      if (entry.lastTemplateError !== null) options.onError?.(new Error(entry.lastTemplateError), `rendering templates of rule ${spec.name}`);
      setHealth(entry, 'ok', null);
    } catch (error) {
      setHealth(entry, 'err', error instanceof Error ? error.message : String(error));
    } finally {
      entry.lastEvaluationAtMs = atMs;
      entry.lastEvaluationDurationMs = Math.max(0, clock.nowMs() - startedMs);
    }
  }

  async function evaluateGroup(intervalMs: number, atMs: number, missed = 0): Promise<void> {
    const startedMs = clock.nowMs();
    const members = entries.filter((entry) => entry.rule.spec.intervalMs === intervalMs);
    await Promise.all(members.map((entry) => evaluateRule(entry, atMs)));
    const alerts = members.flatMap((entry) => entry.rule.alertsToSend(atMs));
    if (alerts.length > 0) {
      try {
        await options.sink(alerts, 'rule');
        for (const entry of members) entry.rule.markSent(atMs);
      } catch (error) {
        options.onError?.(error, `handing ${alerts.length} rule alerts to the alert pipeline (retried at the next evaluation)`);
      }
    }
    options.onGroupEvaluated?.({ intervalMs, atMs, durationMs: Math.max(0, clock.nowMs() - startedMs), rules: members.length, missed });
  }

  function arm(group: Group): void {
    if (!started || groups.get(group.intervalMs) !== group) return;
    const nowMs = clock.nowMs();
    const nextMs = Math.floor(nowMs / group.intervalMs) * group.intervalMs + group.intervalMs;
    group.timer = timers.after(nextMs - nowMs, () => {
      group.timer = null;
      const missed = group.lastAtMs === null ? 0 : Math.max(0, (nextMs - group.lastAtMs) / group.intervalMs - 1);
      group.lastAtMs = nextMs;
      group.running = evaluateGroup(group.intervalMs, nextMs, missed)
        .catch((error: unknown) => options.onError?.(error, `evaluating rules every ${group.intervalMs} ms`))
        .finally(() => {
          group.running = null;
          arm(group);
        });
    });
  }

  function syncGroups(): void {
    const intervals = new Set(entries.map((entry) => entry.rule.spec.intervalMs));
    for (const [intervalMs, group] of groups) {
      if (intervals.has(intervalMs)) continue;
      group.timer?.cancel();
      groups.delete(intervalMs);
    }
    for (const intervalMs of intervals) {
      if (groups.has(intervalMs)) continue;
      const group: Group = { intervalMs, timer: null, running: null, lastAtMs: null };
      groups.set(intervalMs, group);
      arm(group);
    }
  }

  function reconfigure(specs: readonly AlertRuleSpec[]): void {
    const previous = new Map(entries.map((entry) => [entry.key, entry]));
    entries = specs.map((spec) => entryFor(spec, previous.get(alertRuleKey(spec))));
    syncGroups();
  }

  entries = options.rules.map((spec) => entryFor(spec, undefined));

  return {
    start() {
      if (started) return;
      started = true;
      groups.clear();
      syncGroups();
    },
    async stop() {
      started = false;
      const running: Array<Promise<void>> = [];
      for (const group of groups.values()) {
        group.timer?.cancel();
        group.timer = null;
        if (group.running !== null) running.push(group.running);
      }
      await Promise.all(running);
    },
    rules: () =>
      entries.map((entry) => ({
        name: entry.rule.spec.name,
        labels: entry.rule.spec.labels,
        annotations: entry.rule.spec.annotations,
        spec: entry.rule.spec,
        state: entry.rule.state(),
        health: entry.health,
        lastError: entry.lastError,
        lastTemplateError: entry.lastTemplateError,
        lastEvaluationAtMs: entry.lastEvaluationAtMs,
        lastEvaluationDurationMs: entry.lastEvaluationDurationMs,
        alerts: entry.rule.alerts(),
      })),
    reconfigure,
    evaluateGroup: (intervalMs, atMs) => evaluateGroup(intervalMs, atMs),
  };
}
