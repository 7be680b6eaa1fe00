/**
 * A subset of Go's text/template, enough for the titles and texts found in alertmanager.yml
 * files: `{{ .CommonLabels.alertname }}`, `{{ range .Alerts.Firing }}...{{ end }}`, `if` /
 * `else if` / `else` / `with`, pipelines with Alertmanager's functions (`toUpper`, `join`,
 * `len`, `index`, `eq` ...), variables (`{{ range $name, $value := .CommonLabels }}`,
 * `{{ $first := index .Alerts 0 }}`), `{{- trim -}}` markers, comments and
 * `{{ template "slack.default.title" . }}` (resolved to sre-monitor's default text). Missing map
 * keys render empty, as Alertmanager sets `missingkey=zero`. `match` and `reReplaceAll` use
 * re2js (Go's RE2 syntax). Anything else (custom template files, `define`, methods with arguments)
 * throws a TemplateError, and the caller sends the default text instead: a template problem
 * never drops a notification.
 */
import { RE2JS } from 're2js';

export class TemplateError extends Error {
  readonly code = 'TEMPLATE';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Arg =
  /** `variable` null is dot; `$` is the root. */
  | { kind: 'field'; variable: string | null; path: string[] }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'function'; name: string }
  | { kind: 'pipe'; pipe: Pipe; path: string[] };
type Pipe = Arg[][];
type Node =
  | { type: 'text'; text: string }
  | { type: 'output'; pipe: Pipe }
  | { type: 'if' | 'range' | 'with'; pipe: Pipe; body: Node[]; otherwise: Node[]; names: string[] }
  | { type: 'assign'; name: string; pipe: Pipe }
  | { type: 'template'; name: string };

/** Named templates a `{{ template "name" . }}` may call, already rendered. */
export type NamedTemplates = (name: string) => string | undefined;

interface Segment {
  text?: string;
  action?: string;
}

function splitSegments(source: string): Segment[] {
  const segments: Segment[] = [];
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    if (open < 0) {
      segments.push({ text: source.slice(position) });
      break;
    }
    let text = source.slice(position, open);
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      text = text.trimEnd();
      start += 1;
    }
    const close = findClose(source, start);
    let action = source.slice(start, close);
    let next = close + 2;
    if (/\s-$/.test(action)) {
      action = action.slice(0, -1);
      while (next < source.length && /\s/.test(source[next] ?? '')) next += 1;
    }
    segments.push({ text }, { action: action.trim() });
    position = next;
  }
  return segments.filter((segment) => segment.action !== undefined || segment.text !== '');
}

function findClose(source: string, from: number): number {
  let quote: string | null = null;
  for (let index = from; index < source.length; index += 1) {
    const char = source[index];
    if (quote !== null) {
      if (char === '\\' && quote === '"') index += 1;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === '`') quote = char;
    else if (char === '}' && source[index + 1] === '}') return index;
  }
  throw new TemplateError('unclosed action (missing "}}")');
}

const tokenPattern = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\||\(|\)|\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|\$?(?:\.[A-Za-z0-9_]+)+|\.|\$|:=|-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|\S)/y;

function tokenize(action: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (tokenPattern.lastIndex < action.length && (match = tokenPattern.exec(action)) !== null) {
    if (match[1] !== undefined) tokens.push(match[1]);
  }
  return tokens;
}

function parseArg(token: string, rest: string[]): Arg {
  if (token === '(') {
    const pipe = parsePipe(rest, ')');
    // `(index .Alerts 0).Labels`: a field chain right after the parenthesis applies to its value.
    const next = rest[0];
    const path = next !== undefined && /^(\.[A-Za-z0-9_]+)+$/.test(next) ? (rest.shift() as string).split('.').slice(1) : [];
    return { kind: 'pipe', pipe, path };
  }
  if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
  if (token.startsWith('`')) return { kind: 'literal', value: token.slice(1, -1) };
  if (/^-?\d/.test(token)) return { kind: 'literal', value: Number(token) };
  if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
  if (token === '.') return { kind: 'field', variable: null, path: [] };
  if (token.startsWith('.')) return { kind: 'field', variable: null, path: token.split('.').slice(1) };
  if (token.startsWith('$')) {
    const [variable = '$', ...path] = token.split('.');
    return { kind: 'field', variable, path };
  }
  if (/^[A-Za-z_]/.test(token)) return { kind: 'function', name: token };
  throw new TemplateError(`unexpected ${JSON.stringify(token)} (only := declarations are supported)`);
}

