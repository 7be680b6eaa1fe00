/**
 * The child side of `bench/support/slo-child.ts`: argument parsing and the result line. Imports
 * nothing, so a child process loads only what it measures.
 */

const resultPrefix = 'RESULT ';

/** Prints the child's result line; the parent picks it up with `runChild`. */
export function writeResult(result: unknown): void {
  process.stdout.write(`${resultPrefix}${JSON.stringify(result)}\n`);
}

/** The result line in a child's stdout, parsed, or undefined. */
export function readResult(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith(resultPrefix));
  return line === undefined ? undefined : JSON.parse(line.slice(resultPrefix.length));
}

/** `--name value` pairs of a child's argv. */
export function childArgs(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index] ?? '';
    if (!name.startsWith('--') || argv[index + 1] === undefined) throw new Error(`bad child argument '${name}'`);
    values.set(name.slice(2), argv[index + 1] ?? '');
  }
  return values;
}

export function numberArg(values: Map<string, string>, name: string): number {
  const value = Number(values.get(name));
  if (!Number.isFinite(value)) throw new Error(`child argument --${name} missing or not a number`);
  return value;
}

export function textArg(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (value === undefined || value === '') throw new Error(`child argument --${name} missing`);
  return value;
}

/** Percentile (nearest rank) of a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
