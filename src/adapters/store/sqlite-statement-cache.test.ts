import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.js';

describe('withStatementCache', () => {
  const opened: BetterSqlite3.Database[] = [];
  const open = () => {
    const database = new BetterSqlite3(':memory:');
    opened.push(database);
    let prepared = 0;
    const prepare = database.prepare.bind(database);
    database.prepare = ((sql: string) => {
      prepared += 1;
      return prepare(sql);
    });
    return { database, prepared: () => prepared };
  };
  afterEach(() => {
    for (const database of opened.splice(0)) if (database.open) database.close();
  });

  it('prepares each SQL text once and answers the same statement again', () => {
    const { database, prepared } = open();
    const cached = withStatementCache(database);
    cached.prepare('create table t (n integer)').run([]);
    for (let n = 0; n < 5; n += 1) cached.prepare('insert into t (n) values (?)').run([n]);
    expect(cached.prepare('select sum(n) as total from t').all([])).toEqual([{ total: 10 }]);
    expect(prepared()).toBe(3);
  });

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const { database, prepared } = open();
    const cached = withStatementCache(database, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1');
    cached.prepare('select 3');
    expect(prepared()).toBe(3);
    cached.prepare('select 1');
    expect(prepared()).toBe(3);
    cached.prepare('select 2');
    expect(prepared()).toBe(4);
  });

  it('still runs a cached statement after the schema changed', () => {
    const { database } = open();
    const cached = withStatementCache(database);
    cached.prepare('create table t (n integer)').run([]);
    cached.prepare('insert into t (n) values (?)').run([1]);
    database.exec('alter table t add column m integer default 7');
    expect(cached.prepare('select * from t').all([])).toEqual([{ n: 1, m: 7 }]);
    cached.prepare('insert into t (n) values (?)').run([2]);
    expect(cached.prepare('select * from t').all([])).toEqual([{ n: 1, m: 7 }, { n: 2, m: 7 }]);
  });

  it('closes the database', () => {
    const { database } = open();
    withStatementCache(database).close();
    expect(database.open).toBe(false);
  });
});
