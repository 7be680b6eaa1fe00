/**
 * What the alerting routes need from the engine, as narrow interfaces (the composition root
 * adapts the alert registry, silence service, dispatcher and outbox to them), and the JSON
 * shapes shared by `/api/v1` and Alertmanager's `/api/v2`.
 */
import type { Alert, AlertSink } from '../core/alerting/alert.js';
import type { LabelMatcher, LabelSet } from '../core/alerting/label-matcher.js';
import { silenceState, type Silence } from '../core/alerting/silence.js';
import type { Actor } from '../engine/actor.js';

export interface AlertFilter {
  /** firing = not ended; resolved = ended and still kept. */
  state?: 'firing' | 'resolved';
  matchers?: LabelMatcher[];
}

/** Why an alert is or is not being notified now. */
export interface AlertDisposition {
  receivers: string[];
  silencedBy: string[];
  inhibitedBy: string[];
  /** Names of time intervals muting it on every route it takes. */
  mutedBy: string[];
}

export interface AlertsApi {
  sink: AlertSink;
  list(filter: AlertFilter): Alert[];
  get(fingerprint: string): Alert | undefined;
  /** Throws NotFoundError for an unknown fingerprint. */
  acknowledge(fingerprint: string, actor: Actor): Promise<Alert>;
  disposition(alert: Alert): AlertDisposition;
  /** Aggregation groups the dispatcher holds now, in route order. */
  groups(): AlertGroupView[];
}

/** One aggregation group: the alerts one receiver is told about together. */
export interface AlertGroupView {
  groupKey: string;
  receiver: string;
  /** The group_by labels' values. */
  labels: LabelSet;
  alerts: Alert[];
  nextFlushAtMs: number;
  lastFlushAtMs: number | null;
}

export interface SilenceInput {
  id?: string;
  matchers: LabelMatcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
}

export interface SilencesApi {
  list(): Silence[];
  get(id: string): Silence | undefined;
  /** Creates, or replaces the silence with `input.id`; validation errors name the field. */
  save(input: SilenceInput, actor: Actor): Promise<Silence>;
  /** Throws NotFoundError for an unknown id; expiring an expired silence is a ConflictError. */
  expire(id: string, actor: Actor): Promise<Silence>;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Alertmanager's zero time, used for `endsAt` of alerts without an end. */
export const goZeroTime = '0001-01-01T00:00:00.000Z';

/** An alert as `/api/v1/alerts` shows it. */
export function alertJson(alert: Alert, disposition: AlertDisposition, nowMs: number) {
  const firing = alert.endsAtMs > nowMs;
  const suppressed = disposition.silencedBy.length + disposition.inhibitedBy.length + disposition.mutedBy.length > 0;
  return {
    fingerprint: alert.fingerprint,
    state: firing ? (suppressed ? 'suppressed' : 'firing') : 'resolved',
    labels: alert.labels,
    annotations: alert.annotations,
    starts_at: iso(alert.startsAtMs),
    ends_at: firing && alert.endsAtFromTimeout ? null : iso(alert.endsAtMs),
    updated_at: iso(alert.updatedAtMs),
    generator_url: alert.generatorUrl,
    source: alert.source,
    acknowledged_by: alert.acknowledgedBy,
    acknowledged_at: alert.acknowledgedAtMs === null ? null : iso(alert.acknowledgedAtMs),
    receivers: disposition.receivers,
    silenced_by: disposition.silencedBy,
    inhibited_by: disposition.inhibitedBy,
    muted_by: disposition.mutedBy,
  };
}

/** Alertmanager v2 `gettableAlert`. */
export function gettableAlert(alert: Alert, disposition: AlertDisposition) {
  const suppressed = disposition.silencedBy.length + disposition.inhibitedBy.length + disposition.mutedBy.length > 0;
  return {
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: iso(alert.startsAtMs),
    endsAt: iso(alert.endsAtMs),
    updatedAt: iso(alert.updatedAtMs),
    generatorURL: alert.generatorUrl,
    fingerprint: alert.fingerprint,
    receivers: disposition.receivers.map((name) => ({ name })),
    status: {
      state: suppressed ? 'suppressed' : 'active',
      silencedBy: disposition.silencedBy,
      inhibitedBy: disposition.inhibitedBy,
      mutedBy: disposition.mutedBy,
    },
  };
}

/** Alertmanager v2 matcher objects. */
export function matcherJson(matcher: LabelMatcher) {
  return { name: matcher.name, value: matcher.value, isRegex: matcher.type === '=~' || matcher.type === '!~', isEqual: matcher.type === '=' || matcher.type === '=~' };
}

/** Alertmanager v2 `gettableSilence`. */
export function gettableSilence(silence: Silence, nowMs: number) {
  return {
    id: silence.id,
    matchers: silence.matchers.map(matcherJson),
    startsAt: iso(silence.startsAtMs),
    endsAt: iso(silence.endsAtMs),
    updatedAt: iso(silence.updatedAtMs),
    createdBy: silence.createdBy,
    comment: silence.comment,
    status: { state: silenceState(silence, nowMs) },
  };
}

/** Labels with values, for error messages and events. */
export function describeLabels(labels: LabelSet): string {
  return `{${Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')}}`;
}
