/**
 * The start every benchmark shares: parse its flags (a usage error prints the help, exit 2;
 * `--help` prints it, exit 0) and make sure the built CLI exists (else exit 1 with how to build).
 */
import { helpText, UsageError, type FlagSpec } from './args.js';
import { assertBuilt, BuildMissingError } from './server-under-test.js';

export type EntryOutcome<S> = { settings: S } | { exitCode: number };

/** `parse` returns undefined for `--help`. */
export function benchmarkEntry<S extends { cli?: string }>(
  name: string,
  summary: string,
  flagSpecs: Record<string, FlagSpec>,
  parse: (args: string[]) => S | undefined,
  args: string[],
): EntryOutcome<S> {
  let settings: S | undefined;
  try {
    settings = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${helpText(name, summary, flagSpecs)}`);
    return { exitCode: 2 };
  }
  if (settings === undefined) {
    process.stdout.write(helpText(name, summary, flagSpecs));
    return { exitCode: 0 };
  }
  try {
    assertBuilt(settings.cli);
  } catch (error) {
    if (!(error instanceof BuildMissingError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return { exitCode: 1 };
  }
  return { settings };
}
