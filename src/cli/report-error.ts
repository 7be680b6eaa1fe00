/** How CLI commands report failures: config problems one per line (exit 2), anything else once (exit 1). */
import { ConfigError, formatConfigProblem } from '../config/config-problem.js';
import { DomainError } from '../core/errors.js';

export function reportCliError(error: unknown): number {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`${formatConfigProblem(problem)}\n`);
    return 2;
  }
  if (error instanceof DomainError) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.code === 'validation' ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error as { code?: unknown }).code === 'EADDRINUSE' ? ' (another process uses this port: stop it, or pick another with --port or server.port)' : '';
  process.stderr.write(`error: ${message}${hint}\n`);
  return 1;
}
