/** Flag parsing shared by the benchmarks: `--name value` or `--name=value`, nothing clever. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  /** Shown in `--help`. */
  description: string;
  /** Default value as text; undefined means "not set". */
  defaultValue?: string;
  /** A flag without a value (`--help`). */
  boolean?: boolean;
}

/** Parses `args` against `specs`; unknown flags and stray words are usage errors. */
export function parseFlags(args: string[], specs: Record<string, FlagSpec>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.defaultValue !== undefined) values.set(name, spec.defaultValue);
  }
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new UsageError(`unexpected argument '${arg}'`);
    const name = match[1] ?? '';
    const spec = specs[name];
    if (spec === undefined || !Object.hasOwn(specs, name)) throw new UsageError(`unknown flag --${name}`);
    if (spec.boolean === true) {
      values.set(name, 'true');
      continue;
    }
    const value = match[2] ?? args[index + 1];
    if (match[2] === undefined) index += 1;
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  return values;
}

/** A positive number from a flag, with a bounded range so a typo cannot start an hour-long run. */
export function numberFlag(values: Map<string, string>, name: string, range: { min: number; max: number; integer?: boolean }): number {
  const text = values.get(name) ?? '';
  const value = Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer === true && !Number.isInteger(value))) {
    const kind = range.integer === true ? 'an integer' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${range.min} to ${range.max}, got '${text}'`);
  }
  return value;
}

/** A comma-separated subset of `allowed`, in the order given by `allowed`. */
export function listFlag<T extends string>(values: Map<string, string>, name: string, allowed: readonly T[]): T[] {
  const given = (values.get(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  const unknown = given.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || given.length === 0) {
    throw new UsageError(`--${name} takes a comma-separated list of ${allowed.join(', ')}; got '${values.get(name) ?? ''}'`);
  }
  return allowed.filter((item) => given.includes(item));
}

export function helpText(command: string, summary: string, specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = spec.boolean === true ? `--${name}` : `--${name} VALUE`;
    const fallback = spec.defaultValue === undefined ? '' : ` (default ${spec.defaultValue})`;
    return [flag, `${spec.description}${fallback}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [`usage: npm run bench -- ${command} [flags]`, '', summary, '', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`), ''].join('\n');
}
