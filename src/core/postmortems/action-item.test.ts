import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { applyActionItemChange, checkActionItemFields, isOverdue, parseDueTime, type ActionItem, type ActionItemFields } from './action-item.js';

const nowMs = Date.UTC(2026, 11, 1);
const fields = (overrides: Partial<ActionItemFields> = {}): ActionItemFields => ({ title: 'Add a connection-pool alert', owner: 'alice', dueAtMs: nowMs, priority: 'high', status: 'open', ...overrides });
const item = (overrides: Partial<ActionItem> = {}): ActionItem => ({
  id: 'a1',
  incidentId: 'INC-2026-1123-001',
  ...fields(),
  createdAtMs: nowMs - 1000,
  updatedAtMs: nowMs - 1000,
  completedAtMs: null,
  overdueAlertedAtMs: null,
  ...overrides,
});

describe('isOverdue', () => {
  it.each([
    ['open, due a moment ago', 'open', nowMs - 1, true],
    ['in progress, due a day ago', 'in_progress', nowMs - 86_400_000, true],
    ['open, due exactly now', 'open', nowMs, false],
    ['open, due tomorrow', 'open', nowMs + 86_400_000, false],
    ['done, due long ago', 'done', nowMs - 86_400_000, false],
    ["won't do, due long ago", 'wont_do', nowMs - 86_400_000, false],
  ] as const)('%s -> %s', (_name, status, dueAtMs, expected) => {
    expect(isOverdue({ status, dueAtMs }, nowMs)).toBe(expected);
  });
});

describe('checkActionItemFields', () => {
  it.each([
    ['an empty title', fields({ title: '  ' }), null, 'title'],
    ['an empty owner', fields({ owner: '' }), null, 'owner'],
    ['an unknown owner when people are configured', fields({ owner: 'mallory' }), new Set(['alice', 'bob']), 'owner'],
    ['a priority outside high/medium/low', fields({ priority: 'P1' as never }), null, 'priority'],
    ['an unknown status', fields({ status: 'closed' as never }), null, 'status'],
    ['a due time that is not a number', fields({ dueAtMs: Number.NaN }), null, 'due_at'],
  ])('rejects %s naming the field', (_name, input, people, field) => {
    try {
      checkActionItemFields(input, people);
      expect.unreachable('no error thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((problem) => problem.field)).toEqual([field]);
    }
  });

  it('accepts any owner when no people list is configured, and trims text', () => {
    expect(checkActionItemFields(fields({ owner: ' mallory ', title: ' Fix it ' }), null)).toEqual(fields({ owner: 'mallory', title: 'Fix it' }));
  });

  it('accepts a configured person', () => {
    expect(checkActionItemFields(fields({ owner: 'bob' }), new Set(['alice', 'bob'])).owner).toBe('bob');
  });
});

describe('applyActionItemChange', () => {
  it.each([
    ['closing records when', item(), 'done', nowMs],
    ["won't do also closes", item(), 'wont_do', nowMs],
    ['staying done keeps the first completion', item({ status: 'done', completedAtMs: nowMs - 500 }), 'done', nowMs - 500],
    ['reopening clears the completion', item({ status: 'done', completedAtMs: nowMs - 500 }), 'in_progress', null],
  ] as const)('%s', (_name, before, status, completedAtMs) => {
    const after = applyActionItemChange(before, fields({ status }), nowMs);
    expect(after.completedAtMs).toBe(completedAtMs);
    expect(after.updatedAtMs).toBe(nowMs);
    expect(after.status).toBe(status);
  });
});

describe('parseDueTime', () => {
  it.each([
    ['2026-12-07', Date.UTC(2026, 11, 8)],
    ['2026-12-07T17:00:00Z', Date.UTC(2026, 11, 7, 17)],
    ['2026-12-07T17:00:00+02:00', Date.UTC(2026, 11, 7, 15)],
  ])('%s -> due at %d', (text, ms) => {
    expect(parseDueTime(text)).toBe(ms);
  });

  it.each(['2026-02-30', 'tomorrow', '2026-12-07 17:00', ''])('rejects %j naming the field', (text) => {
    expect(() => parseDueTime(text, 'due')).toThrow(/^due: must be a date/);
  });
});
