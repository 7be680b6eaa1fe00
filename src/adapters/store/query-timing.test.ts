import { describe, expect, it } from 'vitest';
import { queryOperationOf } from './query-timing.js';

describe('queryOperationOf', () => {
  it.each([
    ['select "name" from "services"', 'select'],
    ['  SELECT 1', 'select'],
    ['insert into "audit_log" ("at") values ($1)', 'insert'],
    ['update "api_tokens" set "last_used_at" = ?', 'update'],
    ['Delete from "services" where "name" = ?', 'delete'],
    ['create table "services" ("name" text)', 'other'],
    ['with recent as (select 1) select * from recent', 'other'],
    ['begin immediate', 'other'],
    ['', 'other'],
  ])('labels %j as %s', (sqlText, expected) => {
    expect(queryOperationOf(sqlText)).toBe(expected);
  });
});
