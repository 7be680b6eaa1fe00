/**
 * One YAML file turned into a plain value plus a `SourceNode` tree of positions. We walk the
 * parsed document ourselves (rather than `doc.toJS()`) so that every key and list item keeps its
 * line and column, duplicate keys are reported with both places, and `${...}` substitution
 * happens per string scalar, after parsing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { describeValue, formatPath, type ConfigProblem, type PathSegment } from './config-problem.js';
import type { SourceNode, SourcePosition } from './source-tree.js';
import { fileReferences, hasPlaceholder, substitute, trimOneTrailingNewline, type SecretRead, type SubstitutionContext } from './substitution.js';

export interface YamlSource {
  /** Absolute path. */
  file: string;
  /** Path shown in problems. */
  display: string;
  /** The top-level mapping ({} for an empty file or one that is not a mapping). */
  value: Record<string, unknown>;
  tree: SourceNode;
  problems: ConfigProblem[];
  /** False when the YAML could not be parsed: `value` is then empty, not partial. */
  syntaxOk: boolean;
  /** Absolute paths of the `${file:...}` targets read. */
  secretFiles: string[];
}

export interface YamlSourceOptions {
  file: string;
  display: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Expanding aliases is exponential in the worst case ("billion laughs"); a config needs few. */
const maxAliasExpansions = 10_000;

interface Walk {
  text: string;
  display: string;
  lineCounter: LineCounter;
  doc: Document;
  substitution: SubstitutionContext;
  problems: ConfigProblem[];
  /** Collections being converted: an alias to one of them would recurse forever. */
  open: Set<unknown>;
  aliasExpansions: number;
}

interface Converted {
  value: unknown;
  source: SourceNode;
}

export async function parseYamlSource(text: string, options: YamlSourceOptions): Promise<YamlSource> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const start: SourcePosition = { file: options.display, line: 1, column: 1 };
  const base = { file: options.file, display: options.display, tree: { at: start } };
  const yamlProblems = syntaxProblems(doc, lineCounter, options.display);
  if (doc.errors.length > 0) return { ...base, value: {}, problems: yamlProblems, syntaxOk: false, secretFiles: [] };

  const { secrets, secretFiles } = await readSecrets(doc, path.dirname(options.file));
  const walk: Walk = {
    text,
    display: options.display,
    lineCounter,
    doc,
    substitution: { env: options.env, secrets },
    problems: yamlProblems,
    open: new Set(),
    aliasExpansions: 0,
  };
  const root = convertNode(doc.contents, [], walk, start);
  if (root.value === null) return { ...base, value: {}, problems: walk.problems, syntaxOk: true, secretFiles };
  if (!isRecord(root.value)) {
    walk.problems.push({
      ...root.source.at,
      path: '',
      message: `the file must be a mapping of sections (include, server, storage, auth, services), got ${describeValue(root.value)}`,
    });
    return { ...base, value: {}, problems: walk.problems, syntaxOk: true, secretFiles };
  }
  return { ...base, value: root.value, tree: root.source, problems: walk.problems, syntaxOk: true, secretFiles };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `ENOENT` and friends in words, without the absolute path Node puts in the message. */
export function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function syntaxProblems(doc: Document, lineCounter: LineCounter, display: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seenLines = new Set<number>();
  for (const issue of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(issue.pos[0]);
    // One mistake often cascades into several errors on the same line; the first is the useful one.
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const message =
      issue.code === 'MULTIPLE_DOCS'
        ? 'a config file holds one YAML document; remove the extra --- separator'
        : `YAML ${issue.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${issue.message}`;
    problems.push({ file: display, line, column: col, path: '', message });
  }
  return problems;
}

async function readSecrets(doc: Document, baseDir: string): Promise<{ secrets: Map<string, SecretRead>; secretFiles: string[] }> {
  const wanted = new Set<string>();
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') fileReferences(node.value).forEach((ref) => wanted.add(ref));
    },
  });
  return readSecretFiles(wanted, baseDir);
}

/** Reads the `${file:...}` targets named in a file, relative to its folder. */
export async function readSecretFiles(wanted: ReadonlySet<string>, baseDir: string): Promise<{ secrets: Map<string, SecretRead>; secretFiles: string[] }> {
  const secrets = new Map<string, SecretRead>();
  const secretFiles: string[] = [];
  await Promise.all(
    [...wanted].map(async (ref) => {
      const absolute = path.resolve(baseDir, ref);
      try {
        secrets.set(ref, { ok: true, text: trimOneTrailingNewline(await readFile(absolute, 'utf8')) });
        secretFiles.push(absolute);
      } catch (error) {
        secrets.set(ref, { ok: false, message: `cannot read file '${ref}' (${describeFileError(error)})` });
      }
    }),
  );
  secretFiles.sort();
  return { secrets, secretFiles };
}

