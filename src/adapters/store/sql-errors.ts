/**
 * Recognising database errors the domain cares about, across drivers. better-sqlite3 throws
 * `SqliteError` with extended result codes; node-postgres and PGlite throw errors carrying the
 * SQLSTATE in `code`.
 */
const uniqueViolationCodes = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE', '23505']);

/** True when `error` is a primary-key or unique-constraint violation in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    uniqueViolationCodes.has(error.code)
  );
}
