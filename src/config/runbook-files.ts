/**
 * Loads the runbooks the `runbooks:` section asks for: the built-in Markdown files shipped in
 * the package's runbooks/ folder, the Markdown files of `runbooks.dirs`, and `runbooks.items`.
 * A Markdown runbook is YAML front matter between `---` lines (name, match rules, steps) and a
 * body (the description). Problems point at the file and line of the front matter key, or at the
 * config line of an inline item, like every other config problem.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { readRunbookDocument, type RunbookProblem } from '../core/runbooks/runbook-document.js';
import type { Runbook } from '../core/runbooks/runbook.js';
import type { PathSegment } from '../core/validation/field-path.js';
import { formatPath, type ConfigProblem } from './config-problem.js';
import { displayName } from './merge-includes.js';
import { yamlNodeOffset } from './yaml-node-offset.js';
import type { RawConfig } from './schema.js';
import { locate, type SourceNode } from './source-tree.js';
import { describeFileError } from './yaml-source.js';

/** The package's built-in runbooks (repo root runbooks/, next to dist/ and src/). */
export const builtinRunbooksDir = fileURLToPath(new URL('../../runbooks/', import.meta.url));

export interface LoadedRunbooks {
  runbooks: Runbook[];
  /** Absolute paths of the runbook files read (built-in ones excluded). */
  files: string[];
  problems: ConfigProblem[];
}

interface FrontMatter {
  yaml: string;
  /** 0-based line of the first YAML line in the file. */
  firstLine: number;
  body: string;
}

/** Splits `---\nyaml\n---\nbody`; null when the file does not start with front matter. */
export function splitFrontMatter(text: string): FrontMatter | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return null;
  const end = lines.findIndex((line, index) => index > 0 && (line.trim() === '---' || line.trim() === '...'));
  if (end === -1) return null;
  return { yaml: lines.slice(1, end).join('\n'), firstLine: 1, body: lines.slice(end + 1).join('\n').trim() };
}

/** Reads one Markdown runbook file; problems carry its display name and real line numbers. */
export function readRunbookMarkdown(text: string, display: string, source: string): { runbook: Runbook | null; problems: ConfigProblem[] } {
  const front = splitFrontMatter(text);
  if (front === null) return { runbook: null, problems: [{ file: display, line: 1, column: 1, path: '', message: 'a runbook file must start with YAML front matter between --- lines' }] };
  const lineCounter = new LineCounter();
  const document = parseDocument(front.yaml, { lineCounter, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    return { runbook: null, problems: [{ file: display, line: line + front.firstLine, column: col, path: '', message: `YAML syntax error in front matter: ${syntax.message}` }] };
  }
  const result = readRunbookDocument(document.toJS() as unknown, { source, description: front.body });
  const place = (problem: RunbookProblem): ConfigProblem => {
    const { line, col } = lineCounter.linePos(yamlNodeOffset(document, problem.path));
    return { file: display, line: line + front.firstLine, column: col, path: formatPath(problem.path), message: problem.message };
  };
  return { runbook: result.runbook, problems: result.problems.map(place) };
}

async function markdownFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.md') && entry.name.toLowerCase() !== 'readme.md').map((entry) => path.join(directory, entry.name)).sort();
}

/** Loads every runbook of the section; user runbooks replace built-in ones of the same name. */
export async function loadRunbooks(raw: RawConfig, tree: SourceNode, cwd: string, options: { builtinDir?: string } = {}): Promise<LoadedRunbooks> {
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const builtin: Runbook[] = [];
  const own: Array<{ runbook: Runbook; at: { file: string; line: number; column: number }; path: string }> = [];
  const section = raw.runbooks;

  const readFileRunbook = async (file: string, isBuiltin: boolean): Promise<void> => {
    const display = isBuiltin ? `builtin:${path.basename(file)}` : displayName(file, cwd);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file: display, line: 1, column: 1, path: '', message: `cannot read ${display} (${describeFileError(error)})` });
      return;
    }
    const result = readRunbookMarkdown(text, display, display);
    problems.push(...result.problems);
    if (result.runbook === null) return;
    if (isBuiltin) builtin.push(result.runbook);
    else own.push({ runbook: result.runbook, at: { file: display, line: 1, column: 1 }, path: '' });
  };

  if (section.builtin) for (const file of await markdownFiles(options.builtinDir ?? builtinRunbooksDir)) await readFileRunbook(file, true);
  for (const [index, dir] of section.dirs.entries()) {
    const at = locate(tree, ['runbooks', 'dirs', index]);
    const directory = path.resolve(path.dirname(path.resolve(cwd, at.file)), dir);
    let found: string[];
    try {
      found = await markdownFiles(directory);
    } catch (error) {
      problems.push({ ...at, path: `runbooks.dirs[${index}]`, message: `cannot read folder ${dir} (${describeFileError(error)})` });
      continue;
    }
    for (const file of found) {
      if (files.includes(file)) continue;
      files.push(file);
      await readFileRunbook(file, false);
    }
  }
  section.items.forEach((item, index) => {
    const result = readRunbookDocument(item, { source: 'config' });
    for (const problem of result.problems) {
      const segments: PathSegment[] = ['runbooks', 'items', index, ...problem.path];
      problems.push({ ...locate(tree, segments), path: formatPath(segments), message: problem.message });
    }
    if (result.runbook !== null) own.push({ runbook: result.runbook, at: locate(tree, ['runbooks', 'items', index, 'name']), path: formatPath(['runbooks', 'items', index, 'name']) });
  });

  const seen = new Map<string, { file: string; line: number }>();
  for (const entry of own) {
    const first = seen.get(entry.runbook.name);
    if (first !== undefined) problems.push({ ...entry.at, path: entry.path, message: `duplicate runbook name '${entry.runbook.name}' (first at ${first.file}:${first.line})` });
    else seen.set(entry.runbook.name, entry.at);
  }
  const runbooks = [...builtin.filter((runbook) => !seen.has(runbook.name)), ...own.filter((entry, index) => own.findIndex((other) => other.runbook.name === entry.runbook.name) === index).map((entry) => entry.runbook)];
  return { runbooks: problems.length > 0 ? [] : runbooks, files, problems };
}
