/**
 * JSON stored as text in both dialects (portable, and PostgreSQL's jsonb would reorder keys).
 * SQL NULL stands for both `null` and `undefined`, so optional before/after states need no
 * sentinel.
 */

export function toJsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  // JSON.stringify returns undefined for functions and symbols; store those as absent too.
  const text: string | undefined = JSON.stringify(value);
  return text ?? null;
}

export function fromJsonText(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Parses a column this store itself wrote as a JSON array of strings. */
export function parseStringArray(text: string): string[] {
  return JSON.parse(text) as string[];
}
