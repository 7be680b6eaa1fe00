/**
 * One alerting rule's state, with Prometheus' semantics (rules/alerting.go): each active series
 * is an alert identified by its label fingerprint; a new one is pending and fires once
 * `now - activeAt >= for`; when its series disappears a pending alert is dropped and a firing one
 * is resolved (unless `keep_firing_for` holds it), and a resolved alert is kept 15 minutes so it
 * is re-sent as resolved. Evaluation time is an argument: no clock here.
 *
 * Sending follows Prometheus' notifier: firing alerts are (re)sent when first seen firing and
 * then at most every resend delay (1 minute), with `endsAt = now + 4 * max(interval, resend
 * delay)` so the receiver resolves them by itself if the rule stops being evaluated; resolved
 * alerts are sent with `endsAt = resolvedAt`; pending ones are never sent. Unlike Prometheus,
 * an alert counts as sent only once the sink stored it (`markSent`), so a failed hand-over is
 * retried at the next evaluation.
 */
import { alertFingerprint, type AlertInput } from '../alert.js';
import type { LabelSet } from '../label-matcher.js';
import type { ActiveSeries } from './rule-expression.js';
import type { AlertRuleSpec } from './rule-spec.js';
import { renderTemplate, type TemplateData } from './template.js';

export type RuleAlertState = 'pending' | 'firing' | 'resolved';
/** A rule's state: the most severe of its alerts (resolved ones count as inactive). */
export type RuleState = 'inactive' | 'pending' | 'firing';

export interface RuleAlert {
  fingerprint: string;
  labels: LabelSet;
  annotations: LabelSet;
  state: RuleAlertState;
  /** Latest value of the series (the value templates saw). */
  value: number;
  /** When the series became active (ms). */
  activeAtMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** Since when the series has been gone while keep_firing_for holds the alert firing. */
  keepFiringSinceMs: number | null;
  lastSentAtMs: number | null;
}

export interface RuleEvalResult {
  /** Alerts after this evaluation: pending, firing, and resolved ones still kept for resending. */
  alerts: RuleAlert[];
  /** Templates that failed (the raw text was used). */
  templateErrors: string[];
}

/** Two series that end up with the same labels once the rule's labels are applied. */
export class DuplicateAlertLabelsError extends Error {
  constructor(labels: LabelSet) {
    super(`vector contains metrics with the same labelset after applying alert labels: ${JSON.stringify(labels)}`);
    this.name = 'DuplicateAlertLabelsError';
  }
}

/** How long a resolved alert is kept (and re-sent), as Prometheus' resolvedRetention. */
export const resolvedRetentionMs = 15 * 60_000;
/** Least time between two sends of the same alert, Prometheus' default --rules.alert.resend-delay. */
export const defaultResendDelayMs = 60_000;

export interface AlertingRuleOptions {
  externalLabels?: LabelSet;
  externalUrl?: string;
  resendDelayMs?: number;
  /** Link back to the rule, sent as the alert's generatorURL. */
  generatorUrl?: string;
}

export interface AlertingRule {
  readonly spec: AlertRuleSpec;
  /** Advances the state to `nowMs` given the active series; throws DuplicateAlertLabelsError (state unchanged). */
  eval(nowMs: number, series: readonly ActiveSeries[]): RuleEvalResult;
  /** The alerts to hand the sink at `nowMs` (nothing is marked sent). */
  alertsToSend(nowMs: number): AlertInput[];
  /** Records that `alertsToSend(nowMs)` reached the sink. */
  markSent(nowMs: number): void;
  alerts(): RuleAlert[];
  state(): RuleState;
  /** Takes over the alerts of the rule this one replaces (a reload), as Prometheus does. */
  restore(alerts: readonly RuleAlert[]): void;
  /** Moves a pending alert's activeAt (restoring `for` progress after a restart); false when no pending alert has that fingerprint. */
  restoreActiveAt(fingerprint: string, activeAtMs: number): boolean;
}

