/**
 * Label and annotation templates: the subset of Go's text/template that Prometheus alerting
 * rules use, so summaries copied from a Prometheus rule file render the same here.
 *
 * Supported: `{{ $labels.name }}`, `{{ .Labels.name }}`, `{{ $value }}`, `{{ .Value }}`,
 * `{{ $externalLabels.name }}`, `{{ $externalURL }}`, pipelines (`{{ $value | humanize }}`),
 * calls (`{{ humanize $value }}`, `{{ printf "%.2f" $value }}`, `{{ index $labels "a-b" }}`),
 * parentheses, string and number literals, trim markers (`{{- x -}}`) and comments.
 * Functions: humanize, humanize1024, humanizePercentage, humanizeDuration, humanizeTimestamp,
 * toUpper, toLower, title, printf, index. Control flow (`if`, `range`, `with`) and `query` are
 * not supported: such a template fails to compile.
 *
 * A missing label renders as "", as in Prometheus (which renders with `missingkey=zero`).
 *
 * A template that fails (to parse or to render) never drops the alert: `renderTemplate` returns
 * the raw text and the error, and the caller records the error as the rule's health.
 */
import type { LabelSet } from '../label-matcher.js';
import { formatGoE, formatGoF, formatGoG, humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp } from './go-format.js';

/** What a template sees: the alert's labels and value, and the server's external labels and URL. */
export interface TemplateData {
  labels: LabelSet;
  value: number;
  externalLabels?: LabelSet;
  externalUrl?: string;
  /** Values of the extra `.Name` roots a `TemplateScope` declares (incident templates: `.ID`, `.Title` ...). */
  fields?: Readonly<Record<string, string>>;
}

/**
 * Extra `.Name` roots beyond the alert ones, for other features' templates (incident status
 * updates) that reuse this renderer. A root not declared fails at compile time, so a config
 * naming an unknown variable is rejected when loaded, not when the template first renders.
 */
export interface TemplateScope {
  fields: readonly string[];
}

export interface RenderResult {
  text: string;
  /** Why the template failed (the text is then the raw template); null when it rendered. */
  error: string | null;
}

type Value = string | number | boolean | LabelSet | undefined;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Command[] };

type Operand =
  | { kind: 'literal'; value: Value }
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'dot'; fields: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'group'; pipeline: Command[] };

type Command = Operand[];

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type TemplateFunction = (...args: Value[]) => Value;

const functions: Record<string, TemplateFunction> = {
  humanize: (value) => humanize(toNumber(value, 'humanize')),
  humanize1024: (value) => humanize1024(toNumber(value, 'humanize1024')),
  humanizePercentage: (value) => humanizePercentage(toNumber(value, 'humanizePercentage')),
  humanizeDuration: (value) => humanizeDuration(toNumber(value, 'humanizeDuration')),
  humanizeTimestamp: (value) => humanizeTimestamp(toNumber(value, 'humanizeTimestamp')),
  toUpper: (value) => printValue(value).toUpperCase(),
  toLower: (value) => printValue(value).toLowerCase(),
  title: (value) => printValue(value).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_all, before: string, letter: string) => before + letter.toUpperCase()),
  printf: (format, ...args) => goSprintf(typeof format === 'string' ? format : printValue(format), args),
  index: (map, key) => {
    if (typeof map !== 'object') throw new TemplateError(`index of a ${typeof map}`);
    return map[printValue(key)] ?? '';
  },
};

const dotRoots = ['Labels', 'Value', 'ExternalLabels', 'ExternalURL'];
const variables = new Set(['labels', 'value', 'externalLabels', 'externalURL']);

/** A parsed template; render it once per alert. */
export interface CompiledTemplate {
  source: string;
  render(data: TemplateData): RenderResult;
}