/** Consumes tokens up to `until` (or the end) into a pipeline. */
function parsePipe(tokens: string[], until?: string): Pipe {
  const pipe: Pipe = [[]];
  while (tokens.length > 0) {
    const token = tokens.shift() as string;
    if (token === until) return pipe;
    if (token === '|') pipe.push([]);
    else (pipe[pipe.length - 1] as Arg[]).push(parseArg(token, tokens));
  }
  if (until !== undefined) throw new TemplateError('unclosed "(" in action');
  if (pipe.some((command) => command.length === 0)) throw new TemplateError('empty command in pipeline');
  return pipe;
}

/** Parses the segments into nodes until one of `stops` (`end`, `else`); returns the stop met. */
function parseNodes(segments: Segment[], stops: string[]): { nodes: Node[]; stop: string | undefined; stopRest: string[] } {
  const nodes: Node[] = [];
  while (segments.length > 0) {
    const segment = segments.shift() as Segment;
    if (segment.action === undefined) {
      nodes.push({ type: 'text', text: segment.text ?? '' });
      continue;
    }
    if (segment.action.startsWith('/*')) continue;
    const tokens = tokenize(segment.action);
    const keyword = tokens[0] ?? '';
    if (stops.includes(keyword)) return { nodes, stop: keyword, stopRest: tokens.slice(1) };
    const declared = splitDeclaration(tokens);
    if (keyword === 'if' || keyword === 'range' || keyword === 'with') nodes.push(parseBlock(keyword, tokens.slice(1), segments));
    else if (declared !== undefined && declared.names.length === 1) nodes.push({ type: 'assign', name: declared.names[0] as string, pipe: parsePipe(declared.rest) });
    else if (keyword === 'template') nodes.push(parseTemplateCall(tokens.slice(1)));
    else if (keyword === 'end' || keyword === 'else') throw new TemplateError(`unexpected {{${keyword}}}`);
    else if (['define', 'block', 'break', 'continue'].includes(keyword)) throw new TemplateError(`{{${keyword}}} is not supported`);
    else nodes.push({ type: 'output', pipe: parsePipe(tokens) });
  }
  if (stops.length > 0) throw new TemplateError('missing {{end}}');
  return { nodes, stop: undefined, stopRest: [] };
}

/** `$x := pipeline` or `$i, $e := pipeline`: the declared names and the pipeline tokens. */
function splitDeclaration(tokens: string[]): { names: string[]; rest: string[] } | undefined {
  const at = tokens.indexOf(':=');
  if (at !== 1 && at !== 3) return undefined;
  const names = at === 1 ? [tokens[0]] : [tokens[0], tokens[2]];
  if (at === 3 && tokens[1] !== ',') return undefined;
  if (!names.every((name) => name !== undefined && /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(name))) return undefined;
  return { names: names as string[], rest: tokens.slice(at + 1) };
}

function parseBlock(type: 'if' | 'range' | 'with', blockTokens: string[], segments: Segment[]): Node {
  const declared = splitDeclaration(blockTokens);
  if (declared !== undefined && type !== 'range' && declared.names.length !== 1) throw new TemplateError(`{{${type}}} declares one variable`);
  const tokens = declared?.rest ?? blockTokens;
  if (tokens.length === 0) throw new TemplateError(`{{${type}}} needs a value`);
  const body = parseNodes(segments, ['end', 'else']);
  let otherwise: Node[] = [];
  if (body.stop === 'else') {
    if (body.stopRest[0] === 'if' || body.stopRest[0] === 'with') {
      // `{{ else if X }}` is an `if` nested in the else branch sharing the outer `{{ end }}`.
      otherwise = [parseBlock(body.stopRest[0], body.stopRest.slice(1), segments)];
    } else otherwise = parseNodes(segments, ['end']).nodes;
  }
  return { type, pipe: parsePipe(tokens), body: body.nodes, otherwise, names: declared?.names ?? [] };
}

