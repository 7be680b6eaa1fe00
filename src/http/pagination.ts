/**
 * Opaque cursors for keyset pagination. Clients pass back `next_cursor` unchanged; its content
 * (the last key of the page) is an implementation detail we may change.
 */
import Type from 'typebox';
import { ValidationError } from '../core/errors.js';

export const PaginationQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Items per page (default 50, at most 500).' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'The `next_cursor` of the previous page.' })),
};

export const defaultPageSize = 50;

export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor<T extends 'string' | 'number'>(cursor: string | undefined, kind: T): (T extends 'string' ? string : number) | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === kind) return parsed.k as T extends 'string' ? string : number;
  } catch {
    // fall through to the validation error below
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API; start again without it' }]);
}

/** Fetches one more than asked so we know whether there is a next page without a count query. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string | number): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
