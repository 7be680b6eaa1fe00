import { describe, expect, it } from 'vitest';
import { formatMatcher, MatcherRegexError } from './label-matcher.js';
import { MatcherSyntaxError, parseMatcher, parseMatchers } from './matcher-parser.js';

/** Each case was checked against amtool 0.25 (`config routes show` prints the parsed matchers). */
describe('parseMatchers (Alertmanager pkg/labels syntax)', () => {
  it.each([
    ['{foo = "bar", dings != "bums", }', ['foo="bar"', 'dings!="bums"']],
    ['foo=bar,dings!=bums', ['foo="bar"', 'dings!="bums"']],
    ['{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}', ['quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""']],
    ['statuscode=~"5.."', ['statuscode=~"5.."']],
    ['a==b', ['a="=b"']],
    ['foo=', ['foo=""']],
    ['foo=bar,', ['foo="bar"']],
    ['{}', []],
    ['', []],
    ['foo=\\"bar\\"', ['foo="\\"bar\\""']],
    ['foo="ba\\\\r"', ['foo="ba\\\\r"']],
    ['foo="a\\nb"', ['foo="a\\nb"']],
    ['foo="\\d"', ['foo="\\\\d"']],
    ['foo = "a, b" , bar=~"x"', ['foo="a, b"', 'bar=~"x"']],
    ['foo:bar=baz', ['foo:bar="baz"']],
    ['{foo=bar}}', ['foo="bar}"']],
    ['foo="☃"', ['foo="☃"']],
    ['foo=bar baz  ', ['foo="bar baz"']],
    ['  foo  !~  "a b"  ', ['foo!~"a b"']],
    ['foo=~(?i)abc,bar!~[[:digit:]]+', ['foo=~"(?i)abc"', 'bar!~"[[:digit:]]+"']],
    ['foo=a\\', ['foo="a\\\\"']],
    ['foo="😀 ok"', ['foo="😀 ok"']],
    ['foo=bar\u00a0', ['foo="bar"']],
    ['foo=bar\u00a0,a=b', ['foo="bar\\u00a0"', 'a="b"']],
  ])('%j -> %j', (text, expected) => {
    expect(parseMatchers(text).map(formatMatcher)).toEqual(expected);
  });

  it.each([
    ['foo=bar\\,baz', 'bad matcher format: baz'],
    ['foo="bar\\,",x=y', 'matcher value contains unescaped double quote: "bar\\,",x=y'],
    ['foo="a\\"', 'matcher value contains unescaped double quote: "a\\"'],
    ['foo="bar', 'matcher value contains unescaped double quote: "bar'],
    ['foo="bar" baz', 'matcher value contains unescaped double quote: "bar" baz'],
    ['foo=1,,bar=2', 'bad matcher format: '],
    ['1foo=bar', 'bad matcher format: 1foo=bar'],
    ['foo', 'bad matcher format: foo'],
    ['foo~=bar', 'bad matcher format: foo~=bar'],
  ])('rejects %j: %s', (text, message) => {
    expect(() => parseMatchers(text)).toThrow(MatcherSyntaxError);
    expect(() => parseMatchers(text)).toThrow(message);
  });

  it('rejects a regex RE2 does not accept, with Go\'s message', () => {
    expect(() => parseMatchers('a=~"("')).toThrow(MatcherRegexError);
    expect(() => parseMatchers('a=~"("')).toThrow('error parsing regexp: missing closing ): `^(?:()$`');
    expect(() => parseMatchers('a=~"x++"')).toThrow('invalid nested repetition operator');
  });
});

describe('parseMatcher (one matcher, as amtool reads label arguments)', () => {
  it.each([
    ['severity=critical', '=', 'severity', 'critical'],
    ['summary="disk full, 95%"', '=', 'summary', 'disk full, 95%'],
    ['msg="say \\"hi\\""', '=', 'msg', 'say "hi"'],
    ['x!="a,b"', '!=', 'x', 'a,b'],
    ['x=~a|b', '=~', 'x', 'a|b'],
    ['x!~"a b"', '!~', 'x', 'a b'],
  ])('%j', (text, type, name, value) => {
    expect(parseMatcher(text)).toMatchObject({ type, name, value });
  });

  it('does not split on commas: the whole text is one matcher', () => {
    expect(parseMatcher('a=1,b=2')).toMatchObject({ name: 'a', value: '1,b=2' });
  });
});
