/**
 * Turns a pushed batch (`POST /api/v1/events`: JSON array or NDJSON lines) into per-minute
 * counts: `{slo, at?, good, total}` counts as they are, raw outcomes `{slo, at?, status?,
 * latency_ms?, ok?}` classified by the SLO's own good-event rule. The whole batch is checked
 * first and every problem names its item and field, so a bad batch stores nothing.
 */
import { ValidationError, type FieldProblem } from '../../core/errors.js';
import { compileGoodEventRule, goodEventVariables, type EventOutcome, type GoodEventRule } from '../../core/slo/good-event-rule.js';
import type { SloSpec } from '../../core/slo/slo.js';
import { minuteMs } from '../../core/slo/slo-window.js';
import type { SloCount } from '../../adapters/store/store.js';

export interface IngestLimits {
  nowMs: number;
  /** Oldest accepted minute end: now minus the lateness. */
  latenessMs: number;
  /** Newest accepted time ahead of now (clock skew of the sender). */
  maxFutureMs: number;
}

/** Compiled good-event rules per SLO source text, so a batch does not recompile per item. */
const compiledRules = new Map<string, GoodEventRule | string>();

function ruleOf(source: string): GoodEventRule | string {
  let compiled = compiledRules.get(source);
  if (compiled === undefined) {
    const result = compileGoodEventRule(source);
    compiled = result.ok ? result.rule : result.message;
    if (compiledRules.size > 10_000) compiledRules.clear();
    compiledRules.set(source, compiled);
  }
  return compiled;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Per-(SLO, minute) sums of a valid batch; throws ValidationError naming every bad item. */
export function countsOfBatch(items: readonly unknown[], sloOf: (name: string) => SloSpec | undefined, limits: IngestLimits): SloCount[] {
  const problems: FieldProblem[] = [];
  const sums = new Map<string, SloCount>();
  items.forEach((item, index) => {
    const at = (field: string) => `[${index}]${field === '' ? '' : `.${field}`}`;
    const fail = (field: string, message: string) => {
      if (problems.length < 50) problems.push({ field: at(field), message });
    };
    if (!isRecord(item)) return fail('', 'must be an object like {"slo": "checkout-availability", "good": 99, "total": 100}');
    const name = item['slo'];
    if (typeof name !== 'string') return fail('slo', 'is required: the name of an SLO');
    const spec = sloOf(name);
    if (spec === undefined) return fail('slo', `unknown SLO '${name}'`);
    if (spec.sli.kind !== 'events') return fail('slo', `SLO '${name}' takes its SLI from ${spec.sli.kind}, not from pushed events`);
    let atMs = limits.nowMs;
    if (item['at'] !== undefined) {
      const raw = item['at'];
      atMs = typeof raw === 'number' ? raw * 1000 : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      if (!Number.isFinite(atMs)) return fail('at', 'must be an RFC 3339 time or Unix seconds');
    }
    const minuteEnd = Math.ceil(atMs / minuteMs) * minuteMs;
    if (atMs > limits.nowMs + limits.maxFutureMs) return fail('at', `is in the future (${new Date(atMs).toISOString()})`);
    if (minuteEnd <= limits.nowMs - limits.latenessMs) {
      return fail('at', `is older than the accepted lateness of ${limits.latenessMs / minuteMs}m (${new Date(atMs).toISOString()})`);
    }
    const counted = countsOfItem(item, spec, fail);
    if (counted === undefined) return;
    const key = `${name}\u0000${minuteEnd}`;
    const sum = sums.get(key) ?? { slo: name, endMs: minuteEnd, good: 0, total: 0 };
    sum.good += counted.good;
    sum.total += counted.total;
    sums.set(key, sum);
  });
  if (problems.length > 0) throw new ValidationError(problems, `the batch was not stored: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return [...sums.values()];
}

function countsOfItem(item: Record<string, unknown>, spec: SloSpec, fail: (field: string, message: string) => void): { good: number; total: number } | undefined {
  if (item['good'] !== undefined || item['total'] !== undefined) {
    const good = item['good'];
    const total = item['total'];
    if (typeof good !== 'number' || !Number.isFinite(good) || good < 0) return void fail('good', 'must be a number >= 0');
    if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) return void fail('total', 'must be a number >= 0');
    if (good > total) return void fail('good', `must not exceed total (${good} > ${total})`);
    return { good, total };
  }
  const source = spec.sli.kind === 'events' ? spec.sli.goodWhen : null;
  if (source === null) return void fail('good', `SLO '${spec.name}' takes counts {good, total}; it has no good_when rule for raw outcomes`);
  const rule = ruleOf(source);
  if (typeof rule === 'string') return void fail('slo', `the SLO's good_when rule does not compile: ${rule}`);
  const outcome: EventOutcome = {};
  for (const [field, type] of Object.entries(goodEventVariables) as Array<[keyof EventOutcome, 'number' | 'boolean']>) {
    const value = item[field];
    if (value === undefined) continue;
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) return void fail(field, `must be a ${type}`);
    (outcome as Record<string, unknown>)[field] = value;
  }
  const verdict = rule.classify(outcome);
  if (!verdict.ok) return void fail('', verdict.message);
  return { good: verdict.good ? 1 : 0, total: 1 };
}