function positionAt(walk: Walk, offset: number | undefined, fallback: SourcePosition): SourcePosition {
  if (offset === undefined) return fallback;
  const { line, col } = walk.lineCounter.linePos(offset);
  return { file: walk.display, line, column: col };
}

function convertNode(node: unknown, segments: PathSegment[], walk: Walk, fallback: SourcePosition): Converted {
  if (isAlias(node)) return convertAlias(node.resolve(walk.doc), segments, walk, positionAt(walk, node.range?.[0], fallback));
  if (isScalar(node)) return convertScalar(node, segments, walk, fallback);
  if (!isMap(node) && !isSeq(node)) return { value: null, source: { at: fallback } };
  walk.open.add(node);
  const converted = isMap(node) ? convertMap(node, segments, walk, fallback) : convertSeq(node, segments, walk, fallback);
  walk.open.delete(node);
  return converted;
}

function convertAlias(target: unknown, segments: PathSegment[], walk: Walk, fallback: SourcePosition): Converted {
  walk.aliasExpansions += 1;
  const tooMany = walk.aliasExpansions > maxAliasExpansions;
  if (tooMany || walk.open.has(target)) {
    const message = tooMany ? `more than ${maxAliasExpansions} alias expansions` : 'an alias cannot refer to a node that contains it';
    // Expansion repeats an alias many times over; report each written alias once.
    const seen = tooMany
      ? walk.aliasExpansions > maxAliasExpansions + 1
      : walk.problems.some((p) => p.message === message && p.line === fallback.line && p.column === fallback.column);
    if (!seen) walk.problems.push({ ...fallback, path: formatPath(segments), message });
    return { value: null, source: { at: fallback, unresolved: true } };
  }
  return convertNode(target, segments, walk, fallback);
}

function convertScalar(node: Scalar, segments: PathSegment[], walk: Walk, fallback: SourcePosition): Converted {
  const start = node.range?.[0];
  const at = positionAt(walk, start, fallback);
  const value: unknown = node.value;
  if (typeof value !== 'string' || !hasPlaceholder(value)) return { value, source: { at } };

  const result = substitute(value, walk.substitution);
  const sourceText = start === undefined ? '' : walk.text.slice(start, node.range?.[1]);
  let cursor = 0;
  for (const problem of result.problems) {
    // Point at the placeholder itself when it appears verbatim in the source (it nearly always does).
    const found = sourceText.indexOf(problem.token, cursor);
    if (found >= 0) cursor = found + problem.token.length;
    const position = found >= 0 && start !== undefined ? positionAt(walk, start + found, at) : at;
    walk.problems.push({ ...position, path: formatPath(segments), message: problem.message });
  }
  const source: SourceNode = { at };
  if (result.substituted) source.substituted = true;
  if (result.problems.length > 0) source.unresolved = true;
  return { value: result.text, source };
}

function convertMap(node: YAMLMap, segments: PathSegment[], walk: Walk, fallback: SourcePosition): Converted {
  const at = positionAt(walk, node.range?.[0], fallback);
  const value: Record<string, unknown> = {};
  const entries = new Map<string, SourceNode>();
  for (const pair of node.items) {
    const keyNode: unknown = pair.key;
    const keyAt = isScalar(keyNode) || isMap(keyNode) || isSeq(keyNode) ? positionAt(walk, keyNode.range?.[0], at) : at;
    const key = isScalar(keyNode) ? keyText(keyNode.value) : undefined;
    if (key === undefined || key === '__proto__') {
      const message = key === undefined ? 'mapping keys must be plain text' : `key '__proto__' is not allowed`;
      walk.problems.push({ ...keyAt, path: formatPath(key === undefined ? segments : [...segments, key]), message });
      continue;
    }
    const first = entries.get(key);
    if (first !== undefined) {
      const firstAt = first.keyAt ?? first.at;
      walk.problems.push({ ...keyAt, path: formatPath([...segments, key]), message: `duplicate key (first at ${firstAt.file}:${firstAt.line}:${firstAt.column})` });
      continue;
    }
    const child = convertNode(pair.value, [...segments, key], walk, keyAt);
    child.source.keyAt = keyAt;
    // defineProperty, not assignment: a key named __proto__ must stay a plain (unknown) key.
    Object.defineProperty(value, key, { value: child.value, enumerable: true, writable: true, configurable: true });
    entries.set(key, child.source);
  }
  return { value, source: { at, entries } };
}

function convertSeq(node: YAMLSeq, segments: PathSegment[], walk: Walk, fallback: SourcePosition): Converted {
  const at = positionAt(walk, node.range?.[0], fallback);
  const value: unknown[] = [];
  const items: SourceNode[] = [];
  node.items.forEach((item: unknown, index) => {
    const child = convertNode(item, [...segments, index], walk, at);
    value.push(child.value);
    items.push(child.source);
  });
  return { value, source: { at, items } };
}

function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
