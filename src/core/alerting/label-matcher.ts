/**
 * Label matchers as Alertmanager has them: `=`, `!=`, `=~`, `!~`. Regexes are Go RE2 syntax
 * compiled by re2js (linear time, so a user's regex cannot hang the router; `(?i)` and
 * `[[:digit:]]` work), anchored the way Alertmanager anchors them: the source is wrapped as
 * `^(?:re)$` and searched, which is exactly what Go's `MatchString` does with that wrapper.
 * A missing label and a label with an empty value are the same thing: the value is `""`.
 */
import { RE2JS } from 're2js';
import { compareGoStrings, quoteGoString } from './go-quote.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** Go's declaration order (MatchEqual, MatchNotEqual, MatchRegexp, MatchNotRegexp), used to sort. */
const typeRank: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

export interface LabelMatcher {
  readonly type: MatchType;
  readonly name: string;
  /** The value as written; for regex matchers the unanchored source. */
  readonly value: string;
  /** The anchored, compiled regex of `=~` and `!~` matchers. */
  readonly regex?: RE2JS;
}

/** Labels of an alert. A name that is absent reads as `""`. */
export type LabelSet = Readonly<Record<string, string>>;

/** A regex in a matcher or `match_re` that RE2 does not accept. */
export class MatcherRegexError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatcherRegexError';
  }
}

/** Compiles `^(?:source)$` as Alertmanager does; throws `MatcherRegexError` with Go's wording. */
export function compileAnchoredRegex(source: string): RE2JS {
  try {
    return RE2JS.compile(`^(?:${source})$`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new MatcherRegexError(message, { cause: error });
  }
}

/** A matcher; regex matchers are compiled here, so a bad regex throws `MatcherRegexError`. */
export function createMatcher(type: MatchType, name: string, value: string): LabelMatcher {
  if (type === '=~' || type === '!~') return { type, name, value, regex: compileAnchoredRegex(value) };
  return { type, name, value };
}

/** Same names with the same values (the same object, or equal content). */
export function sameLabelSet(left: LabelSet, right: LabelSet): boolean {
  if (left === right) return true;
  const leftNames = Object.keys(left);
  if (leftNames.length !== Object.keys(right).length) return false;
  for (const name of leftNames) {
    if (left[name] !== right[name] || !Object.hasOwn(right, name)) return false;
  }
  return true;
}

/** The value of `name` in `labels`, `""` when absent (own properties only: `constructor` is a fine label name). */
export function labelValue(labels: LabelSet, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}

export function matcherMatchesValue(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.type) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex?.test(value) ?? false;
    case '!~':
      return !(matcher.regex?.test(value) ?? false);
  }
}

/** True when every matcher matches (an empty list matches everything). */
export function matchersMatch(matchers: readonly LabelMatcher[], labels: LabelSet): boolean {
  return matchers.every((matcher) => matcherMatchesValue(matcher, labelValue(labels, matcher.name)));
}

/** Alertmanager's order: by name, then value, then type (as `sort.Sort(labels.Matchers)`). */
export function compareMatchers(left: LabelMatcher, right: LabelMatcher): number {
  return compareGoStrings(left.name, right.name) || compareGoStrings(left.value, right.value) || typeRank[left.type] - typeRank[right.type];
}

/** `name="value"` with Go quoting, as Alertmanager prints a matcher. */
export function formatMatcher(matcher: LabelMatcher): string {
  return `${matcher.name}${matcher.type}${quoteGoString(matcher.value)}`;
}

/** `{a="1",b=~"2"}`, the matchers in the order given. */
export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  return `{${matchers.map(formatMatcher).join(',')}}`;
}
