/**
 * Reads the main file and everything it includes (depth first, patterns in order, matches
 * sorted) and merges them into one value: top-level lists are concatenated in file order,
 * top-level sections are merged key by key, and a key set in two files is an error rather than a
 * silent override, because "which file wins" is exactly what nobody remembers during an incident.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { describeValue, formatPath, type ConfigProblem } from './config-problem.js';
import type { SourceNode, SourcePosition } from './source-tree.js';
import { parseYamlSourceFast } from './yaml-fast-source.js';
import { describeFileError, isRecord, parseYamlSource, type YamlSource } from './yaml-source.js';

export interface ConfigSources {
  /** Absolute paths of the config files read, main first, in merge order. */
  files: string[];
  /** The same files as shown in problems, in the same order. */
  displayNames: string[];
  /** Absolute paths of `${file:...}` targets read. */
  secretFiles: string[];
  /** The merged top-level mapping, before defaults. */
  value: Record<string, unknown>;
  tree: SourceNode;
  problems: ConfigProblem[];
  /** False when some file could not be read or parsed: the merged value is then incomplete. */
  complete: boolean;
}

export interface LoadSourcesOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Read each file the fast way where it can be (yaml-fast-source.ts): the same value and tree
   * shape, but every position is the file's first line. For a config without problems only.
   */
  withoutPositions?: boolean;
}

interface IncludeEntry {
  pattern: string;
  index: number;
  at: SourcePosition;
}

interface LoadState {
  options: LoadSourcesOptions;
  sources: YamlSource[];
  problems: ConfigProblem[];
  complete: boolean;
  /** Where each included file was first included from. */
  includedFrom: Map<string, SourcePosition>;
}

/** `file` is resolved against `options.cwd`; problems name it as given. */
export async function loadConfigSources(file: string, options: LoadSourcesOptions): Promise<ConfigSources> {
  const absolute = path.resolve(options.cwd, file);
  const display = path.isAbsolute(file) ? displayName(absolute, options.cwd) : path.normalize(file);
  const state: LoadState = { options, sources: [], problems: [], complete: true, includedFrom: new Map() };
  await loadFile(absolute, display, [absolute], state, undefined);
  const { value, tree } = mergeSources(state.sources, state.problems, display);
  return {
    files: state.sources.map((source) => source.file),
    displayNames: state.sources.map((source) => source.display),
    secretFiles: [...new Set(state.sources.flatMap((source) => source.secretFiles))],
    value,
    tree,
    problems: [...state.sources.flatMap((source) => source.problems), ...state.problems],
    complete: state.complete && state.sources.every((source) => source.syntaxOk),
  };
}

/** Relative to the working directory when inside it, else absolute. */
export function displayName(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

async function loadFile(absolute: string, display: string, chain: string[], state: LoadState, includedAt: SourcePosition | undefined): Promise<void> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const at = includedAt ?? { file: display, line: 1, column: 1 };
    state.problems.push({ ...at, path: '', message: `cannot read ${display} (${describeFileError(error)})` });
    state.complete = false;
    return;
  }
  const yamlOptions = { file: absolute, display, env: state.options.env };
  const source = (state.options.withoutPositions === true ? await parseYamlSourceFast(text, yamlOptions) : undefined) ?? (await parseYamlSource(text, yamlOptions));
  state.sources.push(source);
  for (const entry of includeEntries(source, state.problems)) {
    await loadInclude(entry, chain, state);
  }
}

async function loadInclude(entry: IncludeEntry, chain: string[], state: LoadState): Promise<void> {
  const baseDir = path.dirname(chain[chain.length - 1] ?? state.options.cwd);
  const matches = await expandPattern(entry.pattern, baseDir);
  const where = { ...entry.at, path: `include[${entry.index}]` };
  if (matches.length === 0) {
    state.problems.push({ ...where, message: `'${entry.pattern}' matches no files` });
    state.complete = false;
    return;
  }
  for (const match of matches) {
    const display = displayName(match, state.options.cwd);
    if (chain.includes(match)) {
      const names = [...chain.slice(chain.indexOf(match)), match].map((file) => displayName(file, state.options.cwd));
      state.problems.push({ ...where, message: `include cycle: ${names.join(' -> ')}` });
      continue;
    }
    const first = state.includedFrom.get(match);
    if (first !== undefined) {
      // Two patterns of one file's list matching the same file is fine; two includers are not.
      if (first.file !== entry.at.file) {
        state.problems.push({ ...where, message: `${display} is already included from ${first.file}:${first.line}:${first.column}` });
      }
      continue;
    }
    state.includedFrom.set(match, entry.at);
    await loadFile(match, display, [...chain, match], state, where);
  }
}

