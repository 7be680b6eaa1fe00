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
 * (Prometheus' reload), so a reload neither resets `for` nor re-sends. A restart keeps `for`
 * progress through `forState`: each group evaluation stores when its pending and firing alerts
 * became active, and the first evaluation after `restoreForState()` moves the activeAt of the
 * alerts found active again as Prometheus' RestoreForState does (for-state-restore.ts).
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
import { defaultForRestoreSettings, restoredActiveAtMs, type ForRestoreSettings, type StoredForState } from '../../../core/alerting/rules/for-state-restore.js';
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

/** One alert's `for` progress as stored between runs. */
export interface RuleForStateRow extends StoredForState {
  ruleKey: string;
  fingerprint: string;
}

/** Where `for` progress outlives the process (the store). */
export interface RuleForStateStore {
  all(): Promise<RuleForStateRow[]>;
  /** Replaces every row of `ruleKeys` by `rows` atomically. */
  replace(ruleKeys: readonly string[], rows: readonly RuleForStateRow[]): Promise<void>;
}

export interface RuleEvaluatorOptions {
  /** Keeps `for` progress across restarts; without it a restart starts every `for` again. */
  forState?: RuleForStateStore;
  /** Outage tolerance and grace period of the restore; Prometheus' defaults (1 h, 10 min). */
  forRestore?: ForRestoreSettings;
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
  /** Loads stored `for` progress, applied at each rule's first evaluation; resolves to the number of alerts loaded. */
  restoreForState(): Promise<number>;
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
  /** Stored progress per rule key, consumed by that rule's first evaluation after a restart. */
  const toRestore = new Map<string, Map<string, StoredForState>>();
  /** Rule keys whose stored rows may be non-empty, so an idle group writes nothing. */
  const persisted = new Set<string>();

  function applyRestore(entry: RuleEntry, atMs: number): void {
    const stored = toRestore.get(entry.key);
    if (stored === undefined) return;
    toRestore.delete(entry.key);
    for (const alert of entry.rule.alerts()) {
      const state = stored.get(alert.fingerprint);
      if (state === undefined || alert.state !== 'pending') continue;
      const activeAtMs = restoredActiveAtMs(state, atMs, entry.rule.spec.forMs, options.forRestore ?? defaultForRestoreSettings);
      if (activeAtMs !== null) entry.rule.restoreActiveAt(alert.fingerprint, activeAtMs);
    }
  }

  async function saveForState(members: readonly RuleEntry[], atMs: number): Promise<void> {
    if (options.forState === undefined) return;
    const rows: RuleForStateRow[] = [];
    const keys: string[] = [];
    for (const entry of members) {
      // Not yet evaluated successfully since the restart: its stored rows still await restoring.
      if (entry.rule.spec.forMs <= 0 || toRestore.has(entry.key)) continue;
      const active = entry.rule.alerts().filter((alert) => alert.state !== 'resolved');
      if (active.length === 0 && !persisted.has(entry.key)) continue;
      keys.push(entry.key);
      if (active.length === 0) persisted.delete(entry.key);
      else persisted.add(entry.key);
      for (const alert of active) rows.push({ ruleKey: entry.key, fingerprint: alert.fingerprint, activeAtMs: alert.activeAtMs, lastSeenAtMs: atMs });
    }
    if (keys.length === 0) return;
    try {
      await options.forState.replace(keys, rows);
    } catch (error) {
      for (const key of keys) persisted.add(key);
      options.onError?.(error, `storing the for-state of ${keys.length} rules (a restart may start their for again)`);
    }
  }

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
      applyRestore(entry, atMs);
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
    await saveForState(members, atMs);
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
    async restoreForState() {
      if (options.forState === undefined) return 0;
      const rows = await options.forState.all();
      toRestore.clear();
      for (const row of rows) {
        persisted.add(row.ruleKey);
        let byFingerprint = toRestore.get(row.ruleKey);
        if (byFingerprint === undefined) toRestore.set(row.ruleKey, (byFingerprint = new Map<string, StoredForState>()));
        byFingerprint.set(row.fingerprint, { activeAtMs: row.activeAtMs, lastSeenAtMs: row.lastSeenAtMs });
      }
      // Rows of rules that left the config would otherwise stay forever.
      const current = new Set(entries.map((entry) => entry.key));
      const stale = [...toRestore.keys()].filter((key) => !current.has(key));
      if (stale.length > 0) await options.forState.replace(stale, []);
      for (const key of stale) {
        toRestore.delete(key);
        persisted.delete(key);
      }
      return rows.length;
    },
    evaluateGroup: (intervalMs, atMs) => evaluateGroup(intervalMs, atMs),
  };
}
