/**
 * Turns TypeBox's generic validation errors into messages a person fixes in one go:
 * `must be one of critical, high, medium, low`, `unknown key 'prot' (did you mean 'port'?)`,
 * `must be an integer, got "abc"`, `must be a duration like 30s, 5m, 1h`. Used for the config
 * file and for API request bodies alike.
 */
import type { TLocalizedValidationError } from 'typebox/error';
import { durationSchemaPattern } from '../duration.js';
import { serviceNamePattern } from '../services/service.js';
import { describeValue, formatPath, type PathSegment } from './field-path.js';
import { schemaAt, type JsonSchema } from './json-schema.js';
import { isHttpUrl } from '../http-url.js';

export interface PathProblem {
  path: PathSegment[];
  message: string;
}

export interface TranslateOptions {
  /** Paths (as formatted) whose values must not be echoed, e.g. substituted secrets. */
  redacted?: ReadonlySet<string>;
}

/** One clear problem per path for `errors` of `root` against `schema`, plus the http(s) URL check. */
export function translateSchemaErrors(
  schema: JsonSchema,
  errors: readonly TLocalizedValidationError[],
  root: unknown,
  options: TranslateOptions = {},
): PathProblem[] {
  const redacted = options.redacted ?? new Set<string>();
  const translated = collapseAnyOf(errors, schema, root).flatMap((error) => translateError(schema, error, root, redacted));
  return onePerPath([...translated, ...checkUrls(schema, root, [])]);
}

function onePerPath(problems: PathProblem[]): PathProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = formatPath(problem.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Branch errors of an `anyOf` say little on their own; keep one message per failing union. When
 * the value is an object (or a list) and only one form of the union is one, the user meant that
 * form (`circuit_breaker: {failure_threshold: 0}` against `false | {...}`): its own errors say
 * what to fix, so they replace the union's "does not match".
 */
function collapseAnyOf(errors: readonly TLocalizedValidationError[], schema: JsonSchema, root: unknown): TLocalizedValidationError[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf');
  const meant = new Map(unions.map((union) => [union, meantBranch(union, schema, root)]));
  const inUnion = (error: TLocalizedValidationError, union: TLocalizedValidationError) =>
    error !== union && error.schemaPath.startsWith(`${union.schemaPath}/anyOf/`) && error.instancePath.startsWith(union.instancePath);
  return errors.filter((error) => {
    if (error.keyword === 'anyOf') return meant.get(error) === null;
    return unions.every((union) => {
      if (!inUnion(error, union)) return true;
      const branch = meant.get(union);
      return branch !== null && branch !== undefined && (error.schemaPath === branch || error.schemaPath.startsWith(`${branch}/`));
    });
  });
}

/** The schema path of the one branch of `union` shaped like the value (object or array), or null. */
function meantBranch(union: TLocalizedValidationError, schema: JsonSchema, root: unknown): string | null {
  const value = valueAt(root, pointerToPath(union.instancePath, root));
  const shape = Array.isArray(value) ? 'array' : typeof value === 'object' && value !== null ? 'object' : null;
  if (shape === null) return null;
  const options = schemaAt(schema, pointerToPath(union.instancePath, root))?.anyOf ?? [];
  const matching = options.flatMap((option, index) => (option.type === shape ? [index] : []));
  return matching.length === 1 ? `${union.schemaPath}/anyOf/${matching[0]}` : null;
}

function translateError(schema: JsonSchema, error: TLocalizedValidationError, root: unknown, redacted: ReadonlySet<string>): PathProblem[] {
  const path = pointerToPath(error.instancePath, root);
  switch (error.keyword) {
    case 'boolean':
      return error.schemaPath.endsWith('/additionalProperties') ? [unknownKey(schema, path)] : [{ path, message: 'is not allowed here' }];
    case 'additionalProperties':
      return error.params.additionalProperties.map((key) => unknownKey(schema, [...path, key]));
    case 'required':
      return error.params.requiredProperties.map((key) => ({ path: [...path, key], message: 'is required' }));
    case 'type': {
      const found = redacted.has(formatPath(path)) ? 'a substituted value (not shown)' : describeValue(valueAt(root, path));
      return [{ path, message: `must be ${typeNoun(error.params.type)}, got ${found}` }];
    }
    case 'anyOf':
      return [{ path, message: anyOfMessage(schema, path) }];
    default:
      return [{ path, message: boundMessage(error) }];
  }
}

function boundMessage(error: TLocalizedValidationError): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${error.params.allowedValues.map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'pattern':
      return patternMessage(String(error.params.pattern));
    case 'format':
      return error.params.format === 'uri' ? urlMessage : `must be a valid ${error.params.format}`;
    case 'minimum':
      return `must be at least ${error.params.limit}`;
    case 'maximum':
      return `must be at most ${error.params.limit}`;
    case 'exclusiveMinimum':
      return `must be greater than ${error.params.limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${error.params.limit}`;
    case 'minLength':
      return error.params.limit === 1 ? 'must not be empty' : `must be at least ${error.params.limit} characters long`;
    case 'maxLength':
      return `must be at most ${error.params.limit} characters long`;
    case 'minItems':
      return `must have at least ${error.params.limit} items`;
    case 'maxItems':
      return `must have at most ${error.params.limit} items`;
    default:
      return error.message;
  }
}

