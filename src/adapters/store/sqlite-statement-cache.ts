/**
 * Prepared statements kept across queries for Kysely's SQLite driver. Kysely prepares every
 * query's SQL again on each execution (`db.prepare(sql)` per call); under a burst of alerting
 * writes that was 4 – 7 % of the server's CPU (the same few statements compiled thousands of
 * times a second). The driver runs one statement at a time on its single connection, so a
 * statement can be reused safely; distinct SQL texts (multi-row inserts of varying size, `in`
 * lists) are bounded by a least-recently-used limit.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Default number of distinct SQL texts kept prepared. */
export const defaultCachedStatements = 256;

/** `database` as Kysely's SqliteDialect sees it, with `prepare` answered from the cache. */
export function withStatementCache(database: BetterSqlite3.Database, capacity = defaultCachedStatements): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close() {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
