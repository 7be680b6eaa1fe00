/**
 * The default words of a notification, shared by every channel so an alert reads the same in
 * Slack, email and SMS: what fired (alertname and summary), where (service / instance labels),
 * since when, the description, and the runbook, acknowledge and dashboard links. None of it can
 * fail, which is why it is also the fallback when a user template does not render.
 */
import type { LabelSet } from '../../core/alerting/label-matcher.js';
import type { Notification, NotificationAlert } from '../../core/alerting/notification.js';

/** Labels that say where an alert is, in the order they are shown. */
const whereLabels = ['service', 'job', 'instance', 'namespace', 'cluster', 'region'];

export interface AlertDescription {
  status: NotificationAlert['status'];
  /** `alertname`, or `alert` when the alert has none. */
  name: string;
  /** `service=api instance=db-1:5432`, or '' when none of the where-labels is set. */
  where: string;
  /** `2026-01-01 10:00:00 UTC`. */
  since: string;
  summary: string;
  description: string;
  severity: string;
  runbookUrl: string;
  ackUrl: string | null;
  generatorUrl: string;
}

/** RFC 3339 in UTC without a zero fraction, as Go prints times (`2026-01-01T10:00:00Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A time for people: `2026-01-01 10:00:00 UTC`. */
export function humanTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** `text` cut to `max` characters (code units), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  return `${text.slice(0, max - 1)}…`;
}

/** The length in code points (what Go calls runes). */
export function runeLength(text: string): number {
  let count = 0;
  for (const _point of text) count += 1;
  return count;
}

/**
 * `text` cut to `max` code points, the last one `…` when cut (at most 3: cut only), as
 * Alertmanager's TruncateInRunes cuts Opsgenie, VictorOps and Pushover fields.
 */
export function truncateRunes(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return max <= 3 ? points.slice(0, max).join('') : `${points.slice(0, max - 1).join('')}…`;
}

/**
 * `text` cut to at most `maxBytes` bytes of UTF-8, never inside a character, ending with `…`
 * when cut (Alertmanager's TruncateInBytes: the marker's 3 bytes count; 3 bytes or less leave
 * only the marker or dots).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  if (maxBytes <= 3) return maxBytes === 3 ? '…' : '.'.repeat(Math.max(0, maxBytes));
  const budget = maxBytes - 3; // the ellipsis is 3 bytes
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += character.length;
  }
  return `${text.slice(0, end)}…`;
}

export function whereOf(labels: LabelSet): string {
  return whereLabels
    .filter((name) => (labels[name] ?? '') !== '')
    .map((name) => `${name}=${labels[name] ?? ''}`)
    .join(' ');
}

export function describeAlert(alert: NotificationAlert): AlertDescription {
  return {
    status: alert.status,
    name: alert.labels.alertname ?? 'alert',
    where: whereOf(alert.labels),
    since: humanTime(alert.startsAtMs),
    summary: alert.annotations.summary ?? '',
    description: alert.annotations.description ?? '',
    severity: alert.labels.severity ?? '',
    runbookUrl: alert.annotations.runbook_url ?? '',
    ackUrl: alert.ackUrl,
    generatorUrl: alert.generatorUrl,
  };
}

export function firingCount(notification: Notification): number {
  return notification.alerts.filter((alert) => alert.status === 'firing').length;
}

/**
 * Alertmanager's default subject: `[FIRING:2] HighLatency api (prod critical)`: status and
 * count, the group label values, then the other common label values; `[ACKED]` when every
 * firing alert is acknowledged.
 */
export function notificationTitle(notification: Notification): string {
  const status = notification.status === 'firing' ? `FIRING:${firingCount(notification)}` : 'RESOLVED';
  const groupValues = Object.keys(notification.groupLabels).sort().map((name) => notification.groupLabels[name] ?? '');
  const extraValues = Object.keys(notification.commonLabels)
    .filter((name) => !(name in notification.groupLabels))
    .sort()
    .map((name) => notification.commonLabels[name] ?? '');
  const parts = [`[${status}]`, ...(notification.acknowledged && notification.status === 'firing' ? ['[ACKED]'] : [])];
  if (groupValues.length > 0) parts.push(groupValues.join(' '));
  else if (notification.commonLabels.alertname !== undefined) parts.push(notification.commonLabels.alertname);
  if (extraValues.length > 0) parts.push(`(${extraValues.join(' ')})`);
  return parts.join(' ');
}

/** One alert as plain text lines: headline, where, since, description, links. */
export function alertTextLines(alert: NotificationAlert): string[] {
  const described = describeAlert(alert);
  const headline = `${described.status === 'firing' ? 'FIRING' : 'RESOLVED'}: ${described.name}${described.summary === '' ? '' : ` - ${described.summary}`}`;
  const lines = [headline];
  if (described.where !== '') lines.push(`Where: ${described.where}`);
  lines.push(`Since: ${described.since}`);
  if (alert.endsAtMs !== null && alert.status === 'resolved') lines.push(`Resolved: ${humanTime(alert.endsAtMs)}`);
  if (described.description !== '') lines.push(described.description);
  if (described.runbookUrl !== '') lines.push(`Runbook: ${described.runbookUrl}`);
  if (described.ackUrl !== null && alert.status === 'firing') lines.push(`Acknowledge: ${described.ackUrl}`);
  if (described.generatorUrl !== '') lines.push(`Source: ${described.generatorUrl}`);
  return lines;
}

/** The whole notification as plain text (email text part, Teams and Discord fallback). */
export function notificationText(notification: Notification): string {
  const blocks = notification.alerts.map((alert) => alertTextLines(alert).join('\n'));
  if (notification.truncatedAlerts > 0) blocks.push(`...and ${notification.truncatedAlerts} more alert(s) not shown.`);
  if (notification.dashboardUrl !== '') blocks.push(`Dashboard: ${notification.dashboardUrl}`);
  return blocks.join('\n\n');
}

/** The first runbook link of the group, for one-button channels. */
export function firstRunbookUrl(notification: Notification): string {
  return notification.alerts.map((alert) => alert.annotations.runbook_url ?? '').find((url) => url !== '') ?? notification.commonAnnotations.runbook_url ?? '';
}

/** The first acknowledge link of a firing alert, when acknowledging still makes sense. */
export function firstAckUrl(notification: Notification): string {
  if (notification.status !== 'firing' || notification.acknowledged) return '';
  return notification.alerts.find((alert) => alert.status === 'firing' && alert.ackUrl !== null)?.ackUrl ?? '';
}

/** A one-line short text (SMS, chat previews): `[FIRING:2] HighLatency - p99 above 500ms - service=api`. */
export function shortText(notification: Notification): string {
  const first = notification.alerts[0];
  const parts = [notificationTitle(notification)];
  if (first !== undefined) {
    const described = describeAlert(first);
    if (described.summary !== '') parts.push(described.summary);
    if (described.where !== '') parts.push(described.where);
    if (notification.status === 'firing') parts.push(`since ${described.since}`);
  }
  const ack = firstAckUrl(notification);
  if (ack !== '') parts.push(`Ack: ${ack}`);
  return parts.join(' - ');
}
