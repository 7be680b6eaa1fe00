/**
 * A config file read the fast way (yaml-fast-parse.ts), as the same `YamlSource` the positional
 * parse gives (yaml-source.ts): the same value, `${...}` substituted the same way, and a source
 * tree of the same shape whose positions all name the file's first line. That is only right
 * while nothing is reported, so load-config.ts reads the files again with positions as soon as
 * a config has a problem. Returns undefined, for the positional parse to take over, where the
 * two could differ or where a problem would already be reported here: anything yaml-fast-parse
 * declines, a top level that is not a mapping, an alias (the positional parse copies and counts
 * expansions), a key `__proto__` or one that may have been null or a collection, and a
 * placeholder that cannot be substituted.
 */
import path from 'node:path';
import type { SourceNode, SourcePosition } from './source-tree.js';
import { fileReferences, hasPlaceholder, substitute, type SubstitutionContext } from './substitution.js';
import { parseYamlFast } from './yaml-fast-parse.js';
import { isRecord, readSecretFiles, type YamlSource, type YamlSourceOptions } from './yaml-source.js';

/** Keys js-yaml writes for a null key (`~:`) or a mapping used as a key; `yaml` reports those. */
const suspectKeys = new Set(['__proto__', 'null', '[object Object]']);

/** Every collection once (no alias), no suspect key; collects the `${file:...}` targets. */
function inspect(value: unknown, seen: WeakSet<object>, secretRefs: Set<string>): boolean {
  if (typeof value === 'string') {
    if (hasPlaceholder(value)) fileReferences(value).forEach((ref) => secretRefs.add(ref));
    return true;
  }
  if (typeof value !== 'object' || value === null) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((item) => inspect(item, seen, secretRefs));
  for (const key of Object.keys(value)) {
    if (suspectKeys.has(key) || !inspect((value as Record<string, unknown>)[key], seen, secretRefs)) return false;
  }
  return true;
}

/** Substitutes placeholders in place and mirrors the value as a tree; undefined on a substitution problem. */
function substituteAndMirror(value: unknown, at: SourcePosition, context: SubstitutionContext): { value: unknown; source: SourceNode } | undefined {
  if (typeof value === 'string') {
    if (!hasPlaceholder(value)) return { value, source: { at } };
    const result = substitute(value, context);
    if (result.problems.length > 0) return undefined;
    return { value: result.text, source: result.substituted ? { at, substituted: true } : { at } };
  }
  if (Array.isArray(value)) {
    const items: SourceNode[] = [];
    for (let index = 0; index < value.length; index++) {
      const child = substituteAndMirror(value[index], at, context);
      if (child === undefined) return undefined;
      value[index] = child.value;
      items.push(child.source);
    }
    return { value, source: { at, items } };
  }
  if (isRecord(value)) {
    const entries = new Map<string, SourceNode>();
    for (const key of Object.keys(value)) {
      const child = substituteAndMirror(value[key], at, context);
      if (child === undefined) return undefined;
      value[key] = child.value;
      entries.set(key, child.source);
    }
    return { value, source: { at, entries } };
  }
  return { value, source: { at } };
}

export async function parseYamlSourceFast(text: string, options: YamlSourceOptions): Promise<YamlSource | undefined> {
  const parsed = parseYamlFast(text);
  if (parsed === undefined) return undefined;
  const at: SourcePosition = { file: options.display, line: 1, column: 1 };
  const base = { file: options.file, display: options.display, problems: [], syntaxOk: true };
  if (parsed.value === null || parsed.value === undefined) return { ...base, value: {}, tree: { at }, secretFiles: [] };
  if (!isRecord(parsed.value)) return undefined;
  const secretRefs = new Set<string>();
  if (!inspect(parsed.value, new WeakSet(), secretRefs)) return undefined;
  const { secrets, secretFiles } = await readSecretFiles(secretRefs, path.dirname(options.file));
  const mirrored = substituteAndMirror(parsed.value, at, { env: options.env, secrets });
  if (mirrored === undefined) return undefined;
  return { ...base, value: parsed.value, tree: mirrored.source, secretFiles };
}