/** Parses `source`; throws `TemplateError` naming what is wrong. */
export function compileTemplate(source: string, scope?: TemplateScope): CompiledTemplate {
  const nodes = parseNodes(source, scope);
  return {
    source,
    render(data) {
      try {
        const parts = nodes.map((node) => (node.kind === 'text' ? node.text : printValue(runPipeline(node.pipeline, data))));
        return { text: parts.join(''), error: null };
      } catch (error) {
        return { text: source, error: `template ${JSON.stringify(shorten(source))}: ${errorMessage(error)}` };
      }
    },
  };
}

/** The problem with a template, or null when it compiles. */
export function templateProblem(source: string, scope?: TemplateScope): string | null {
  try {
    compileTemplate(source, scope);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** Renders `source` with `data`; on any failure the raw text and the reason. */
export function renderTemplate(source: string, data: TemplateData): RenderResult {
  if (!source.includes('{{')) return { text: source, error: null };
  try {
    return compileTemplate(source).render(data);
  } catch (error) {
    return { text: source, error: `template ${JSON.stringify(shorten(source))}: ${errorMessage(error)}` };
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseNodes(source: string, scope: TemplateScope | undefined): Node[] {
  const nodes: Node[] = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      if (text !== '') nodes.push({ kind: 'text', text });
      break;
    }
    const close = actionEnd(source, open + 2);
    if (close === -1) throw new TemplateError(`unclosed action starting at offset ${open}`);
    let inner = source.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    if (/\s-$/.test(inner)) {
      trimNext = true;
      inner = inner.slice(0, -1);
    }
    if (text !== '') nodes.push({ kind: 'text', text });
    const trimmed = inner.trim();
    if (!(trimmed.startsWith('/*') && trimmed.endsWith('*/'))) nodes.push({ kind: 'action', pipeline: parseAction(trimmed, scope) });
    position = close + 2;
  }
  return nodes;
}

/** Index of the `}}` that ends the action starting at `from`, skipping quoted strings. */
function actionEnd(source: string, from: number): number {
  for (let index = from; index < source.length - 1; index += 1) {
    const char = source[index];
    if (char === '"' || char === '`') {
      for (index += 1; index < source.length && source[index] !== char; index += 1) if (char === '"' && source[index] === '\\') index += 1;
    } else if (char === '}' && source[index + 1] === '}') {
      return index;
    }
  }
  return -1;
}

type Token = { kind: 'pipe' } | { kind: 'open' } | { kind: 'close' } | { kind: 'word'; text: string } | { kind: 'string'; value: string } | { kind: 'number'; value: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|(\|)|(\()|(\))|("(?:[^"\\]|\\.)*")|(`[^`]*`)|([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+))(?![\w.])|([$.]?[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*|\$|\.)/gy;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) throw new TemplateError(`unexpected ${JSON.stringify(text.slice(index, index + 10))} in action {{ ${text} }}`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'pipe' });
    else if (match[2] !== undefined) tokens.push({ kind: 'open' });
    else if (match[3] !== undefined) tokens.push({ kind: 'close' });
    else if (match[4] !== undefined) tokens.push({ kind: 'string', value: JSON.parse(match[4]) as string });
    else if (match[5] !== undefined) tokens.push({ kind: 'string', value: match[5].slice(1, -1) });
    else if (match[6] !== undefined) tokens.push({ kind: 'number', value: Number(match[6]) });
    else if (match[7] !== undefined) tokens.push({ kind: 'word', text: match[7] });
  }
  return tokens;
}

function parseAction(text: string, scope: TemplateScope | undefined): Command[] {
  if (text === '') throw new TemplateError('empty action {{ }}');
  const keyword = /^(if|else|end|range|with|define|template|block|break|continue)\b/.exec(text);
  if (keyword !== null) throw new TemplateError(`{{ ${keyword[1]} }} is not supported (only values, functions and pipelines)`);
  if (/:?=/.test(text.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, ''))) throw new TemplateError('variable declarations are not supported');
  const tokens = tokenize(text);
  const state = { tokens, index: 0 };
  const pipeline = parsePipeline(state, scope);
  if (state.index < tokens.length) throw new TemplateError(`unexpected ')' in action {{ ${text} }}`);
  return pipeline;
}

