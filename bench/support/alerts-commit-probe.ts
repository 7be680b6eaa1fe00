/**
 * What one durable SQLite commit costs on this disk: the server's SQLite store commits with
 * `synchronous = FULL` (an fsync of the WAL per commit), and better-sqlite3 waits for it on the
 * event loop, so this figure bounds every write path that commits one row at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';

/** Mean ms of `commits` single-row autocommit inserts in a temp WAL database with synchronous = FULL. */
export function durableCommitMs(commits = 100): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sre-monitor-bench-commit-'));
  try {
    const database = new BetterSqlite3(path.join(dir, 'probe.db'));
    try {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = FULL');
      database.exec('CREATE TABLE probe (value INTEGER)');
      const insert = database.prepare('INSERT INTO probe (value) VALUES (?)');
      const started = performance.now();
      for (let index = 0; index < commits; index += 1) insert.run(index);
      return (performance.now() - started) / commits;
    } finally {
      database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
