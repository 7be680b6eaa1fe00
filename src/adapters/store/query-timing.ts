/**
 * Query timing for the `sre_monitor_store_query_duration_seconds` histogram, fed from Kysely's
 * `log` hook so every query of every repository is measured without wrapping each call.
 */
import type { LogEvent, Logger } from 'kysely';
import type { QueryTimingListener } from './store.js';

/** Bounded on purpose: it becomes a metric label, and free text would explode its cardinality. */
export type QueryOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';

const knownOperations = new Set<string>(['select', 'insert', 'update', 'delete']);

/** The statement's first keyword, lower-cased, or `other` (DDL, transaction control, CTEs). */
export function queryOperationOf(sqlText: string): QueryOperation {
  const keyword = /^\s*([a-z]+)/i.exec(sqlText)?.[1]?.toLowerCase() ?? '';
  return knownOperations.has(keyword) ? (keyword as QueryOperation) : 'other';
}

/**
 * A Kysely logger reporting each query's duration in seconds, failed queries included (a slow
 * failure is still time spent). Undefined without a listener so Kysely skips timing entirely.
 */
export function createQueryTimingLogger(listener: QueryTimingListener | undefined): Logger | undefined {
  if (listener === undefined) return undefined;
  return (event: LogEvent) => {
    listener(queryOperationOf(event.query.sql), event.queryDurationMillis / 1000);
  };
}