function parseTemplateCall(tokens: string[]): Node {
  const name = tokens[0];
  if (name === undefined || !name.startsWith('"')) throw new TemplateError('{{template}} needs a quoted name');
  return { type: 'template', name: JSON.parse(name) as string };
}

interface Scope {
  dot: unknown;
  /** `$` (the root) and declared variables; a block gets a copy, so its declarations end with it. */
  vars: Map<string, unknown>;
  named: NamedTemplates;
}

function variable(scope: Scope, name: string): unknown {
  if (!scope.vars.has(name)) throw new TemplateError(`undefined variable ${name}`);
  return scope.vars.get(name);
}

function sortedPairs(map: Record<string, unknown>): Array<{ Name: string; Value: unknown }> {
  return Object.keys(map)
    .sort()
    .map((name) => ({ Name: name, Value: map[name] }));
}

function field(value: unknown, name: string): unknown {
  if (Array.isArray(value)) {
    if (name === 'Firing' || name === 'Resolved') return value.filter((item) => field(item, 'Status') === name.toLowerCase());
    if (name === 'Names') return value.map((pair) => field(pair, 'Name'));
    if (name === 'Values') return value.map((pair) => field(pair, 'Value'));
    throw new TemplateError(`can't evaluate field ${name} of a list`);
  }
  if (typeof value === 'object' && value !== null) {
    const map = value as Record<string, unknown>;
    if (name in map) return map[name];
    if (name === 'SortedPairs') return sortedPairs(map);
    if (name === 'Names') return Object.keys(map).sort();
    if (name === 'Values') return sortedPairs(map).map((pair) => pair.Value);
    return '';
  }
  if (value === undefined || value === null || value === '') return '';
  throw new TemplateError(`can't evaluate field ${name} in a ${typeof value}`);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(stringify).join(' ')}]`;
  if (typeof value === 'object') return `map[${sortedPairs(value as Record<string, unknown>).map((pair) => `${pair.Name}:${stringify(pair.Value)}`).join(' ')}]`;
  return '';
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('incompatible types for comparison');
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  throw new TemplateError('len of a value that has no length');
}

/** Go RE2 syntax, unanchored like Go's regexp; linear time, so a template cannot hang a send. */
function compileRegex(pattern: unknown): RE2JS {
  try {
    return RE2JS.compile(stringify(pattern));
  } catch (error) {
    throw new TemplateError(`bad regular expression ${JSON.stringify(stringify(pattern))}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const functions: Record<string, (...args: unknown[]) => unknown> = {
  match: (pattern, text) => compileRegex(pattern).test(stringify(text)),
  reReplaceAll: (pattern, replacement, text) => compileRegex(pattern).matcher(stringify(text)).replaceAll(stringify(replacement)),
  toUpper: (text) => stringify(text).toUpperCase(),
  toLower: (text) => stringify(text).toLowerCase(),
  title: (text) => stringify(text).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_all, before: string, letter: string) => before + letter.toUpperCase()),
  trimSpace: (text) => stringify(text).trim(),
  safeHtml: (text) => stringify(text),
  urlquery: (text) => encodeURIComponent(stringify(text)),
  join: (separator, list) => (Array.isArray(list) ? list.map(stringify).join(stringify(separator)) : stringify(list)),
  len: (value) => lengthOf(value),
  index: (value, ...keys) => keys.reduce((current, key) => (Array.isArray(current) ? current[Number(key)] : field(current, stringify(key))), value),
  print: (...values) => values.map(stringify).join(''),
  printf: (format, ...values) => {
    let next = 0;
    return stringify(format).replace(/%[sdvq%]/g, (verb) => (verb === '%%' ? '%' : verb === '%q' ? JSON.stringify(stringify(values[next++])) : stringify(values[next++])));
  },
  not: (value) => !truthy(value),
  and: (...values) => values.find((value) => !truthy(value)) ?? values[values.length - 1],
  or: (...values) => values.find((value) => truthy(value)) ?? values[values.length - 1],
  eq: (first, ...others) => others.some((other) => first === other),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
};

