import { describe, expect, it } from 'vitest';
import { baseIncident, baseTimelineEntry, incidentEpochMs } from '../incidents/incident-builders.contract.js';
import { formatDuration, formatUtc, postmortemSectionTitles, renderPostmortemDraft, renderTimelineTable } from './postmortem-template.js';
import { parsePostmortem } from './postmortem-markdown.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [45 * 60_000, '45 min'],
    [45 * 60_000 + 30_000, '45 min 30 s'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 5 min'],
    [3 * 86_400_000 + 3_600_000, '3 d 1 h'],
    [-5000, '0 s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderTimelineTable', () => {
  it('lists entries oldest first in UTC with their actor, pipes escaped', () => {
    const table = renderTimelineTable([
      baseTimelineEntry({ id: 3, atMs: incidentEpochMs + 600_000, actor: 'bob', kind: 'note', message: 'pool size | 50 -> 100' }),
      baseTimelineEntry({ id: 2, atMs: incidentEpochMs + 60_000, actor: 'sre-monitor', kind: 'created', message: 'opened' }),
    ]).split('\n');
    expect(table).toEqual([
      '| Time (UTC) | Actor | Event | Details |',
      '|---|---|---|---|',
      '| 2026-11-23 14:01:00 UTC | sre-monitor | created | opened |',
      '| 2026-11-23 14:10:00 UTC | bob | note | pool size \\| 50 -> 100 |',
    ]);
  });

  it('says so when there are no entries', () => {
    expect(renderTimelineTable([])).toMatch(/No timeline entries/);
  });
});

describe('renderPostmortemDraft', () => {
  const draft = renderPostmortemDraft(baseIncident(), [baseTimelineEntry(), baseTimelineEntry({ id: 2, atMs: incidentEpochMs + 5 * 60_000, actor: 'bob', kind: 'acknowledged', message: 'acknowledged' })]);
  const parsed = parsePostmortem(draft);

  it("has seed 004's sections in order under the incident's title", () => {
    expect(parsed.title).toBe('Post-Incident Review: Checkout API returns 503');
    expect(parsed.sections.filter((section) => section.level === 2).map((section) => section.heading)).toEqual([...postmortemSectionTitles]);
    expect(parsed.sections.filter((section) => section.level === 3).map((section) => section.heading)).toEqual([
      'What Happened', 'Why It Happened', 'Immediate Actions', 'Temporary Mitigations', 'What Went Well', 'What Went Wrong', 'Short-term (1-4 weeks)', 'Long-term (1-6 months)', 'Monitoring Improvements',
    ]);
  });

  it.each([
    ['Incident Summary', '- **Incident**: INC-2026-1123-001'],
    ['Incident Summary', '- **Severity**: P2'],
    ['Incident Summary', '- **Incident commander**: alice'],
    ['Impact', '- **Duration**: 45 min from detection to resolution (47 min from the start of the problem)'],
    ['Impact', '- **Services affected**: checkout'],
    ['Impact', '- **SLOs affected**: checkout-availability [add the error budget each one burned]'],
    ['Impact', '- **Customer impact**: Customers could not pay'],
    ['Impact', `- **Detected**: ${formatUtc(incidentEpochMs + 120_000)}`],
    ['Timeline', '| 2026-11-23 14:05:00 UTC | bob | acknowledged | acknowledged |'],
  ])('prefills %s with %s', (heading, line) => {
    expect(parsed.sections.find((section) => section.heading === heading)?.body.split('\n')).toContain(line);
  });

  it('mentions reopenings and leaves a prompt for an empty customer impact', () => {
    const text = renderPostmortemDraft(baseIncident({ reopenCount: 2, customerImpact: '' }), []);
    expect(text).toContain('- **Reopened**: 2 time(s) after being resolved');
    expect(text).toContain('- **Customer impact**: [Who noticed');
  });
});