export function createAlertingRule(spec: AlertRuleSpec, options: AlertingRuleOptions = {}): AlertingRule {
  const resendDelayMs = options.resendDelayMs ?? defaultResendDelayMs;
  let active = new Map<string, RuleAlert>();

  function candidate(nowMs: number, series: ActiveSeries, errors: string[]): RuleAlert {
    const data: TemplateData = { labels: series.labels, value: series.value, externalLabels: options.externalLabels, externalUrl: options.externalUrl };
    const expand = (text: string): string => {
      const rendered = renderTemplate(text, data);
      if (rendered.error !== null) errors.push(rendered.error);
      return rendered.text;
    };
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(series.labels)) if (name !== '__name__' && value !== '') labels[name] = value;
    for (const [name, text] of Object.entries(spec.labels)) {
      const value = expand(text);
      if (value === '') delete labels[name];
      else labels[name] = value;
    }
    labels.alertname = spec.name;
    const annotations: Record<string, string> = {};
    for (const [name, text] of Object.entries(spec.annotations)) annotations[name] = expand(text);
    return {
      fingerprint: alertFingerprint(labels),
      labels,
      annotations,
      state: 'pending',
      value: series.value,
      activeAtMs: nowMs,
      firedAtMs: null,
      resolvedAtMs: null,
      keepFiringSinceMs: null,
      lastSentAtMs: null,
    };
  }

  function needsSending(alert: RuleAlert, nowMs: number): boolean {
    if (alert.state === 'pending') return false;
    if (alert.lastSentAtMs === null) return true;
    if (alert.resolvedAtMs !== null && alert.resolvedAtMs > alert.lastSentAtMs) return true;
    return alert.lastSentAtMs + resendDelayMs < nowMs;
  }

  /** The series-gone branch: keeps, resolves or drops `alert`; false when it is dropped. */
  function withoutSeries(alert: RuleAlert, nowMs: number): boolean {
    let keepFiring = false;
    if (alert.state === 'firing' && spec.keepFiringForMs > 0) {
      alert.keepFiringSinceMs ??= nowMs;
      keepFiring = nowMs - alert.keepFiringSinceMs < spec.keepFiringForMs;
    }
    if (keepFiring) return true;
    if (alert.state === 'pending') return false;
    if (alert.state === 'resolved' && alert.resolvedAtMs !== null && nowMs - alert.resolvedAtMs > resolvedRetentionMs) return false;
    if (alert.state !== 'resolved') {
      alert.state = 'resolved';
      alert.resolvedAtMs = nowMs;
    }
    return true;
  }

  return {
    spec,
    eval(nowMs, series) {
      const errors: string[] = [];
      const seen = new Map<string, RuleAlert>();
      for (const sample of series) {
        const alert = candidate(nowMs, sample, errors);
        if (seen.has(alert.fingerprint)) throw new DuplicateAlertLabelsError(alert.labels);
        seen.set(alert.fingerprint, alert);
      }
      const next = new Map(active);
      for (const [fingerprint, alert] of seen) {
        const existing = next.get(fingerprint);
        if (existing !== undefined && existing.state !== 'resolved') {
          next.set(fingerprint, { ...existing, value: alert.value, annotations: alert.annotations, labels: alert.labels, keepFiringSinceMs: null });
        } else {
          next.set(fingerprint, alert);
        }
      }
      for (const [fingerprint, original] of next) {
        const alert = { ...original };
        if (!seen.has(fingerprint) && !withoutSeries(alert, nowMs)) {
          next.delete(fingerprint);
          continue;
        }
        if (alert.state === 'pending' && nowMs - alert.activeAtMs >= spec.forMs) {
          alert.state = 'firing';
          alert.firedAtMs = nowMs;
        }
        next.set(fingerprint, alert);
      }
      active = next;
      return { alerts: [...active.values()], templateErrors: errors };
    },
    alertsToSend(nowMs) {
      const validForMs = 4 * Math.max(spec.intervalMs, resendDelayMs);
      const inputs: AlertInput[] = [];
      for (const alert of active.values()) {
        if (!needsSending(alert, nowMs)) continue;
        const input: AlertInput = {
          labels: alert.labels,
          annotations: alert.annotations,
          startsAtMs: alert.firedAtMs ?? alert.activeAtMs,
          endsAtMs: alert.resolvedAtMs ?? nowMs + validForMs,
        };
        if (options.generatorUrl !== undefined) input.generatorUrl = options.generatorUrl;
        inputs.push(input);
      }
      return inputs;
    },
    markSent(nowMs) {
      for (const [fingerprint, alert] of active) {
        if (needsSending(alert, nowMs)) active.set(fingerprint, { ...alert, lastSentAtMs: nowMs });
      }
    },
    alerts: () => [...active.values()],
    state() {
      let state: RuleState = 'inactive';
      for (const alert of active.values()) {
        if (alert.state === 'firing') return 'firing';
        if (alert.state === 'pending') state = 'pending';
      }
      return state;
    },
    restore(alerts) {
      active = new Map(alerts.map((alert) => [alert.fingerprint, { ...alert }]));
    },
    restoreActiveAt(fingerprint, activeAtMs) {
      const alert = active.get(fingerprint);
      if (alert?.state !== 'pending') return false;
      active.set(fingerprint, { ...alert, activeAtMs });
      return true;
    },
  };
}
