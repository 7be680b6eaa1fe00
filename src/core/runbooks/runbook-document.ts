/**
 * Reads one runbook from its document form (the YAML front matter of a Markdown file, or an item
 * of `runbooks.items`) into a `Runbook`, collecting every problem with its field path
 * (`steps[2].http.url`) instead of stopping at the first. Templates are compiled here, so a
 * variable that does not exist is reported when the runbook loads, not when a step runs.
 *
 * Document shape (snake_case, durations in Prometheus syntax):
 *   name, title, description?, estimated?, match: {services, labels, severities},
 *   steps: [{title, checklist: text} | {title, http: {...}} | {title, wait_verify: {...}} |
 *           {title, command: {argv, timeout}}]
 */
import { parseDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';
import type { LabelMatcher } from '../alerting/label-matcher.js';
import { parseMatchers } from '../alerting/matcher-parser.js';
import { describeValue, type PathSegment } from '../validation/field-path.js';
import { runbookNamePattern, runbookStepKinds, type ComparisonOperator, type Runbook, type RunbookStep, type WaitTarget } from './runbook.js';
import { stepTemplateProblem } from './step-template.js';

export interface RunbookProblem {
  /** Path inside the document, e.g. ['steps', 2, 'http', 'url']. */
  path: PathSegment[];
  message: string;
}

export type RunbookReadResult = { runbook: Runbook; problems: [] } | { runbook: null; problems: RunbookProblem[] };

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const defaultHttpTimeoutMs = 10_000;
const defaultWaitTimeoutMs = 600_000;
const defaultWaitIntervalMs = 30_000;
const defaultCommandTimeoutMs = 30_000;

type Problems = RunbookProblem[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], path: PathSegment[], problems: Problems): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push({ path: [...path, key], message: `unknown field (allowed: ${allowed.join(', ')})` });
}

function text(value: unknown, path: PathSegment[], problems: Problems, options: { required: boolean; maxLength?: number }): string | undefined {
  if (value === undefined || value === null) {
    if (options.required) problems.push({ path, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string' || (options.required && value.trim() === '')) {
    problems.push({ path, message: `must be a non-empty string, got ${describeValue(value)}` });
    return undefined;
  }
  if (value.length > (options.maxLength ?? 20_000)) {
    problems.push({ path, message: `must be at most ${options.maxLength ?? 20_000} characters` });
    return undefined;
  }
  return value;
}

function duration(value: unknown, path: PathSegment[], problems: Problems, fallbackMs: number, limits: { minMs: number; maxMs: number }): number {
  if (value === undefined) return fallbackMs;
  const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
  if (ms === undefined || ms < limits.minMs || ms > limits.maxMs) {
    problems.push({ path, message: `must be a duration between ${limits.minMs / 1000}s and ${limits.maxMs / 1000}s (like 30s, 5m), got ${describeValue(value)}` });
    return fallbackMs;
  }
  return ms;
}

function stringList(value: unknown, path: PathSegment[], problems: Problems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path, message: `must be a list of strings, got ${describeValue(value)}` });
    return [];
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && item !== '') out.push(item);
    else problems.push({ path: [...path, index], message: `must be a non-empty string, got ${describeValue(item)}` });
  });
  return out;
}

function template(value: string | undefined, path: PathSegment[], problems: Problems): string | undefined {
  if (value === undefined) return undefined;
  const problem = stepTemplateProblem(value);
  if (problem !== null) problems.push({ path, message: problem });
  return value;
}

function readMatch(value: unknown, problems: Problems): Runbook['match'] {
  const path: PathSegment[] = ['match'];
  if (value === undefined) return { services: [], labels: [], severities: [] };
  if (!isRecord(value)) {
    problems.push({ path, message: `must be a mapping, got ${describeValue(value)}` });
    return { services: [], labels: [], severities: [] };
  }
  unknownKeys(value, ['services', 'labels', 'severities'], path, problems);
  const labels: LabelMatcher[] = [];
  stringList(value.labels, [...path, 'labels'], problems).forEach((line, index) => {
    try {
      labels.push(...parseMatchers(line));
    } catch (error) {
      problems.push({ path: [...path, 'labels', index], message: error instanceof Error ? error.message : String(error) });
    }
  });
  return { services: stringList(value.services, [...path, 'services'], problems), labels, severities: stringList(value.severities, [...path, 'severities'], problems) };
}

