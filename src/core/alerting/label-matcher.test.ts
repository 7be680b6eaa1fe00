import { describe, expect, it } from 'vitest';
import { compareGoStrings, quoteGoString } from './go-quote.js';
import { compareMatchers, createMatcher, formatMatchers, matchersMatch, type LabelSet, type MatchType } from './label-matcher.js';

describe('matchersMatch', () => {
  it.each<[MatchType, string, string, LabelSet, boolean]>([
    ['=', 'foo', 'bar', { foo: 'bar' }, true],
    ['=', 'foo', 'bar', { foo: 'baz' }, false],
    ['=', 'foo', '', {}, true],
    ['=', 'foo', '', { foo: '' }, true],
    ['=', 'foo', '', { foo: 'x' }, false],
    ['!=', 'foo', '', {}, false],
    ['!=', 'foo', 'bar', {}, true],
    ['!=', 'foo', 'bar', { foo: 'bar' }, false],
    ['=~', 'foo', '.*', {}, true],
    ['=~', 'foo', '.+', {}, false],
    ['=~', 'foo', 'b', { foo: 'abc' }, false],
    ['=~', 'foo', 'a.c', { foo: 'abc' }, true],
    ['=~', 'foo', 'abc|xyz', { foo: 'xyz' }, true],
    ['=~', 'foo', '(?i)crit', { foo: 'CRIT' }, true],
    ['=~', 'foo', '[[:digit:]]+', { foo: '2024' }, true],
    ['=~', 'foo', '[[:digit:]]+', { foo: '20x4' }, false],
    ['=~', 'foo', '\\d{2}', { foo: '42' }, true],
    ['=~', 'foo', '.', { foo: '😀' }, true],
    ['=~', 'foo', '.', { foo: '\n' }, false],
    ['=~', 'foo', '(?s).', { foo: '\n' }, true],
    ['=~', 'foo', '\\w', { foo: 'é' }, false],
    ['=~', 'foo', '(?i)k', { foo: '\u212a' }, true],
    // Go compiles ^(?:a)|(b)$: the alternation escapes the anchoring, and Alertmanager matches "axx".
    ['=~', 'foo', 'a)|(b', { foo: 'axx' }, true],
    ['!~', 'foo', 'x', {}, true],
    ['!~', 'foo', '.*', {}, false],
    ['!~', 'foo', 'a|b', { foo: 'b' }, false],
    ['=', 'constructor', '', {}, true],
    ['=', 'toString', 'x', {}, false],
  ])('%s %s %j on %j -> %s', (type, name, value, labels, expected) => {
    expect(matchersMatch([createMatcher(type, name, value)], labels)).toBe(expected);
  });

  it('needs every matcher to match; no matchers match everything', () => {
    const matchers = [createMatcher('=', 'a', '1'), createMatcher('=~', 'b', '2|3')];
    expect(matchersMatch(matchers, { a: '1', b: '3' })).toBe(true);
    expect(matchersMatch(matchers, { a: '1', b: '4' })).toBe(false);
    expect(matchersMatch([], {})).toBe(true);
  });

  it('stays linear on a regex that makes backtracking engines explode', () => {
    const matcher = createMatcher('=~', 'foo', '(a+)+$');
    expect(matchersMatch([matcher], { foo: `${'a'.repeat(50_000)}!` })).toBe(false);
  });
});

describe('ordering and printing like Alertmanager', () => {
  it('sorts by name, then value, then type (= != =~ !~)', () => {
    const matchers = [
      createMatcher('!~', 'b', 'x'),
      createMatcher('=~', 'b', 'x'),
      createMatcher('=', 'b', 'x'),
      createMatcher('=', 'b', 'a'),
      createMatcher('!=', 'a', 'z'),
    ].sort(compareMatchers);
    expect(formatMatchers(matchers)).toBe('{a!="z",b="a",b="x",b=~"x",b!~"x"}');
  });

  it.each([
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\tnew\nline\r', '"tab\\tnew\\nline\\r"'],
    ['\u0007\b\f\v', '"\\a\\b\\f\\v"'],
    ['\u0001\u007f', '"\\x01\\x7f"'],
    ['no-break\u00a0space', '"no-break\\u00a0space"'],
    ['zero\u200bwidth', '"zero\\u200bwidth"'],
    ['é☃😀…', '"é☃😀…"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ])('quotes %j as Go %%q: %s', (text, quoted) => {
    expect(quoteGoString(text)).toBe(quoted);
  });

  it('compares strings by code point, as Go compares UTF-8 bytes', () => {
    expect(compareGoStrings('\uffff', '😀')).toBeLessThan(0);
    expect(compareGoStrings('a', 'ab')).toBeLessThan(0);
    expect(compareGoStrings('b', 'a')).toBeGreaterThan(0);
    expect(compareGoStrings('same', 'same')).toBe(0);
  });
});
