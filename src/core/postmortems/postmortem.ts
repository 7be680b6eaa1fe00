/**
 * src/core/postmortems: blameless postmortems (seed 004's post-incident review) and their
 * action items. Pure data and functions; times are milliseconds since the Unix epoch.
 *
 * A postmortem is one editable Markdown document per incident. The template only shapes the
 * first draft: after creation the text is the author's, stored as written, and no section is
 * forced back in. `version` increases on every write so concurrent editors cannot overwrite each
 * other (optimistic concurrency, the HTTP layer's ETag / If-Match).
 */
import { ValidationError } from '../errors.js';

export const postmortemStatuses = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof postmortemStatuses)[number];

export interface Postmortem {
  /** One postmortem per incident: the incident's id is its key. */
  incidentId: string;
  markdown: string;
  status: PostmortemStatus;
  /** Who created the draft. */
  author: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** 1 on creation, +1 on every write. */
  version: number;
}

/** 256 KiB of text is far beyond any review and keeps one row bounded. */
export const maxPostmortemMarkdownLength = 262_144;

export function checkPostmortemMarkdown(markdown: string, field = 'markdown'): string {
  if (markdown.trim() === '') throw new ValidationError([{ field, message: 'must not be empty' }]);
  if (markdown.length > maxPostmortemMarkdownLength) throw new ValidationError([{ field, message: `must be at most ${maxPostmortemMarkdownLength} characters` }]);
  return markdown;
}

/** The postmortem after an edit at `nowMs` (text and optionally status), one version later. */
export function editPostmortem(postmortem: Postmortem, change: { markdown?: string; status?: PostmortemStatus }, nowMs: number): Postmortem {
  return {
    ...postmortem,
    markdown: change.markdown === undefined ? postmortem.markdown : checkPostmortemMarkdown(change.markdown),
    status: change.status ?? postmortem.status,
    updatedAtMs: nowMs,
    version: postmortem.version + 1,
  };
}
