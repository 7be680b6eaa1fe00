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
  it('replaces the Action Items body, with its subsections, and keeps what follows', () => {
    const markdown = '# T\n## Action Items\nold text\n### Old sub\nx\n## Prevention\nkeep me\n';
    expect(exportPostmortemMarkdown(markdown, [item])).toBe(
      ['# T', '## Action Items', '| Action | Owner | Due Date | Priority | Status |', '|---|---|---|---|---|', itemRow, '', '## Prevention', 'keep me', ''].join('\n'),
    );
  });

  it('recognises the heading whatever its case or punctuation', () => {
    expect(exportPostmortemMarkdown('## action-items\nx', [item])).toContain(itemRow);
  });

  it('keeps a document without the section unchanged when there are no items, and appends it when there are', () => {
    expect(exportPostmortemMarkdown('# T\nedited by hand\n', [])).toBe('# T\nedited by hand\n');
    expect(exportPostmortemMarkdown('# T\nedited by hand\n', [item])).toBe(`# T\nedited by hand\n\n## Action Items\n| Action | Owner | Due Date | Priority | Status |\n|---|---|---|---|---|\n${itemRow}\n`);
  });
});
