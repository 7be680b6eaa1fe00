/**
 * Stored counts for the restart part of `npm run bench -- slo`, written straight into the
 * store's count tables with SQL, because tens of millions of rows through `sloCounts.add` would
 * take longer than the rest of the benchmark. The shape is what the server keeps after 30 days
 * with traffic in every minute of every SLO: 1-minute rows for the last `minuteDays` (retention
 * keeps 4 days) and 1-hour rows for `hourDays`; the hours that overlap the minutes are their
 * sums, older hours ~60 minutes of the same traffic. Values come from a deterministic hash of
 * (SLO row number, minute), so both stores hold the same data.
 *
 * Rows are written in time order, one statement per minute (and per hour) holding that bucket
 * of every SLO, as a running server writes them. The physical layout matters: written SLO by
 * SLO, one SLO's 4,320 minute rows would share a few dozen pages; written as they arrive, each
 * sits on a page of its own (PostgreSQL EXPLAIN on such a table: 4,320 rows, 4,320 heap
 * blocks), and the restore reads accordingly.
 *
 * Runs while the server is stopped, against a store it has migrated and filled with the SLOs.
 * Rows written behind the server's back make its restart checkpoints wrong, so both fills delete
 * them (`slo_checkpoints`): the next start restores every SLO from rows and writes new ones.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { dayMs, hourMs, minuteMs } from './slo-synthetic.js';

export interface RestartDataShape {
  /** End of the newest minute bucket, ms since the epoch (a minute boundary). */
  endMs: number;
  /** Days of 1-minute rows before endMs. */
  minuteDays: number;
  /** Days of 1-hour rows before endMs. */
  hourDays: number;
}

export interface RestartDataResult {
  minuteRows: number;
  hourRows: number;
  ms: number;
}

/** Bucket ends, oldest first: minutes, hours before the first minute, hours that hold minutes. */
function bucketsOf(shape: RestartDataShape): { minuteEnds: number[]; oldHourEnds: number[]; recentHourEnds: number[] } {
  const minutes = Math.round((shape.minuteDays * dayMs) / minuteMs);
  const firstMinuteEnd = shape.endMs - (minutes - 1) * minuteMs;
  const lastHourEnd = Math.ceil(shape.endMs / hourMs) * hourMs;
  const firstHourEnd = lastHourEnd - (Math.round((shape.hourDays * dayMs) / hourMs) - 1) * hourMs;
  const firstMinuteHourEnd = Math.ceil(firstMinuteEnd / hourMs) * hourMs;
  const minuteEnds = Array.from({ length: minutes }, (_, i) => firstMinuteEnd + i * minuteMs);
  const oldHourEnds: number[] = [];
  const recentHourEnds: number[] = [];
  for (let end = firstHourEnd; end <= lastHourEnd; end += hourMs) (end < firstMinuteHourEnd ? oldHourEnds : recentHourEnds).push(end);
  return { minuteEnds, oldHourEnds, recentHourEnds };
}

/**
 * (good, total) of SLO row `r` in bucket `i` as SQL over named parameters `$i`: 50-149 events a
 * minute with a bad one in 1 of 500 minutes, or ~6,000 an hour with 0-6 bad.
 */
const minuteTotal = '(50 + ((r * 7919 + $i * 104729) % 100))';
const minuteGood = `${minuteTotal} - (case when (r * 31 + $i * 17) % 500 = 0 then 1 else 0 end)`;
const hourTotal = '(6000 + ((r * 7919 + $i * 104729) % 600))';
const hourGood = `${hourTotal} - ((r * 31 + $i * 17) % 7)`;

export function fillSqlite(file: string, shape: RestartDataShape): RestartDataResult {
  const started = performance.now();
  const db = new BetterSqlite3(file);
  try {
    // A bulk load, not a measurement: no WAL growth to gigabytes, no fsync per page, and a
    // cache big enough for the (slo, end) index that every minute's rows are spread across.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -4000000');
    db.exec('create temp table bench_slo_rows as select name, row_number() over (order by name) as r from slos');
    const { minuteEnds, oldHourEnds, recentHourEnds } = bucketsOf(shape);
    const insertMinute = db.prepare(`insert into slo_counts_1m (slo, end_ms, good, total) select name, $end, ${minuteGood}, ${minuteTotal} from bench_slo_rows order by r`);
    const insertOldHour = db.prepare(`insert into slo_counts_1h (slo, end_ms, good, total) select name, $end, ${hourGood}, ${hourTotal} from bench_slo_rows order by r`);
    const insertRecentHour = db.prepare(`
      insert into slo_counts_1h (slo, end_ms, good, total)
      select slo, $end, sum(good), sum(total) from slo_counts_1m where end_ms > $end - ${hourMs} and end_ms <= $end group by slo order by slo`);
    let minuteRows = 0;
    let hourRows = 0;
    db.transaction(() => {
      oldHourEnds.forEach((end, i) => (hourRows += insertOldHour.run({ end, i }).changes));
      minuteEnds.forEach((end, i) => (minuteRows += insertMinute.run({ end, i }).changes));
      for (const end of recentHourEnds) hourRows += insertRecentHour.run({ end }).changes;
    })();
    db.exec('drop table bench_slo_rows');
    db.exec('delete from slo_checkpoints');
    db.pragma('journal_mode = WAL');
    return { minuteRows, hourRows, ms: performance.now() - started };
  } finally {
    db.close();
  }
}

