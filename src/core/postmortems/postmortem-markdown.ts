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
 * The document to hand out: the stored text with the body of its level-2 "Action Items" section
 * (up to the next heading of level 1 or 2) replaced by a table of `items`. A document whose
 * author removed that section gets it appended, but only when there are items to list.
 */
export function exportPostmortemMarkdown(markdown: string, items: readonly ActionItem[]): string {
  const lines = markdown.split(/\r?\n/);
  const headings = headingLines(lines);
  const at = headings.findIndex((heading) => heading.level === 2 && normalise(heading.heading) === 'actionitems');
  const table = renderActionItemTable(items);
  if (at < 0) {
    if (items.length === 0) return markdown;
    return `${markdown.replace(/\s*$/, '')}\n\n## Action Items\n${table}\n`;
  }
  const start = headings[at]!.index;
  const next = headings.slice(at + 1).find((heading) => heading.level <= 2);
  const end = next?.index ?? lines.length;
  const tail = lines.slice(end);
  const replaced = [...lines.slice(0, start + 1), table, ...(tail.length > 0 ? ['', ...tail] : [''])];
  return replaced.join('\n');
}
