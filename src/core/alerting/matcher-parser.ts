/**
 * Alertmanager's matcher syntax (its `pkg/labels` parser, the one `matchers:` entries, silences
 * and amtool's label arguments go through), reproduced rule for rule because routing must equal
 * Alertmanager's for the same text:
 * - one entry may hold several matchers: `a=1, b=~"x|y"` or `{a="1",b!="2"}`; one leading `{`
 *   and one trailing `}` are dropped, commas outside double quotes separate, a trailing comma is
 *   fine, an empty matcher between two commas is not;
 * - a matcher is a label name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), an operator and a value, with any
 *   ASCII whitespace around each; the value may be double-quoted, keeps inner spaces, and knows
 *   the escapes `\"`, `\\` and `\n` (any other backslash is literal); an unescaped `"` inside it
 *   is an error;
 * - the value is taken literally otherwise: `a==b` means `a = "=b"`.
 */
import { createMatcher, MatcherRegexError, type LabelMatcher, type MatchType } from './label-matcher.js';

/** Bad matcher text; `message` has Alertmanager's wording (`bad matcher format: ...`). */
export class MatcherSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

/** Go's `\s` in the parser's regexp: ASCII whitespace without `\v`. */
function isGoRegexSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\f' || char === '\r';
}

/** Go's `unicode.IsSpace`, used by `strings.TrimSpace` on the last matcher of a list. */
const unicodeSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

function trimUnicodeSpace(text: string): string {
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && unicodeSpace.test(chars[start] ?? '')) start += 1;
  while (end > start && unicodeSpace.test(chars[end - 1] ?? '')) end -= 1;
  return chars.slice(start, end).join('');
}

const labelNameStart = /[a-zA-Z_:]/;
const labelNamePart = /[a-zA-Z0-9_:]/;

interface MatcherParts {
  name: string;
  type: MatchType;
  rawValue: string;
}

function splitMatcher(text: string): MatcherParts | undefined {
  let index = 0;
  while (isGoRegexSpace(text[index])) index += 1;
  const nameStart = index;
  if (!labelNameStart.test(text[index] ?? '')) return undefined;
  index += 1;
  while (labelNamePart.test(text[index] ?? '')) index += 1;
  const name = text.slice(nameStart, index);
  while (isGoRegexSpace(text[index])) index += 1;
  let type: MatchType;
  if (text.startsWith('=~', index)) type = '=~';
  else if (text.startsWith('=', index)) type = '=';
  else if (text.startsWith('!=', index)) type = '!=';
  else if (text.startsWith('!~', index)) type = '!~';
  else return undefined;
  index += type.length;
  while (isGoRegexSpace(text[index])) index += 1;
  let end = text.length;
  while (end > index && isGoRegexSpace(text[end - 1])) end -= 1;
  return { name, type, rawValue: text.slice(index, end) };
}

function unescapeValue(rawValue: string): string {
  const quoted = rawValue.startsWith('"');
  const body = quoted ? rawValue.slice(1) : rawValue;
  let expectTrailingQuote = quoted;
  let escaped = false;
  let value = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index] ?? '';
    const last = index === body.length - 1;
    if (escaped) {
      escaped = false;
      if (char === 'n') value += '\n';
      else if (char === '"' || char === '\\') value += char;
      else value += `\\${char}`;
      continue;
    }
    if (char === '\\') {
      if (last) value += '\\';
      else escaped = true;
    } else if (char === '"') {
      if (!expectTrailingQuote || !last) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${rawValue}`);
      expectTrailingQuote = false;
    } else {
      value += char;
    }
  }
  if (expectTrailingQuote) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${rawValue}`);
  return value;
}

/**
 * One matcher, like `severity=~"crit|page"`. Throws `MatcherSyntaxError` for bad text and
 * `MatcherRegexError` for a regex RE2 rejects.
 */
export function parseMatcher(text: string): LabelMatcher {
  const parts = splitMatcher(text);
  if (parts === undefined) throw new MatcherSyntaxError(`bad matcher format: ${text}`);
  return createMatcher(parts.type, parts.name, unescapeValue(parts.rawValue));
}

/** Splits on commas outside quotes; a `\"` does not open or close a quote. */
function splitMatcherList(text: string): string[] {
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  for (const char of text) {
    if (char === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (char === '"') {
      if (escaped) escaped = false;
      else insideQuotes = !insideQuotes;
    } else if (char === '\\') {
      escaped = !escaped;
    } else if (char !== ',') {
      escaped = false;
    }
    token += char;
  }
  const last = trimUnicodeSpace(token);
  if (last !== '') tokens.push(last);
  return tokens;
}

/**
 * A list of matchers in one string: `a=1, b=2`, `{a="1",b=~"2"}`, `{}` (none). Throws like
 * `parseMatcher` at the first bad one.
 */
export function parseMatchers(text: string): LabelMatcher[] {
  let body = text.startsWith('{') ? text.slice(1) : text;
  if (body.endsWith('}')) body = body.slice(0, -1);
  return splitMatcherList(body).map(parseMatcher);
}

/** Whether `error` is one of the two errors the parsers throw for bad input. */
export function isMatcherError(error: unknown): error is MatcherSyntaxError | MatcherRegexError {
  return error instanceof MatcherSyntaxError || error instanceof MatcherRegexError;
}