async function expandPattern(pattern: string, baseDir: string): Promise<string[]> {
  const files = await glob(pattern, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false });
  return files.map((file) => path.resolve(file)).sort();
}

function includeEntries(source: YamlSource, problems: ConfigProblem[]): IncludeEntry[] {
  const raw = source.value.include;
  const node = source.tree.entries?.get('include');
  if (raw === undefined || node === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ ...(node.keyAt ?? node.at), path: 'include', message: `must be a list of glob patterns, got ${describeValue(raw)}` });
    return [];
  }
  const entries: IncludeEntry[] = [];
  raw.forEach((pattern: unknown, index) => {
    const at = node.items?.[index]?.at ?? node.at;
    if (typeof pattern === 'string' && pattern !== '') entries.push({ pattern, index, at });
    else problems.push({ ...at, path: `include[${index}]`, message: `must be a glob pattern (a non-empty string), got ${describeValue(pattern)}` });
  });
  return entries;
}

function mergeSources(sources: YamlSource[], problems: ConfigProblem[], display: string): { value: Record<string, unknown>; tree: SourceNode } {
  const value: Record<string, unknown> = {};
  const entries = new Map<string, SourceNode>();
  for (const source of sources) {
    for (const [key, item] of Object.entries(source.value)) {
      if (key === 'include') continue;
      mergeSection({ value, entries }, key, item, source.tree.entries?.get(key) ?? source.tree, problems);
    }
  }
  const main = sources[0];
  const mainIncludes = main?.value.include;
  const mainIncludeNode = main?.tree.entries?.get('include');
  if (isList(mainIncludes) && mainIncludes.every((p) => typeof p === 'string' && p !== '') && mainIncludeNode) {
    setOwn(value, 'include', [...mainIncludes]);
    entries.set('include', mainIncludeNode);
  }
  return { value, tree: { at: main?.tree.at ?? { file: display, line: 1, column: 1 }, entries } };
}

interface MergeTarget {
  value: Record<string, unknown>;
  entries: Map<string, SourceNode>;
}

function mergeSection(target: MergeTarget, key: string, item: unknown, node: SourceNode, problems: ConfigProblem[]): void {
  const existingNode = target.entries.get(key);
  const existing = target.value[key];
  if (existingNode === undefined) {
    setOwn(target.value, key, isList(item) ? [...item] : isRecord(item) ? { ...item } : item);
    target.entries.set(key, { ...node, entries: node.entries && new Map(node.entries), items: node.items && [...node.items] });
  } else if (isList(existing) && isList(item)) {
    existing.push(...item);
    existingNode.items = [...(existingNode.items ?? []), ...(node.items ?? [])];
  } else if (isRecord(existing) && isRecord(item) && existingNode.entries && node.entries) {
    for (const [subKey, subItem] of Object.entries(item)) {
      const subNode = node.entries.get(subKey) ?? node;
      const prior = existingNode.entries.get(subKey);
      if (prior === undefined) {
        setOwn(existing, subKey, subItem);
        existingNode.entries.set(subKey, subNode);
      } else {
        problems.push(conflict([key, subKey], subNode, prior));
      }
    }
  } else {
    problems.push(conflict([key], node, existingNode));
  }
}

function conflict(segments: string[], node: SourceNode, prior: SourceNode): ConfigProblem {
  const first = prior.keyAt ?? prior.at;
  return {
    ...(node.keyAt ?? node.at),
    path: formatPath(segments),
    message: `already set in ${first.file}:${first.line}:${first.column}; set each key in one file only`,
  };
}

function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** Assignment would turn a `__proto__` key into a prototype change; this keeps it a plain key. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
