/** Range checks for numeric options that come from config or API bodies. */
import type { FieldProblem } from '../errors.js';

/** Adds a problem for `field` unless `value` is an integer in [min, max]. */
export function checkIntegerInRange(problems: FieldProblem[], field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push({ field, message: `must be an integer from ${min} to ${max}, got ${String(value)}` });
  }
}
