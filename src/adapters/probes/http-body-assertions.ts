/**
 * Checks on a response body: a keyword that must be present or absent, and a JSONPath
 * (evaluated by jsonpath-plus) whose first match must equal a value or match a regex. Each
 * returns null when satisfied, else the message of the failed check.
 */
import { JSONPath } from 'jsonpath-plus';

export interface KeywordAssertion {
  text: string;
  /** True: the body must contain `text`; false: it must not. */
  present: boolean;
}

export interface JsonPathAssertion {
  /** JSONPath expression, e.g. `$.status`. */
  path: string;
  equals?: string | number | boolean | null;
  /** Regex source; the first match, as a string, must match it. */
  matches?: string;
}

export function checkKeyword(body: string, keyword: KeywordAssertion): string | null {
  const found = body.includes(keyword.text);
  if (keyword.present && !found) return `keyword ${JSON.stringify(keyword.text)} not found in body`;
  if (!keyword.present && found) return `keyword ${JSON.stringify(keyword.text)} found in body (expected absent)`;
  return null;
}

/**
 * jsonpath-plus accepts much that is not a JSONPath (it reads `$.[[[` as "no match"), so an
 * expression is first checked for the obvious: it starts at the root and its brackets,
 * parentheses and quotes are balanced. Returns the problem, or null when the path looks sound.
 * Exported so config validation can reject a bad path before any check runs.
 */
export function validateJsonPath(path: string): string | null {
  if (!path.startsWith('$')) return `invalid JSON path ${path}: must start with $`;
  const closers: Record<string, string> = { '[': ']', '(': ')' };
  const stack: string[] = [];
  let quote: string | null = null;
  for (const char of path) {
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char in closers) {
      stack.push(closers[char] ?? '');
    } else if (char === ']' || char === ')') {
      if (stack.pop() !== char) return `invalid JSON path ${path}: unexpected ${char}`;
    }
  }
  if (quote !== null) return `invalid JSON path ${path}: unterminated string`;
  if (stack.length > 0) return `invalid JSON path ${path}: missing ${stack.reverse().join('')}`;
  if (/\.$/.test(path)) return `invalid JSON path ${path}: incomplete member access`;
  return null;
}

export function checkJsonPath(body: string, assertion: JsonPathAssertion, truncated: boolean): string | null {
  const pathProblem = validateJsonPath(assertion.path);
  if (pathProblem !== null) return pathProblem;
  let regex: RegExp | null = null;
  if (assertion.matches !== undefined) {
    try {
      regex = new RegExp(assertion.matches);
    } catch (error) {
      return `invalid regex /${assertion.matches}/: ${messageOf(error)}`;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const cut = truncated ? ` (body cut at ${Buffer.byteLength(body)} bytes)` : '';
    return `invalid JSON body: ${messageOf(error)}${cut}`;
  }
  let found: unknown[];
  try {
    found = JSONPath<unknown[]>({ path: assertion.path, json: json as object, wrap: true, eval: 'safe' });
  } catch (error) {
    return `invalid JSON path ${assertion.path}: ${messageOf(error)}`;
  }
  if (found.length === 0) return `JSON path ${assertion.path} not found`;
  const value = found[0];
  if (assertion.equals !== undefined && value !== assertion.equals) {
    return `JSON path ${assertion.path} is ${formatValue(value)} (expected ${formatValue(assertion.equals)})`;
  }
  if (regex !== null && !regex.test(typeof value === 'string' ? value : formatValue(value))) {
    return `JSON path ${assertion.path} is ${formatValue(value)} (expected to match /${regex.source}/)`;
  }
  return null;
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
