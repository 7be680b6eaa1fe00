import { describe, expect, it } from 'vitest';
import type { ActionItem } from './action-item.js';
import { exportPostmortemMarkdown, parsePostmortem } from './postmortem-markdown.js';

const item: ActionItem = {
  id: 'a1',
  incidentId: 'INC-2026-1123-001',
  title: 'Alert on pool saturation',
  owner: 'alice',
  dueAtMs: Date.UTC(2026, 11, 7),
  priority: 'high',
  status: 'in_progress',
  createdAtMs: 0,
  updatedAtMs: 0,
  completedAtMs: null,
  overdueAlertedAtMs: null,
};
const itemRow = '| Alert on pool saturation | @alice | 2026-12-07 | high | in_progress |';

describe('parsePostmortem', () => {
  it.each([
    ['a plain document', '# Title\nintro\n## A\nbody a\n### A.1\ndeep\n## B\n', 'Title', [['Title', 1, 'intro'], ['A', 2, 'body a'], ['A.1', 3, 'deep'], ['B', 2, '']]],
    ['no title', '## Only\ntext', null, [['Only', 2, 'text']]],
    ['a heading inside a code fence', '# T\n```\n# not a heading\n```\n## After closing #\n', 'T', [['T', 1, '```\n# not a heading\n```'], ['After closing', 2, '']]],
    ['CRLF line ends', '# T\r\n## S\r\nx\r\n', 'T', [['T', 1, ''], ['S', 2, 'x']]],
  ])('%s', (_name, markdown, title, sections) => {
    const parsed = parsePostmortem(markdown);
    expect(parsed.title).toBe(title);
    expect(parsed.sections.map((section) => [section.heading, section.level, section.body])).toEqual(sections);
  });
});

describe('exportPostmortemMarkdown', () => {
  const header = '| Action | Owner | Due Date | Priority | Status |\n|---|---|---|---|---|';

  it('replaces the first table of the Action Items section, keeping the text around it and what follows', () => {
    const markdown = '# T\n## Action Items\nAgreed in the review:\n\n| a | b |\n|---|---|\n| old | row |\n\nSee also the tracker.\n### Sub\n| other | table |\n## Prevention\nkeep me\n';
    expect(exportPostmortemMarkdown(markdown, [item])).toBe(
      `# T\n## Action Items\nAgreed in the review:\n\n${header}\n${itemRow}\n\nSee also the tracker.\n### Sub\n| other | table |\n## Prevention\nkeep me\n`,
    );
  });

  it('adds the table at the end of a section that has none, and recognises the heading whatever its case', () => {
    expect(exportPostmortemMarkdown('## action-items\nTo do.\n\n## Next\n', [item])).toBe(`## action-items\nTo do.\n\n${header}\n${itemRow}\n\n## Next\n`);
  });

  it('hands the text out unchanged without tracked items, and appends the section to a document without one', () => {
    expect(exportPostmortemMarkdown('# T\nedited by hand\n', [])).toBe('# T\nedited by hand\n');
    expect(exportPostmortemMarkdown('# T\nedited by hand\n', [item])).toBe(`# T\nedited by hand\n\n## Action Items\n${header}\n${itemRow}\n`);
  });
});
