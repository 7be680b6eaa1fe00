/**
 * The first draft of a postmortem: seed 004's blameless post-incident review template, with
 * what the incident already knows filled in (summary facts, impact, the timeline in UTC with
 * each entry's actor). Everything a person must think about is left as a prompt in brackets.
 */
import type { Incident, TimelineEntry } from '../incidents/incident.js';
import type { ActionItem } from './action-item.js';

/** The template's level-2 sections, in order (seed 004, with "what went wrong" named as the issue names it). */
export const postmortemSectionTitles = [
  'Incident Summary',
  'Impact',
  'Timeline',
  'Root Cause Analysis',
  'Contributing Factors',
  'Resolution',
  'Lessons Learned',
  'Action Items',
  'Prevention',
] as const;

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-11-23 14:05:09 UTC`. */
export function formatUtc(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

/** `2 h 5 min`, `45 min`, `30 s`: whole seconds, largest units first, for people reading a review. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (seconds > 0 && days === 0 && hours === 0) parts.push(`${seconds} s`);
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

/** Text safe inside one Markdown table cell: pipes escaped, line breaks folded. */
export function tableCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
}

export function renderTimelineTable(entries: readonly TimelineEntry[]): string {
  if (entries.length === 0) return '_No timeline entries were recorded._';
  const rows = [...entries]
    .sort((a, b) => a.atMs - b.atMs || a.id - b.id)
    .map((entry) => `| ${formatUtc(entry.atMs)} | ${tableCell(entry.actor)} | ${tableCell(entry.kind)} | ${tableCell(entry.message)} |`);
  return ['| Time (UTC) | Actor | Event | Details |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderActionItemTable(items: readonly ActionItem[]): string {
  const rows = items.map(
    (item) => `| ${tableCell(item.title)} | @${tableCell(item.owner)} | ${new Date(item.dueAtMs).toISOString().slice(0, 10)} | ${item.priority} | ${item.status} |`,
  );
  const placeholder = rows.length === 0 ? ['| [Action description] | @owner | YYYY-MM-DD | high | open |'] : [];
  return ['| Action | Owner | Due Date | Priority | Status |', '|---|---|---|---|---|', ...rows, ...placeholder].join('\n');
}

function orNone(values: readonly string[]): string {
  return values.length === 0 ? 'none recorded' : values.join(', ');
}

function durationLines(incident: Incident): string[] {
  const end = incident.resolvedAtMs;
  if (end === null) return ['- **Duration**: still open'];
  return [
    `- **Duration**: ${formatDuration(end - incident.detectedAtMs)} from detection to resolution (${formatDuration(end - incident.startedAtMs)} from the start of the problem)`,
  ];
}

function roleLines(incident: Incident): string[] {
  const { roles } = incident;
  return [
    `- **Incident commander**: ${roles.commander ?? 'none recorded'}`,
    `- **Primary resolver**: ${roles.primaryResolver ?? 'none recorded'}`,
    `- **Communications lead**: ${roles.communicationsLead ?? 'none recorded'}`,
    `- **Subject-matter experts**: ${orNone(roles.subjectMatterExperts)}`,
  ];
}

function summarySection(incident: Incident): string[] {
  return [
    '## Incident Summary',
    `- **Incident**: ${incident.id}`,
    `- **Date**: ${new Date(incident.startedAtMs).toISOString().slice(0, 10)}`,
    ...durationLines(incident),
    `- **Severity**: ${incident.severity}`,
    ...roleLines(incident),
    '',
    incident.description.trim() === '' ? '[A few sentences: what happened, who was affected, how it ended.]' : incident.description.trim(),
  ];
}

function impactSection(incident: Incident): string[] {
  const times = [
    `- **Started**: ${formatUtc(incident.startedAtMs)}`,
    `- **Detected**: ${formatUtc(incident.detectedAtMs)}`,
    `- **Acknowledged**: ${incident.acknowledgedAtMs === null ? 'never' : `${formatUtc(incident.acknowledgedAtMs)}${incident.acknowledgedBy === null ? '' : ` by ${incident.acknowledgedBy}`}`}`,
    `- **Resolved**: ${incident.resolvedAtMs === null ? 'not yet' : `${formatUtc(incident.resolvedAtMs)}${incident.resolvedBy === null ? '' : ` by ${incident.resolvedBy}`}`}`,
  ];
  return [
    '## Impact',
    ...durationLines(incident),
    ...times,
    `- **Services affected**: ${orNone(incident.services)}`,
    `- **SLOs affected**: ${orNone(incident.slos)}${incident.slos.length === 0 ? '' : ' [add the error budget each one burned]'}`,
    `- **Customer impact**: ${incident.customerImpact.trim() === '' ? '[Who noticed, what they could not do, for how long.]' : incident.customerImpact.trim()}`,
    ...(incident.reopenCount > 0 ? [`- **Reopened**: ${incident.reopenCount} time(s) after being resolved`] : []),
  ];
}

/**
 * The draft Markdown for a (resolved) incident and its timeline. Blameless by construction: the
 * prompts ask about systems and conditions, never about who is at fault.
 */
export function renderPostmortemDraft(incident: Incident, timeline: readonly TimelineEntry[]): string {
  const lines = [
    `# Post-Incident Review: ${incident.title}`,
    '',
    '> Blameless review: describe what the systems and the people in them saw and did, and why it made sense at the time. Ask how, not who.',
    '',
    ...summarySection(incident),
    '',
    ...impactSection(incident),
    '',
    '## Timeline',
    renderTimelineTable(timeline),
    '',
    '## Root Cause Analysis',
    '### What Happened',
    '[Detailed technical explanation]',
    '',
    '### Why It Happened',
    '[Root cause identification]',
    '',
    '## Contributing Factors',
    '- [Factor 1]',
    '- [Factor 2]',
    '',
    '## Resolution',
    '### Immediate Actions',
    '- [Action taken to resolve]',
    '',
    '### Temporary Mitigations',
    '- [Workarounds implemented]',
    '',
    '## Lessons Learned',
    '### What Went Well',
    '- [Positive aspects]',
    '',
    '### What Went Wrong',
    '- [Areas for improvement]',
    '',
    '## Action Items',
    'Tracked in sre-monitor (`/api/v1/incidents/' + incident.id + '/action-items`); the exported document lists them here.',
    '',
    renderActionItemTable([]),
    '',
    '## Prevention',
    '### Short-term (1-4 weeks)',
    '- [Immediate preventive measures]',
    '',
    '### Long-term (1-6 months)',
    '- [Structural improvements]',
    '',
    '### Monitoring Improvements',
    '- [New alerts or dashboards needed]',
    '',
  ];
  return lines.join('\n');
}