const urlMessage = 'must be an http or https URL';

function patternMessage(pattern: string): string {
  if (pattern === durationSchemaPattern) return 'must be a duration like 30s, 5m, 1h';
  if (pattern === serviceNamePattern) return 'must be a lower-case slug (letters, digits, dashes)';
  return `must match the pattern ${pattern}`;
}

function typeNoun(type: string | string[]): string {
  const nouns: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    null: 'empty',
  };
  return (Array.isArray(type) ? type : [type]).map((name) => nouns[name] ?? name).join(' or ');
}

function anyOfMessage(schema: JsonSchema, path: PathSegment[]): string {
  const options = schemaAt(schema, path)?.anyOf ?? [];
  const constants = options.map((option) => option.const);
  return options.length > 0 && constants.every((value) => typeof value === 'string')
    ? `must be one of ${constants.join(', ')}`
    : 'does not match any of the allowed forms';
}

function unknownKey(schema: JsonSchema, path: PathSegment[]): PathProblem {
  const key = String(path[path.length - 1]);
  const parent = schemaAt(schema, path.slice(0, -1));
  // Inside a union (`false | {...}`), the keys are those of its object form.
  const objectForm = parent?.properties !== undefined ? parent : parent?.anyOf?.find((option) => option.type === 'object');
  const known = Object.keys(objectForm?.properties ?? {});
  const suggestion = known.find((candidate) => editDistance(candidate, key) <= 2);
  return { path, message: suggestion === undefined ? `unknown key '${key}'` : `unknown key '${key}' (did you mean '${suggestion}'?)` };
}

/** Levenshtein distance, for "did you mean" hints on short keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** JSON pointer to segments; an index is a number only where the value is really a list. */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment: PathSegment = Array.isArray(current) && /^\d+$/.test(token) ? Number(token) : token;
    path.push(segment);
    current = childValue(current, segment);
  }
  return path;
}

function childValue(value: unknown, segment: PathSegment): unknown {
  if (Array.isArray(value) && typeof segment === 'number') return value[segment] as unknown;
  if (typeof value === 'object' && value !== null && typeof segment === 'string' && Object.hasOwn(value, segment)) {
    return (value as Record<string, unknown>)[segment];
  }
  return undefined;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((current, segment) => childValue(current, segment), root);
}

/** TypeBox accepts any URI scheme; links are opened in a browser, so only http(s) is allowed. */
function checkUrls(schema: JsonSchema, value: unknown, path: PathSegment[]): PathProblem[] {
  if (schema.format === 'uri' && typeof value === 'string') return isHttpUrl(value) ? [] : [{ path, message: urlMessage }];
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.flatMap((item: unknown, index) => checkUrls(items, item, [...path, index]));
  }
  if (typeof value === 'object' && value !== null && schema.properties) {
    return Object.entries(schema.properties).flatMap(([key, child]) =>
      Object.hasOwn(value, key) ? checkUrls(child, childValue(value, key), [...path, key]) : [],
    );
  }
  return [];
}