export async function fillPostgres(url: string, shape: RestartDataShape): Promise<RestartDataResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    await client.query('create temp table bench_slo_rows as select name, row_number() over (order by name) as r from slos');
    const { minuteEnds, oldHourEnds, recentHourEnds } = bucketsOf(shape);
    const numbered = (sql: string) => sql.replaceAll('$end', '$1::bigint').replaceAll('$i', '$2::bigint');
    let minuteRows = 0;
    let hourRows = 0;
    for (const [i, end] of oldHourEnds.entries()) {
      hourRows += (await client.query(numbered(`insert into slo_counts_1h (slo, end_ms, good, total) select name, $end, ${hourGood}, ${hourTotal} from bench_slo_rows order by r`), [end, i])).rowCount ?? 0;
    }
    for (const [i, end] of minuteEnds.entries()) {
      minuteRows += (await client.query(numbered(`insert into slo_counts_1m (slo, end_ms, good, total) select name, $end, ${minuteGood}, ${minuteTotal} from bench_slo_rows order by r`), [end, i])).rowCount ?? 0;
    }
    for (const end of recentHourEnds) {
      hourRows += (await client.query(`
        insert into slo_counts_1h (slo, end_ms, good, total)
        select slo, $1::bigint, sum(good), sum(total) from slo_counts_1m where end_ms > $1::bigint - ${hourMs} and end_ms <= $1::bigint group by slo order by slo`, [end])).rowCount ?? 0;
    }
    await client.query('delete from slo_checkpoints');
    // As a long-running server's tables would be: vacuumed and analysed (autovacuum would do it
    // anyway, in the middle of the measured restart).
    await client.query('vacuum (analyze) slo_counts_1m, slo_counts_1h');
    return { minuteRows, hourRows, ms: performance.now() - started };
  } finally {
    await client.end();
  }
}

/**
 * The minutes a running server would have stored since the fill (or the last top-up): 1-minute
 * rows for every minute end in (fromMs, toMs], and the hours they touch recomputed from the
 * minutes. Written while the server is stopped, before a measured restart, so its replay after
 * the checkpoints reads as many minutes as it would after real traffic (all are after every cut).
 */
export function topUpSqlite(file: string, fromMs: number, toMs: number): number {
  const db = new BetterSqlite3(file);
  try {
    db.exec('create temp table bench_slo_rows as select name, row_number() over (order by name) as r from slos');
    const insertMinute = db.prepare(`insert into slo_counts_1m (slo, end_ms, good, total) select name, $end, ${minuteGood}, ${minuteTotal} from bench_slo_rows order by r`);
    const deleteHour = db.prepare('delete from slo_counts_1h where end_ms = $end');
    const insertHour = db.prepare(`
      insert into slo_counts_1h (slo, end_ms, good, total)
      select slo, $end, sum(good), sum(total) from slo_counts_1m where end_ms > $end - ${hourMs} and end_ms <= $end group by slo order by slo`);
    let rows = 0;
    db.transaction(() => {
      for (let end = fromMs + minuteMs; end <= toMs; end += minuteMs) rows += insertMinute.run({ end, i: end / minuteMs }).changes;
      for (let end = Math.ceil((fromMs + minuteMs) / hourMs) * hourMs; end < toMs + hourMs; end += hourMs) {
        deleteHour.run({ end });
        insertHour.run({ end });
      }
    })();
    db.exec('drop table bench_slo_rows');
    return rows;
  } finally {
    db.close();
  }
}

export async function topUpPostgres(url: string, fromMs: number, toMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create temp table bench_slo_rows as select name, row_number() over (order by name) as r from slos');
    const numbered = (sql: string) => sql.replaceAll('$end', '$1::bigint').replaceAll('$i', '$2::bigint');
    let rows = 0;
    await client.query('begin');
    for (let end = fromMs + minuteMs; end <= toMs; end += minuteMs) {
      rows += (await client.query(numbered(`insert into slo_counts_1m (slo, end_ms, good, total) select name, $end, ${minuteGood}, ${minuteTotal} from bench_slo_rows order by r`), [end, end / minuteMs])).rowCount ?? 0;
    }
    for (let end = Math.ceil((fromMs + minuteMs) / hourMs) * hourMs; end < toMs + hourMs; end += hourMs) {
      await client.query('delete from slo_counts_1h where end_ms = $1::bigint', [end]);
      await client.query(`
        insert into slo_counts_1h (slo, end_ms, good, total)
        select slo, $1::bigint, sum(good), sum(total) from slo_counts_1m where end_ms > $1::bigint - ${hourMs} and end_ms <= $1::bigint group by slo order by slo`, [end]);
    }
    await client.query('commit');
    return rows;
  } finally {
    await client.end();
  }
}
