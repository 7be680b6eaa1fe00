/**
 * `from` / `to` query parameters: RFC 3339 times (`2026-11-23T10:00:00Z`); `to` defaults to now
 * and `from` to `to` minus a default span. Bad values get a 400 naming the parameter.
 */
import Type from 'typebox';
import { ValidationError, type FieldProblem } from '../core/errors.js';

export const TimeRangeQuery = {
  from: Type.Optional(Type.String({ maxLength: 64, description: 'Start (exclusive), RFC 3339.' })),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'End (inclusive), RFC 3339; default now.' })),
};

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseTimeRange(query: { from?: string; to?: string }, nowMs: number, defaultSpanMs: number, maxSpanMs = Number.POSITIVE_INFINITY): { fromMs: number; toMs: number } {
  const problems: FieldProblem[] = [];
  const parse = (field: 'from' | 'to', value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const ms = rfc3339.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) problems.push({ field, message: `must be an RFC 3339 time like 2026-11-23T10:00:00Z, got ${JSON.stringify(value)}` });
    return Number.isNaN(ms) ? undefined : ms;
  };
  const toMs = parse('to', query.to) ?? nowMs;
  const fromMs = parse('from', query.from) ?? toMs - defaultSpanMs;
  if (problems.length === 0 && fromMs >= toMs) problems.push({ field: 'from', message: 'must be before to' });
  if (problems.length === 0 && toMs - fromMs > maxSpanMs) problems.push({ field: 'from', message: `the range may span at most ${Math.round(maxSpanMs / 86_400_000)} days` });
  if (problems.length > 0) throw new ValidationError(problems);
  return { fromMs, toMs };
}
