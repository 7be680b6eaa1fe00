import { describe, expect, it } from 'vitest';
import { compileGoodEventRule, type EventOutcome } from './good-event-rule.js';

function classify(rule: string, outcome: EventOutcome): boolean | string {
  const compiled = compileGoodEventRule(rule);
  if (!compiled.ok) throw new Error(compiled.message);
  const verdict = compiled.rule.classify(outcome);
  return verdict.ok ? verdict.good : verdict.message;
}

describe('good_when rules', () => {
  it.each<[string, EventOutcome, boolean | string]>([
    ['status < 500 && latency_ms < 300', { status: 200, latency_ms: 120 }, true],
    ['status < 500 && latency_ms < 300', { status: 503, latency_ms: 120 }, false],
    ['status < 500 && latency_ms < 300', { status: 200, latency_ms: 300 }, false],
    ['status < 500 && latency_ms <= 300', { status: 200, latency_ms: 300 }, true],
    ['ok', { ok: true }, true],
    ['!ok', { ok: true }, false],
    ['ok || latency_ms < 100', { ok: true }, true],
    ['ok && status != 429', { ok: true, status: 429 }, false],
    ['status % 100 == 4', { status: 404 }, true],
    ['(status >= 200 && status < 400) || status == 404', { status: 404 }, true],
    ['latency_ms < 1000 ? ok : false', { latency_ms: 20, ok: true }, true],
    ['-latency_ms > -300', { latency_ms: 200 }, true],
    ['status < 500 && latency_ms < 300', { status: 200 }, 'latency_ms is missing, and the SLI\'s good_when rule needs it'],
    ['status < 500 && latency_ms < 300', { status: 503 }, false],
  ])('%s with %j is %s', (rule, outcome, expected) => {
    expect(classify(rule, outcome)).toBe(expected);
  });

  it('lists the variables a rule reads', () => {
    const compiled = compileGoodEventRule('status < 500 && (ok || latency_ms < 300)');
    expect(compiled.ok && compiled.rule.variables).toEqual(['latency_ms', 'ok', 'status']);
  });

  it.each<[string, string]>([
    ['', 'must not be empty'],
    ['status <', 'is not a valid expression'],
    ['status < 500 &&', 'is not a valid expression'],
    ['process.exit', 'a property access'],
    ['process.exit(1)', 'a function call'],
    ['exit(1)', 'a function call'],
    ['constructor', "unknown variable 'constructor'"],
    ['code < 500', "unknown variable 'code'"],
    ['status < "500"', 'numbers and true/false'],
    ['status', 'must be a condition'],
    ['latency_ms + 1', 'must be a condition'],
    ['status && ok', "'&&' needs conditions, got a number"],
    ['ok < 1', "'<' needs numbers, got a boolean"],
    ['ok == 1', "compares a boolean with a number"],
    ['status < 500; ok', 'several expressions'],
    ['status | 1 == 1', "operator '|' is not allowed"],
    ['[1] == [1]', 'a list'],
    ['x'.repeat(1001), 'at most 1000'],
  ])('refuses %j (%s)', (rule, message) => {
    const compiled = compileGoodEventRule(rule);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.message).toContain(message);
  });
});

describe('compiled rules are shared by text', () => {
  it('compiles a text once and gives every SLO that repeats it the same rule, and a new text its own', () => {
    const first = compileGoodEventRule('status < 500 && latency_ms < 321');
    const again = compileGoodEventRule('status < 500 && latency_ms < 321');
    const other = compileGoodEventRule('status < 500 && latency_ms < 322');
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    if (!first.ok || !other.ok) throw new Error('rules should compile');
    expect(first.rule.classify({ status: 200, latency_ms: 321 })).toEqual({ ok: true, good: false });
    expect(other.rule.classify({ status: 200, latency_ms: 321 })).toEqual({ ok: true, good: true });
    expect(compileGoodEventRule('status <')).toBe(compileGoodEventRule('status <'));
  });
});
