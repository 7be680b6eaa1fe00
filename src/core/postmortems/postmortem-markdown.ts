/**
 * Reading an edited postmortem back: its title and sections (ATX headings, ignoring `#` lines
 * inside fenced code blocks), and the exported document, whose "Action Items" section lists the
 * action items as tracked rather than whatever the text last said about them.
 */
import type { ActionItem } from './action-item.js';
import { renderActionItemTable } from './postmortem-template.js';

export interface PostmortemSection {
  /** Heading text without the `#`s. */
  heading: string;
  /** 1 for `#`, 2 for `##` ... */
  level: number;
  /** The lines under the heading up to the next heading of any level, trimmed. */
  body: string;
}

export interface ParsedPostmortem {
  /** The first level-1 heading, or null when there is none. */
  title: string | null;
  sections: PostmortemSection[];
}

const headingPattern = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const fencePattern = /^ {0,3}(```|~~~)/;

interface HeadingLine {
  index: number;
  level: number;
  heading: string;
}

function headingLines(lines: readonly string[]): HeadingLine[] {
  const found: HeadingLine[] = [];
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const fenceMatch = fencePattern.exec(line);
    if (fenceMatch !== null) {
      const marker = fenceMatch[1]!;
      if (fence === null) fence = marker;
      else if (fence === marker) fence = null;
      return;
    }
    if (fence !== null) return;
    const match = headingPattern.exec(line);
    if (match !== null) found.push({ index, level: match[1]!.length, heading: match[2]!.trim() });
  });
  return found;
}

export function parsePostmortem(markdown: string): ParsedPostmortem {
  const lines = markdown.split(/\r?\n/);
  const headings = headingLines(lines);
  const sections = headings.map((heading, position) => {
    const end = headings[position + 1]?.index ?? lines.length;
    return { heading: heading.heading, level: heading.level, body: lines.slice(heading.index + 1, end).join('\n').trim() };
  });
  return { title: sections.find((section) => section.level === 1)?.heading ?? null, sections };
}

const normalise = (heading: string) => heading.toLowerCase().replace(/[^a-z]/g, '');

/**
 * The document to hand out: the stored text with the action items as tracked. In the level-2
 * "Action Items" section (up to the next heading of level 1 or 2) the first Markdown table is
 * replaced by a table of `items`, keeping whatever the authors wrote around it; a section without
 * a table gets it at its end, and a document without the section gets the section appended.
 * Without tracked items the text is handed out exactly as stored.
 */
export function exportPostmortemMarkdown(markdown: string, items: readonly ActionItem[]): string {
  if (items.length === 0) return markdown;
  const lines = markdown.split(/\r?\n/);
  const headings = headingLines(lines);
  const at = headings.findIndex((heading) => heading.level === 2 && normalise(heading.heading) === 'actionitems');
  const table = renderActionItemTable(items).split('\n');
  if (at < 0) return `${markdown.replace(/\s*$/, '')}\n\n## Action Items\n${table.join('\n')}\n`;
  const start = headings[at]!.index + 1;
  const end = headings.slice(at + 1).find((heading) => heading.level <= 2)?.index ?? lines.length;
  const isRow = (line: string) => line.trimStart().startsWith('|');
  let first = -1;
  for (let index = start; index < end && first < 0; index += 1) if (isRow(lines[index]!)) first = index;
  if (first >= 0) {
    let last = first;
    while (last + 1 < end && isRow(lines[last + 1]!)) last += 1;
    return [...lines.slice(0, first), ...table, ...lines.slice(last + 1)].join('\n');
  }
  let insertAt = end;
  while (insertAt > start && lines[insertAt - 1]!.trim() === '') insertAt -= 1;
  return [...lines.slice(0, insertAt), ...(insertAt > start ? [''] : []), ...table, ...lines.slice(insertAt)].join('\n');
}
