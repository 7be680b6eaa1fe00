/**
 * Reads the OpenSLO v1 files named by `openslo.files` (glob patterns relative to the config file
 * that names them; each file may hold several YAML documents), converts their `kind: SLO`
 * documents with src/core/slo/openslo.ts, and places every problem at its file, line and
 * column, like problems of the config file itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { sloSpecsFromOpenSlo } from '../core/slo/openslo.js';
import type { SloSpec } from '../core/slo/slo.js';
import type { PathSegment } from '../core/validation/field-path.js';
import { formatPath, type ConfigProblem } from './config-problem.js';
import { displayName } from './merge-includes.js';
import type { RawConfig } from './schema.js';
import { openSloReferenceProblems } from './slo-checks.js';
import { locate, type SourceNode } from './source-tree.js';
import { describeFileError } from './yaml-source.js';
import { yamlNodeOffset } from './yaml-node-offset.js';

export interface OpenSloFiles {
  specs: SloSpec[];
  /** Absolute paths of the files read. */
  files: string[];
  problems: ConfigProblem[];
}

interface LoadedDocument {
  display: string;
  document: Document;
  lineCounter: LineCounter;
}

export async function loadOpenSloFiles(raw: RawConfig, tree: SourceNode, cwd: string): Promise<OpenSloFiles> {
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  for (const [index, pattern] of raw.openslo.files.entries()) {
    const at = locate(tree, ['openslo', 'files', index]);
    const baseDir = path.dirname(path.resolve(cwd, at.file));
    const matches = (await glob(pattern, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false })).map((file) => path.resolve(file)).sort();
    if (matches.length === 0) problems.push({ ...at, path: `openslo.files[${index}]`, message: `'${pattern}' matches no files` });
    for (const file of matches) if (!files.includes(file)) files.push(file);
  }

  const loaded: LoadedDocument[] = [];
  for (const file of files) {
    const display = displayName(file, cwd);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file: display, line: 1, column: 1, path: '', message: `cannot read ${display} (${describeFileError(error)})` });
      continue;
    }
    const lineCounter = new LineCounter();
    for (const document of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
      const error = document.errors[0];
      if (error !== undefined) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        problems.push({ file: display, line, column: col, path: '', message: `YAML syntax error: ${error.message}` });
        continue;
      }
      loaded.push({ display, document, lineCounter });
    }
  }
  if (problems.length > 0) return { specs: [], files, problems };

  const conversion = sloSpecsFromOpenSlo(
    loaded.map((entry) => entry.document.toJS() as unknown),
    { prometheusUrl: raw.openslo.prometheus_url ?? null, ...(raw.openslo.alerting === undefined ? {} : { alerting: raw.openslo.alerting }) },
  );
  const place = (documentIndex: number, segments: PathSegment[], message: string): void => {
    const entry = loaded[documentIndex];
    if (entry !== undefined) problems.push({ ...positionIn(entry, segments), path: formatPath(segments), message });
  };
  for (const problem of conversion.problems) place(problem.document, problem.path, problem.message);
  const specs = conversion.specs.map((entry) => entry.spec);
  for (const problem of openSloReferenceProblems(specs, raw)) {
    const documentIndex = conversion.specs[problem.index]?.document ?? -1;
    place(documentIndex, problem.path, problem.message);
  }
  return { specs: problems.length > 0 ? [] : specs, files, problems };
}

/** The key (or item) of the deepest node on `segments` that exists in the document. */
function positionIn(entry: LoadedDocument, segments: readonly PathSegment[]): { file: string; line: number; column: number } {
  const { line, col } = entry.lineCounter.linePos(yamlNodeOffset(entry.document, segments));
  return { file: entry.display, line, column: col };
}