function parsePipeline(state: { tokens: Token[]; index: number }, scope: TemplateScope | undefined): Command[] {
  const commands: Command[] = [];
  let command: Command = [];
  for (; state.index < state.tokens.length; state.index += 1) {
    const token = state.tokens[state.index];
    if (token === undefined || token.kind === 'close') break;
    if (token.kind === 'pipe') {
      if (command.length === 0) throw new TemplateError('missing value before |');
      commands.push(command);
      command = [];
      continue;
    }
    if (token.kind === 'open') {
      state.index += 1;
      const group = parsePipeline(state, scope);
      if (state.tokens[state.index]?.kind !== 'close') throw new TemplateError('unclosed (');
      command.push({ kind: 'group', pipeline: group });
      continue;
    }
    command.push(operandOf(token, scope));
  }
  if (command.length === 0) throw new TemplateError(commands.length === 0 ? 'empty pipeline' : 'missing command after |');
  commands.push(command);
  return commands;
}

function operandOf(token: Token & { kind: 'word' | 'string' | 'number' }, scope: TemplateScope | undefined): Operand {
  if (token.kind === 'string' || token.kind === 'number') return { kind: 'literal', value: token.value };
  const text = token.text;
  if (text === '.') throw new TemplateError('{{ . }} is not supported; use .Labels, .Value, .ExternalLabels or .ExternalURL');
  if (text.startsWith('.')) {
    const fields = text.slice(1).split('.');
    const roots = [...dotRoots, ...(scope?.fields ?? [])];
    if (!roots.includes(fields[0] ?? '')) throw new TemplateError(`can't evaluate field ${fields[0] ?? ''} (use ${roots.map((root) => `.${root}`).join(', ')})`);
    return { kind: 'dot', fields };
  }
  if (text.startsWith('$')) {
    const [name = '', ...fields] = text.slice(1).split('.');
    if (!variables.has(name)) throw new TemplateError(`undefined variable "$${name}" (use $labels, $value, $externalLabels or $externalURL)`);
    return { kind: 'variable', name, fields };
  }
  if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true' };
  if (text === 'nil') return { kind: 'literal', value: undefined };
  if (functions[text] === undefined) throw new TemplateError(`function "${text}" not defined`);
  return { kind: 'function', name: text };
}

function runPipeline(pipeline: readonly Command[], data: TemplateData, input: Value | typeof noInput = noInput): Value {
  let carried: Value | typeof noInput = input;
  for (const command of pipeline) carried = runCommand(command, data, carried);
  return carried === noInput ? undefined : carried;
}

const noInput = Symbol('no input');

function runCommand(command: Command, data: TemplateData, piped: Value | typeof noInput): Value {
  const [head, ...rest] = command;
  if (head === undefined) throw new TemplateError('empty command');
  if (head.kind === 'function') {
    const args = rest.map((operand) => operandValue(operand, data));
    if (piped !== noInput) args.push(piped);
    const fn = functions[head.name];
    if (fn === undefined) throw new TemplateError(`function "${head.name}" not defined`);
    return fn(...args);
  }
  if (rest.length > 0 || piped !== noInput) throw new TemplateError("can't give argument to non-function");
  return operandValue(head, data);
}

function operandValue(operand: Operand, data: TemplateData): Value {
  switch (operand.kind) {
    case 'literal':
      return operand.value;
    case 'group':
      return runPipeline(operand.pipeline, data);
    case 'function':
      return runCommand([operand], data, noInput);
    case 'variable':
      return fieldsOf(variableValue(operand.name, data), operand.fields, `$${operand.name}`);
    case 'dot':
      return dotValue(operand.fields, data);
  }
}

function variableValue(name: string, data: TemplateData): Value {
  if (name === 'labels') return data.labels;
  if (name === 'value') return data.value;
  if (name === 'externalLabels') return data.externalLabels ?? {};
  return data.externalUrl ?? '';
}

