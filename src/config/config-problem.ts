/**
 * Problems found while loading a config file, each pinned to a file, line and column so the
 * user can jump straight to it (`demo.yaml:14:5 services[2].criticality: must be one of ...`).
 */

export { describeValue, formatPath, parsePath, type PathSegment } from '../core/validation/field-path.js';

export interface ConfigProblem {
  /** The file as the user named it, or relative to the working directory. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Field path like `services[2].criticality`; empty for the whole document. */
  path: string;
  message: string;
}

/** `FILE:LINE:COL path: message`, or `FILE:LINE:COL: message` for the whole document. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where} ${problem.path}: ${problem.message}`;
}

/** Thrown by `loadConfig` with every problem found, not just the first. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], heading?: string) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super([heading ?? `invalid configuration (${count})`, ...problems.map(formatConfigProblem)].join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
