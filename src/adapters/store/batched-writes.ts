/**
 * Multi-row writes in bounded statements. A statement per row would cost a round trip (and a
 * statement step in SQLite) per row, too slow for ~1,000 check results a second; one statement
 * for any number of rows would break the bound-parameter limits (SQLite 32,766, PostgreSQL
 * 65,535) and build huge SQL strings. 1,000 rows of at most 30 columns stay under both.
 */
import { atomically, type StoreExecutor } from './executor.js';

const maxRowsPerStatement = 1000;
const maxParametersPerStatement = 30_000;

/** Splits `items` into consecutive slices of at most `size` (≥ 1) items, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Rows per statement for a write binding `parametersPerRow` values per row. */
export function rowsPerStatement(parametersPerRow: number): number {
  return Math.max(1, Math.min(maxRowsPerStatement, Math.floor(maxParametersPerStatement / parametersPerRow)));
}

/**
 * Runs `write` once per chunk of `rows`. Several chunks share one transaction so a batch is
 * written whole or not at all; a single chunk is one statement and atomic already.
 */
export async function writeInChunks<T>(
  executor: StoreExecutor,
  rows: readonly T[],
  parametersPerRow: number,
  write: (executor: StoreExecutor, rows: T[]) => Promise<void>,
): Promise<void> {
  const chunks = chunk(rows, rowsPerStatement(parametersPerRow));
  if (chunks.length === 0) return;
  if (chunks.length === 1) {
    await write(executor, chunks[0]!);
    return;
  }
  await atomically(executor, async (writer) => {
    for (const rowsOfChunk of chunks) await write(writer, rowsOfChunk);
  });
}

/**
 * Keeps the last of several items with the same key, in first-seen order. A multi-row upsert
 * must not name a key twice: PostgreSQL refuses ("cannot affect row a second time") where
 * SQLite would apply both, so this makes "the later one wins" hold on both.
 */
export function lastPerKey<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(keyOf(item), item);
  return [...byKey.values()];
}