function dotValue(fields: string[], data: TemplateData): Value {
  const [first = '', ...rest] = fields;
  const extra = data.fields?.[first];
  if (extra !== undefined) return fieldsOf(extra, rest, `.${first}`);
  const roots: Record<string, Value> = { Labels: data.labels, Value: data.value, ExternalLabels: data.externalLabels ?? {}, ExternalURL: data.externalUrl ?? '' };
  return fieldsOf(roots[first], rest, `.${first}`);
}

/** Label lookups; a missing label is "" (Prometheus renders alert templates with missingkey=zero). */
function fieldsOf(value: Value, fields: readonly string[], name: string): Value {
  let current = value;
  for (const field of fields) {
    if (typeof current !== 'object') throw new TemplateError(`can't evaluate field ${field} of ${name} (a ${typeof current})`);
    current = current[field] ?? '';
  }
  return current;
}

function toNumber(value: Value, fn: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const parsed = parseGoFloat(value.trim());
    if (parsed !== undefined) return parsed;
  }
  throw new TemplateError(`${fn}: can't convert ${JSON.stringify(printValue(value))} to a number`);
}

/** Go's strconv.ParseFloat for the texts a label holds: decimals, exponents, Inf, NaN. */
function parseGoFloat(text: string): number | undefined {
  if (/^[-+]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** How Go's text/template prints a value: floats as `%v`, maps as `map[a:b]`, nil as `<no value>`. */
function printValue(value: Value): string {
  if (value === undefined) return '<no value>';
  if (typeof value === 'number') return formatGoG(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  const keys = Object.keys(value).sort();
  return `map[${keys.map((key) => `${key}:${value[key] ?? ''}`).join(' ')}]`;
}

/** Go's `fmt.Sprintf` for the verbs templates use: %s %v %d %f %e %g %q %x %%, with precision. */
export function goSprintf(format: string, args: readonly Value[]): string {
  let next = 0;
  const out = format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/g, (_all, flags: string, width: string, precisionText: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[next];
    next += 1;
    if (next > args.length) return `%!${verb}(MISSING)`;
    const precision = precisionText === undefined ? undefined : precisionText === '' ? 0 : Number(precisionText);
    const text = formatVerb(verb, arg, precision, flags);
    const padded = width === '' ? text : flags.includes('-') ? text.padEnd(Number(width)) : text.padStart(Number(width), flags.includes('0') && typeof arg === 'number' ? '0' : ' ');
    return padded;
  });
  return next < args.length ? `${out}%!(EXTRA ${args.slice(next).map(printValue).join(', ')})` : out;
}

function formatVerb(verb: string, arg: Value, precision: number | undefined, flags: string): string {
  const sign = (text: string, value: number) => (flags.includes('+') && value >= 0 ? `+${text}` : text);
  if (typeof arg === 'number') {
    switch (verb) {
      case 'v':
      case 'g':
        return sign(formatGoG(arg, precision ?? null), arg);
      case 'f':
      case 'F':
        return sign(formatGoF(arg, precision ?? 6), arg);
      case 'e':
        return sign(formatGoE(arg, precision ?? 6), arg);
      case 'd':
        return Number.isInteger(arg) ? sign(String(arg), arg) : `%!d(float64=${formatGoG(arg)})`;
      case 'x':
        return Number.isInteger(arg) ? arg.toString(16) : `%!x(float64=${formatGoG(arg)})`;
      case 's':
        return `%!s(float64=${formatGoG(arg)})`;
      case 'q':
        return `%!q(float64=${formatGoG(arg)})`;
    }
  }
  const text = printValue(arg);
  switch (verb) {
    case 's':
    case 'v':
      return precision === undefined ? text : text.slice(0, precision);
    case 'q':
      return JSON.stringify(text);
    case 'x':
      return [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    default:
      return `%!${verb}(string=${text})`;
  }
}
