/**
 * Validation of the config file against `ConfigSchema`; messages come from the shared translator
 * in src/core/validation.
 */
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { formatPath, type PathSegment } from '../core/validation/field-path.js';
import { asJsonSchema, schemaAt } from '../core/validation/json-schema.js';
import { translateSchemaErrors, valueAt, type PathProblem } from '../core/validation/schema-problems.js';
import { ConfigSchema } from './schema.js';

export type { PathProblem };

export interface SchemaValidation {
  /** A copy of the input with defaults filled and substituted numbers/booleans converted. */
  value: unknown;
  problems: PathProblem[];
}

/** Above TypeBox's default of 8: the user should see every problem of the file at once. */
const maxSchemaErrors = 10_000;

const configJsonSchema = asJsonSchema(ConfigSchema);

/**
 * Compiled on first use. A valid file (the usual case) is accepted by the compiled check alone:
 * enumerating errors walks every value far more slowly (~1 s for 10,000 SLOs), so that walk
 * runs only for a file that has problems.
 */
let configValidator: ReturnType<typeof Compile<typeof ConfigSchema>> | undefined;

/**
 * Validates `input` (not modified). `substituted` lists paths whose text came from `${...}`:
 * such strings are converted when the schema wants a number or boolean (so `port: ${PORT}` works)
 * and are never echoed in messages, as they may be secrets.
 */
export function validateAgainstSchema(input: unknown, substituted: readonly PathSegment[][]): SchemaValidation {
  const value: unknown = Value.Default(ConfigSchema, Value.Clone(input));
  const redacted = new Set(substituted.map((path) => formatPath(path)));
  for (const path of substituted) coerceSubstituted(value, path);
  configValidator ??= Compile(ConfigSchema);
  if (configValidator.Check(value)) return { value, problems: [] };
  const previousLimit = Settings.Get().maxErrors;
  let errors: TLocalizedValidationError[];
  Settings.Set({ maxErrors: maxSchemaErrors });
  try {
    errors = Value.Errors(ConfigSchema, value);
  } finally {
    Settings.Set({ maxErrors: previousLimit });
  }
  return { value, problems: translateSchemaErrors(configJsonSchema, errors, value, { redacted }) };
}

function coerceSubstituted(root: unknown, path: PathSegment[]): void {
  const last = path[path.length - 1];
  const parent = valueAt(root, path.slice(0, -1));
  const text = valueAt(root, path);
  const type = schemaAt(configJsonSchema, path)?.type;
  if (last === undefined || typeof text !== 'string' || typeof parent !== 'object' || parent === null) return;
  let converted: unknown = text;
  if ((type === 'integer' || type === 'number') && /^[-+]?\d+(\.\d+)?$/.test(text.trim())) converted = Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) converted = text === 'true';
  if (converted !== text) (parent as Record<PathSegment, unknown>)[last] = converted;
}

