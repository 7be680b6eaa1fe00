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

const foreignKeyViolationCodes = new Set(['SQLITE_CONSTRAINT_FOREIGNKEY', '23503']);

/** True when `error` is a foreign-key violation (a row naming a parent that does not exist) in either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    foreignKeyViolationCodes.has(error.code)
  );
}