function readHttp(value: unknown, path: PathSegment[], problems: Problems): Omit<Extract<RunbookStep, { kind: 'http' }>, 'title' | 'kind'> | undefined {
  if (!isRecord(value)) {
    problems.push({ path, message: `must be a mapping with url (and method, headers, body, expect_status, timeout), got ${describeValue(value)}` });
    return undefined;
  }
  unknownKeys(value, ['method', 'url', 'headers', 'body', 'expect_status', 'timeout'], path, problems);
  const method = (text(value.method, [...path, 'method'], problems, { required: false, maxLength: 10 }) ?? 'GET').toUpperCase();
  if (!httpMethods.includes(method)) problems.push({ path: [...path, 'method'], message: `must be one of ${httpMethods.join(', ')}` });
  const url = template(text(value.url, [...path, 'url'], problems, { required: true, maxLength: 2048 }), [...path, 'url'], problems);
  if (url !== undefined && !/^https?:\/\//i.test(url)) problems.push({ path: [...path, 'url'], message: 'must start with http:// or https://' });
  const headers: Record<string, string> = {};
  if (value.headers !== undefined) {
    if (!isRecord(value.headers)) problems.push({ path: [...path, 'headers'], message: `must be a mapping of header names to values, got ${describeValue(value.headers)}` });
    else
      for (const [name, header] of Object.entries(value.headers)) {
        const headerPath = [...path, 'headers', name];
        const rendered = template(text(header, headerPath, problems, { required: false, maxLength: 4096 }), headerPath, problems);
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) problems.push({ path: headerPath, message: 'is not a valid header name' });
        else if (rendered !== undefined) headers[name] = rendered;
      }
  }
  const body = template(text(value.body, [...path, 'body'], problems, { required: false, maxLength: 100_000 }), [...path, 'body'], problems) ?? null;
  const expectStatus: number[] = [];
  const statuses = value.expect_status === undefined ? [] : Array.isArray(value.expect_status) ? (value.expect_status as unknown[]) : [value.expect_status];
  statuses.forEach((status, index) => {
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) expectStatus.push(status);
    else problems.push({ path: [...path, 'expect_status', ...(Array.isArray(value.expect_status) ? [index] : [])], message: `must be an HTTP status from 100 to 599, got ${describeValue(status)}` });
  });
  const timeoutMs = duration(value.timeout, [...path, 'timeout'], problems, defaultHttpTimeoutMs, { minMs: 100, maxMs: 300_000 });
  return url === undefined ? undefined : { method, url, headers, body, expectStatus, timeoutMs };
}

const conditionPattern = /^\s*(sli|budget_remaining)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

function readWait(value: unknown, path: PathSegment[], problems: Problems): Omit<Extract<RunbookStep, { kind: 'wait_verify' }>, 'title' | 'kind'> | undefined {
  if (!isRecord(value)) {
    problems.push({ path, message: `must be a mapping with monitor, or slo and condition, got ${describeValue(value)}` });
    return undefined;
  }
  unknownKeys(value, ['monitor', 'slo', 'condition', 'timeout', 'interval'], path, problems);
  const timeoutMs = duration(value.timeout, [...path, 'timeout'], problems, defaultWaitTimeoutMs, { minMs: 1_000, maxMs: 86_400_000 });
  const intervalMs = duration(value.interval, [...path, 'interval'], problems, defaultWaitIntervalMs, { minMs: 1_000, maxMs: 3_600_000 });
  let target: WaitTarget | undefined;
  if (value.monitor !== undefined && value.slo !== undefined) problems.push({ path, message: 'give either monitor or slo, not both' });
  else if (value.monitor !== undefined) {
    const monitor = text(value.monitor, [...path, 'monitor'], problems, { required: true, maxLength: 200 });
    if (value.condition !== undefined) problems.push({ path: [...path, 'condition'], message: 'applies to slo only (a monitor is waited for until it is up)' });
    if (monitor !== undefined) target = { kind: 'monitor', monitor };
  } else if (value.slo !== undefined) {
    const slo = text(value.slo, [...path, 'slo'], problems, { required: true, maxLength: 200 });
    const condition = text(value.condition, [...path, 'condition'], problems, { required: true, maxLength: 100 });
    const parsed = condition === undefined ? null : conditionPattern.exec(condition);
    if (condition !== undefined && parsed === null) problems.push({ path: [...path, 'condition'], message: `must read like "sli >= 0.999" or "budget_remaining > 0.5", got ${JSON.stringify(condition)}` });
    if (slo !== undefined && parsed !== null) {
      target = { kind: 'slo', slo, measure: parsed[1] as 'sli' | 'budget_remaining', operator: parsed[2] as ComparisonOperator, threshold: Number(parsed[3]) };
    }
  } else problems.push({ path, message: 'needs monitor (wait until it is up) or slo with a condition' });
  return target === undefined ? undefined : { target, timeoutMs, intervalMs };
}

function readCommand(value: unknown, path: PathSegment[], problems: Problems): Omit<Extract<RunbookStep, { kind: 'command' }>, 'title' | 'kind'> | undefined {
  if (typeof value === 'string') {
    problems.push({ path, message: 'must be a mapping with argv (a list: program, then arguments); a shell string is never run' });
    return undefined;
  }
  if (!isRecord(value)) {
    problems.push({ path, message: `must be a mapping with argv, got ${describeValue(value)}` });
    return undefined;
  }
  unknownKeys(value, ['argv', 'timeout'], path, problems);
  if (!Array.isArray(value.argv) || value.argv.length === 0) {
    problems.push({ path: [...path, 'argv'], message: 'must be a non-empty list: the program (absolute path), then its arguments' });
    return undefined;
  }
  const argv = stringList(value.argv, [...path, 'argv'], problems);
  argv.forEach((argument, index) => template(argument, [...path, 'argv', index], problems));
  const program = argv[0];
  if (program !== undefined && (!program.startsWith('/') || program.includes('{{'))) problems.push({ path: [...path, 'argv', 0], message: 'the program must be an absolute path without template actions' });
  const timeoutMs = duration(value.timeout, [...path, 'timeout'], problems, defaultCommandTimeoutMs, { minMs: 100, maxMs: 3_600_000 });
  return argv.length === value.argv.length ? { argv, timeoutMs } : undefined;
}

