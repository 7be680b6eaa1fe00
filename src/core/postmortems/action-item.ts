/**
 * Postmortem action items: the follow-up work a review agrees on, tracked until done.
 *
 * Priority uses seed 004's words (`high`, `medium`, `low`, as in its action-item table) rather
 * than P1..P4, so an action item's priority is never confused with an incident's severity.
 * `done` and `wont_do` close an item; only open items (`open`, `in_progress`) can be overdue.
 */
import { ValidationError, type FieldProblem } from '../errors.js';

export const actionItemPriorities = ['high', 'medium', 'low'] as const;
export type ActionItemPriority = (typeof actionItemPriorities)[number];

export const actionItemStatuses = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ActionItemStatus = (typeof actionItemStatuses)[number];

export interface ActionItem {
  id: string;
  incidentId: string;
  title: string;
  owner: string;
  /** Due at this instant (ms since the epoch); a date given without a time means the end of that UTC day. */
  dueAtMs: number;
  priority: ActionItemPriority;
  status: ActionItemStatus;
  createdAtMs: number;
  updatedAtMs: number;
  /** When it became done (or wont_do); null while open. */
  completedAtMs: number | null;
  /** When the overdue checker first alerted on it; null when no alert is firing for it. */
  overdueAlertedAtMs: number | null;
}

/** The fields a person sets; everything else is kept by the service. */
export interface ActionItemFields {
  title: string;
  owner: string;
  dueAtMs: number;
  priority: ActionItemPriority;
  status: ActionItemStatus;
}

export const maxActionItemTitleLength = 500;
export const maxOwnerLength = 200;

export function isClosedStatus(status: ActionItemStatus): boolean {
  return status === 'done' || status === 'wont_do';
}

/** Overdue: still open (open or in_progress) and its due instant has passed. */
export function isOverdue(item: Pick<ActionItem, 'status' | 'dueAtMs'>, nowMs: number): boolean {
  return !isClosedStatus(item.status) && item.dueAtMs < nowMs;
}

/**
 * Checks the fields a person wrote; `knownPeople` (when not null) is the configured people list
 * the owner must belong to. Throws ValidationError naming every bad field.
 */
export function checkActionItemFields(fields: ActionItemFields, knownPeople: ReadonlySet<string> | null, fieldPrefix = ''): ActionItemFields {
  const problems: FieldProblem[] = [];
  const field = (name: string) => `${fieldPrefix}${name}`;
  const title = fields.title.trim();
  const owner = fields.owner.trim();
  if (title === '') problems.push({ field: field('title'), message: 'must not be empty' });
  if (title.length > maxActionItemTitleLength) problems.push({ field: field('title'), message: `must be at most ${maxActionItemTitleLength} characters` });
  if (owner === '') problems.push({ field: field('owner'), message: 'must not be empty' });
  if (owner.length > maxOwnerLength) problems.push({ field: field('owner'), message: `must be at most ${maxOwnerLength} characters` });
  else if (owner !== '' && knownPeople !== null && !knownPeople.has(owner)) {
    problems.push({ field: field('owner'), message: `'${owner}' is not a configured person (known: ${[...knownPeople].sort().join(', ') || 'none'})` });
  }
  if (!Number.isSafeInteger(fields.dueAtMs)) problems.push({ field: field('due_at'), message: 'must be a valid time' });
  if (!(actionItemPriorities as readonly string[]).includes(fields.priority)) {
    problems.push({ field: field('priority'), message: `must be one of ${actionItemPriorities.join(', ')}` });
  }
  if (!(actionItemStatuses as readonly string[]).includes(fields.status)) {
    problems.push({ field: field('status'), message: `must be one of ${actionItemStatuses.join(', ')}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...fields, title, owner };
}

/**
 * The item after a person changed some fields at `nowMs`: closing it records when, reopening
 * clears that, and a change of due date or status clears the overdue mark only through the
 * checker (which also resolves the alert), so it is kept here.
 */
export function applyActionItemChange(item: ActionItem, fields: ActionItemFields, nowMs: number): ActionItem {
  const wasClosed = isClosedStatus(item.status);
  const isClosed = isClosedStatus(fields.status);
  let completedAtMs = item.completedAtMs;
  if (isClosed && !wasClosed) completedAtMs = nowMs;
  if (!isClosed) completedAtMs = null;
  return { ...item, ...fields, completedAtMs, updatedAtMs: nowMs };
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A due time as people write it: `2026-12-07` (due by the end of that UTC day, so an item due
 * today is not overdue this morning) or an RFC 3339 time. Throws ValidationError naming `field`.
 */
export function parseDueTime(text: string, field = 'due'): number {
  const date = datePattern.exec(text);
  if (date !== null) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const startMs = Date.UTC(year, month - 1, day);
    const check = new Date(startMs);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return startMs + 86_400_000;
  } else if (dateTimePattern.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new ValidationError([{ field, message: `must be a date like 2026-12-07 or an RFC 3339 time like 2026-12-07T17:00:00Z, got ${JSON.stringify(text)}` }]);
}
