/**
 * Reading a config value that came from YAML (or JSON) into typed fields, collecting every
 * problem with its path instead of stopping at the first. Scalars are coerced to strings the way
 * Alertmanager's YAML decoder does for string fields: `1.0` stays "1.0" when the YAML layer keeps
 * source text, null is "".
 */
import { formatPath, type PathSegment } from '../validation/field-path.js';

export type { PathSegment };

export interface ConfigPathProblem {
  path: PathSegment[];
  message: string;
}

export type Mapping = Readonly<Record<string, unknown>>;

/** Problems found so far; readers return undefined for a value they could not read. */
export class ProblemList {
  readonly problems: ConfigPathProblem[] = [];

  add(path: readonly PathSegment[], message: string): undefined {
    this.problems.push({ path: [...path], message });
    return undefined;
  }

  /** `route.routes[2].matchers[0]: message` lines, for error messages and tests. */
  describe(): string[] {
    return this.problems.map((problem) => (problem.path.length === 0 ? problem.message : `${formatPath(problem.path)}: ${problem.message}`));
  }
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `the value ${JSON.stringify(value)}`;
}

/** A mapping; null or absent reads as undefined (unset). */
export function readMapping(value: unknown, path: PathSegment[], problems: ProblemList): Mapping | undefined {
  if (value === null || value === undefined) return undefined;
  if (isMapping(value)) return value;
  return problems.add(path, `must be a mapping, got ${kindOf(value)}`);
}

/** A list; null or absent reads as undefined (unset). */
export function readList(value: unknown, path: PathSegment[], problems: ProblemList): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value as unknown[];
  return problems.add(path, `must be a list, got ${kindOf(value)}`);
}

/** A scalar as a string: null is "", numbers and booleans are their text. */
export function readString(value: unknown, path: PathSegment[], problems: ProblemList): string | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return problems.add(path, `must be a string, got ${kindOf(value)}`);
}

/** A list of strings; null or absent reads as undefined. */
export function readStringList(value: unknown, path: PathSegment[], problems: ProblemList): string[] | undefined {
  const list = readList(value, path, problems);
  if (list === undefined) return undefined;
  const out: string[] = [];
  let ok = true;
  list.forEach((item, index) => {
    const text = readString(item, [...path, index], problems);
    if (text === undefined) ok = false;
    else out.push(text);
  });
  return ok ? out : undefined;
}

/** YAML 1.1 booleans, which Alertmanager's decoder accepts (`yes`, `on`, `True` ...). */
const yamlTrue = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const yamlFalse = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

export function readBoolean(value: unknown, path: PathSegment[], problems: ProblemList): boolean | undefined {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (yamlTrue.has(value)) return true;
    if (yamlFalse.has(value)) return false;
  }
  return problems.add(path, `must be true or false, got ${kindOf(value)}`);
}

/** Reports keys that are not in `allowed`, as Alertmanager's strict decoder does. */
export function checkKnownKeys(mapping: Mapping, allowed: readonly string[], path: PathSegment[], problems: ProblemList): void {
  for (const key of Object.keys(mapping)) {
    if (!allowed.includes(key)) problems.add([...path, key], `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

/** Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`), as Alertmanager validates `match`, `group_by` and `equal`. */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