function readStep(value: unknown, index: number, problems: Problems): RunbookStep | undefined {
  const path: PathSegment[] = ['steps', index];
  if (typeof value === 'string') {
    // A bare string is the shortest checklist item: `- Check the error logs`.
    return template(value, path, problems) === undefined ? undefined : { kind: 'checklist', title: value.split('\n')[0]?.slice(0, 200) ?? value, text: value };
  }
  if (!isRecord(value)) {
    problems.push({ path, message: `must be a mapping or a checklist line, got ${describeValue(value)}` });
    return undefined;
  }
  const kinds = runbookStepKinds.filter((kind) => value[kind] !== undefined);
  unknownKeys(value, ['title', ...runbookStepKinds], path, problems);
  if (kinds.length !== 1) {
    problems.push({ path, message: kinds.length === 0 ? `needs one of ${runbookStepKinds.join(', ')}` : `has ${kinds.join(' and ')}; a step is exactly one kind` });
    return undefined;
  }
  const kind = kinds[0] ?? 'checklist';
  const titleText = template(text(value.title, [...path, 'title'], problems, { required: kind !== 'checklist', maxLength: 200 }), [...path, 'title'], problems);
  const kindPath: PathSegment[] = [...path, kind];
  switch (kind) {
    case 'checklist': {
      const body = template(text(value.checklist, kindPath, problems, { required: true }), kindPath, problems);
      return body === undefined ? undefined : { kind, title: titleText ?? body.split('\n')[0]?.slice(0, 200) ?? body, text: body };
    }
    case 'http': {
      const http = readHttp(value.http, kindPath, problems);
      return http === undefined || titleText === undefined ? undefined : { kind, title: titleText, ...http };
    }
    case 'wait_verify': {
      const wait = readWait(value.wait_verify, kindPath, problems);
      return wait === undefined || titleText === undefined ? undefined : { kind, title: titleText, ...wait };
    }
    case 'command': {
      const command = readCommand(value.command, kindPath, problems);
      return command === undefined || titleText === undefined ? undefined : { kind, title: titleText, ...command };
    }
  }
}

/**
 * Reads a runbook document. `description` is used when the document has none (the Markdown body
 * of a runbook file). Problems carry paths relative to the document.
 */
export function readRunbookDocument(value: unknown, options: { source: string; description?: string }): RunbookReadResult {
  const problems: Problems = [];
  if (!isRecord(value)) return { runbook: null, problems: [{ path: [], message: `a runbook must be a mapping, got ${describeValue(value)}` }] };
  unknownKeys(value, ['name', 'title', 'description', 'estimated', 'match', 'steps'], [], problems);
  const name = text(value.name, ['name'], problems, { required: true, maxLength: 100 });
  if (name !== undefined && !runbookNamePattern.test(name)) problems.push({ path: ['name'], message: 'must be lowercase letters, digits and dashes (like database-issues)' });
  const title = text(value.title, ['title'], problems, { required: true, maxLength: 200 });
  const description = text(value.description, ['description'], problems, { required: false, maxLength: 100_000 }) ?? options.description ?? '';
  const estimatedMs = value.estimated === undefined ? null : duration(value.estimated, ['estimated'], problems, 0, { minMs: 60_000, maxMs: 7 * 86_400_000 });
  const match = readMatch(value.match, problems);
  const steps: RunbookStep[] = [];
  if (!Array.isArray(value.steps) || value.steps.length === 0) problems.push({ path: ['steps'], message: 'must be a non-empty list of steps' });
  else if (value.steps.length > 100) problems.push({ path: ['steps'], message: 'must have at most 100 steps' });
  else
    value.steps.forEach((item, index) => {
      const step = readStep(item, index, problems);
      if (step !== undefined) steps.push(step);
    });
  if (problems.length > 0 || name === undefined || title === undefined) return { runbook: null, problems: problems.length > 0 ? problems : [{ path: [], message: 'incomplete runbook' }] };
  return { runbook: { name, title, description, match, estimatedMs, steps, source: options.source }, problems: [] };
}

/** Problems as `FieldProblem`s under a prefix (`runbooks.items[3]`), for ValidationError. */
export function runbookFieldProblems(problems: readonly RunbookProblem[], prefix: string): FieldProblem[] {
  return problems.map((problem) => ({ field: [prefix, ...problem.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))].join('').replace(/^\./, ''), message: problem.message }));
}
