/**
 * What repositories run their queries on: the store's Kysely instance, or the Transaction that
 * `Store.transaction` opened. Binding repositories to an executor is what lets one repository
 * implementation serve both plain calls and calls inside a caller's transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { ValidationError } from '../../core/errors.js';

export type StoreExecutor = Kysely<Database>;

/**
 * Runs multi-statement writes atomically: inside the caller's transaction when there is one
 * (Kysely cannot nest `transaction()`), else in a transaction of their own.
 */
export function atomically<T>(executor: StoreExecutor, work: (executor: StoreExecutor) => Promise<T>): Promise<T> {
  return executor.isTransaction ? work(executor) : executor.transaction().execute(work);
}

/**
 * Page sizes are checked here because the dialects disagree on bad ones: PostgreSQL rejects a
 * negative LIMIT while SQLite reads it as "no limit".
 */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValidationError([{ field: 'limit', message: `must be a non-negative integer, got ${limit}` }]);
  }
  return limit;
}
