/**
 * The default markdown text of chat channels that take markdown (Webex, Mattermost): each alert
 * (status and name, summary, where, since, description, runbook / acknowledge / source links),
 * as many whole alerts as fit in the channel's limit (at least one), a line counting those left
 * out, and the dashboard link. Each channel brings its own escaping and its own way of counting
 * (Webex counts bytes, Mattermost runes) and cutting.
 */
import type { Notification, NotificationAlert } from '../../core/alerting/notification.js';
import { describeAlert, humanTime } from './notification-text.js';

export interface MarkdownDialect {
  /** Text shown as written (labels and annotations never format). */
  escape(text: string): string;
  /** Cuts `text` to `max` of the channel's units, with `…`. */
  cut(text: string, max: number): string;
  /** Length in the channel's units. */
  size(text: string): number;
  /** The channel's limit for the whole text. */
  limit: number;
  /** Summary and description are capped before escaping so one huge annotation cannot crowd out the other alerts. */
  summaryMax: number;
  descriptionMax: number;
}

/** A URL as a markdown link destination: characters that would end or break it are percent-encoded. */
function linkTarget(url: string): string {
  return url.replace(/[\s()<>\\]/g, (character) => (character === '(' ? '%28' : character === ')' ? '%29' : encodeURIComponent(character)));
}

export function markdownLink(label: string, url: string): string {
  return `[${label}](${linkTarget(url)})`;
}

/** One alert as markdown lines: status and name in bold, where, since, description, links. */
export function alertMarkdown(alert: NotificationAlert, dialect: MarkdownDialect): string {
  const described = describeAlert(alert);
  const status = described.status === 'firing' ? 'FIRING' : 'RESOLVED';
  const summary = described.summary === '' ? '' : ` - ${dialect.escape(dialect.cut(described.summary, dialect.summaryMax))}`;
  const lines = [`**${status}**: ${dialect.escape(described.name)}${summary}`];
  if (described.where !== '') lines.push(`Where: ${dialect.escape(described.where)}`);
  lines.push(`Since: ${described.since}`);
  if (alert.endsAtMs !== null && alert.status === 'resolved') lines.push(`Resolved: ${humanTime(alert.endsAtMs)}`);
  if (described.description !== '') lines.push(dialect.escape(dialect.cut(described.description, dialect.descriptionMax)));
  const links: string[] = [];
  if (described.runbookUrl !== '') links.push(markdownLink('Runbook', described.runbookUrl));
  if (described.ackUrl !== null && alert.status === 'firing') links.push(markdownLink('Acknowledge', described.ackUrl));
  if (described.generatorUrl !== '') links.push(markdownLink('Source', described.generatorUrl));
  if (links.length > 0) lines.push(links.join(' | '));
  return lines.join('\n');
}

/**
 * `head` (e.g. the title in bold), then as many whole alerts as fit in the dialect's limit (at
 * least one), a line counting the alerts left out, and the dashboard link. Only one huge first
 * alert can leave it over the limit: then it is cut, as Alertmanager cuts.
 */
export function alertsMarkdown(notification: Notification, head: readonly string[], dialect: MarkdownDialect): string {
  const tail = notification.dashboardUrl === '' ? [] : [markdownLink('Dashboard', notification.dashboardUrl)];
  const blocks = notification.alerts.map((alert) => alertMarkdown(alert, dialect));
  const separator = '\n\n';
  const omittedLine = (count: number) => `...and ${count} more alert(s) not shown.`;
  const shown: string[] = [];
  for (const block of blocks) {
    const left = blocks.length - shown.length - 1 + notification.truncatedAlerts;
    const candidate = [...head, ...shown, block, ...(left > 0 ? [omittedLine(left)] : []), ...tail];
    if (shown.length > 0 && dialect.size(candidate.join(separator)) > dialect.limit) break;
    shown.push(block);
  }
  const omitted = blocks.length - shown.length + notification.truncatedAlerts;
  const text = [...head, ...shown, ...(omitted > 0 ? [omittedLine(omitted)] : []), ...tail].join(separator);
  return dialect.cut(text, dialect.limit);
}