function evalArg(arg: Arg, scope: Scope): unknown {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'pipe') return arg.path.reduce((value, name) => field(value, name), evalPipe(arg.pipe, scope));
  if (arg.kind === 'function') return callFunction(arg.name, [], scope);
  return arg.path.reduce((value, name) => field(value, name), arg.variable === null ? scope.dot : variable(scope, arg.variable));
}

function callFunction(name: string, args: unknown[], _scope: Scope): unknown {
  const fn = functions[name];
  if (fn === undefined) throw new TemplateError(`function ${JSON.stringify(name)} not defined`);
  return fn(...args);
}

function evalPipe(pipe: Pipe, scope: Scope): unknown {
  let piped: unknown;
  let hasPiped = false;
  for (const command of pipe) {
    const [head, ...rest] = command;
    if (head === undefined) throw new TemplateError('empty command');
    if (head.kind === 'function') {
      const args = rest.map((arg) => evalArg(arg, scope));
      piped = callFunction(head.name, hasPiped ? [...args, piped] : args, scope);
    } else {
      if (rest.length > 0 || hasPiped) throw new TemplateError('a value cannot take arguments (methods are not supported)');
      piped = evalArg(head, scope);
    }
    hasPiped = true;
  }
  return piped;
}

function renderNodes(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'output') out += stringify(evalPipe(node.pipe, scope));
    else if (node.type === 'assign') scope.vars.set(node.name, evalPipe(node.pipe, scope));
    else if (node.type === 'template') {
      const text = scope.named(node.name);
      if (text === undefined) throw new TemplateError(`template ${JSON.stringify(node.name)} not defined`);
      out += text;
    } else out += renderBlock(node, scope);
  }
  return out;
}

function child(scope: Scope, dot: unknown, bindings: Array<[string | undefined, unknown]> = []): Scope {
  const vars = new Map(scope.vars);
  for (const [name, value] of bindings) if (name !== undefined) vars.set(name, value);
  return { ...scope, dot, vars };
}

function renderBlock(node: Extract<Node, { type: 'if' | 'range' | 'with' }>, scope: Scope): string {
  const value = evalPipe(node.pipe, scope);
  if (!truthy(value)) return renderNodes(node.otherwise, child(scope, scope.dot));
  if (node.type === 'if') return renderNodes(node.body, child(scope, scope.dot, [[node.names[0], value]]));
  if (node.type === 'with') return renderNodes(node.body, child(scope, value, [[node.names[0], value]]));
  let entries: Array<[unknown, unknown]>;
  if (Array.isArray(value)) entries = value.map((item, index) => [index, item]);
  else if (typeof value === 'object' && value !== null) entries = sortedPairs(value as Record<string, unknown>).map((pair) => [pair.Name, pair.Value]);
  else throw new TemplateError(`range can't iterate over ${stringify(value)}`);
  // `range $e := X` binds the element; `range $k, $e := X` the key (or index) and the element.
  return entries
    .map(([key, item]) => {
      const bindings: Array<[string | undefined, unknown]> = node.names.length === 2 ? [[node.names[0], key], [node.names[1], item]] : [[node.names[0], item]];
      return renderNodes(node.body, child(scope, item, bindings));
    })
    .join('');
}

/** Renders `source` with `data` as dot; throws TemplateError on anything it cannot do. */
export function renderGoTemplate(source: string, data: unknown, named: NamedTemplates = () => undefined): string {
  const { nodes } = parseNodes(splitSegments(source), []);
  return renderNodes(nodes, { dot: data, vars: new Map([['$', data]]), named });
}
