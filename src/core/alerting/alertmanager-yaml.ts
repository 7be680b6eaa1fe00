/**
 * An Alertmanager YAML file to the plain value `readAlertmanagerConfig` reads, read the way
 * Alertmanager's YAML 1.1 decoder reads it: a scalar in a string field keeps its source text
 * (`match: {code: 010}` means "010", not 8), `yes`/`on` are booleans where a boolean is
 * expected, `<<` merge keys and aliases work, duplicate keys are errors, and an alias that
 * contains itself (a routing loop) is reported instead of recursing forever. Every problem
 * carries a 1-based line and column.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath, type PathSegment } from '../validation/field-path.js';
import { readAlertmanagerConfig, type AlertmanagerConfig } from './alertmanager-config.js';

export interface AlertingConfigProblem {
  /** `route.routes[2].matchers[0]`; empty for the whole document. */
  path: string;
  message: string;
  line: number;
  column: number;
}

export interface PlainYaml {
  /** null | string | plain arrays | null-prototype objects. */
  value: unknown;
  /** YAML syntax problems and alias loops. */
  problems: AlertingConfigProblem[];
  /** Line and column of the field at `path`, or of its nearest parent that exists. */
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

interface Conversion {
  doc: Document;
  lineCounter: LineCounter;
  positions: Map<string, number>;
  active: Set<Node>;
  aliasExpansions: number;
  problems: AlertingConfigProblem[];
}

/** Nested aliases can multiply a small file into a huge value ("billion laughs"). */
const maxAliasExpansions = 10_000;

function position(conversion: Conversion, offset: number): { line: number; column: number } {
  const { line, col } = conversion.lineCounter.linePos(offset);
  return { line, column: col };
}

function scalarText(value: unknown, source: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (source !== undefined) return source;
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
}

function convertMap(node: { items: ReadonlyArray<{ key: unknown; value: unknown }> }, path: PathSegment[], conversion: Conversion): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  const merged: unknown[] = [];
  for (const pair of node.items) {
    const key = pair.key;
    if (isScalar(key) && typeof key.value === 'symbol') {
      const source: unknown = convert(pair.value, path, conversion);
      if (Array.isArray(source)) merged.push(...(source as unknown[]));
      else merged.push(source);
      continue;
    }
    const name = isScalar(key) ? (scalarText(key.value, key.source) ?? '') : undefined;
    if (name === undefined) {
      conversion.problems.push({ path: formatPath(path), message: 'mapping keys must be scalars', ...position(conversion, (key as Node | null)?.range?.[0] ?? 0) });
      continue;
    }
    const keyOffset = isScalar(key) ? key.range?.[0] : undefined;
    if (keyOffset !== undefined) conversion.positions.set(formatPath([...path, name]), keyOffset);
    out[name] = convert(pair.value, [...path, name], conversion);
  }
  // Explicit keys win over merged ones; among merged maps the first wins, as in YAML 1.1.
  for (const source of merged) {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) continue;
    for (const [name, value] of Object.entries(source)) if (!Object.hasOwn(out, name)) out[name] = value;
  }
  return out;
}

function convert(node: unknown, path: PathSegment[], conversion: Conversion): unknown {
  if (node === null || node === undefined) return null;
  const offset = (node as Node).range?.[0];
  const key = formatPath(path);
  if (offset !== undefined && !conversion.positions.has(key)) conversion.positions.set(key, offset);
  if (isAlias(node)) {
    const target = node.resolve(conversion.doc);
    if (target === undefined) return null;
    conversion.aliasExpansions += 1;
    if (conversion.aliasExpansions > maxAliasExpansions) {
      if (conversion.aliasExpansions === maxAliasExpansions + 1) {
        conversion.problems.push({ path: key, message: `more than ${maxAliasExpansions} alias expansions (nested aliases that multiply)`, ...position(conversion, offset ?? 0) });
      }
      return null;
    }
    if (conversion.active.has(target)) {
      conversion.problems.push({ path: key, message: `alias *${node.source} refers to a node that contains it (a loop)`, ...position(conversion, offset ?? 0) });
      return null;
    }
    return convert(target, path, conversion);
  }
  if (isScalar(node)) return scalarText(node.value, node.source);
  conversion.active.add(node as Node);
  try {
    if (isSeq(node)) return node.items.map((item, index) => convert(item, [...path, index], conversion));
    if (isMap(node)) return convertMap(node, path, conversion);
    return null;
  } finally {
    conversion.active.delete(node as Node);
  }
}

/** Parses YAML text to a plain value with positions (see the file comment). */
export function readPlainYaml(text: string): PlainYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: true });
  const conversion: Conversion = { doc, lineCounter, positions: new Map(), active: new Set(), aliasExpansions: 0, problems: [] };
  for (const error of doc.errors) {
    const [start] = error.pos;
    conversion.problems.push({ path: '', message: (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ''), ...position(conversion, start) });
  }
  const value = conversion.problems.length > 0 ? null : convert(doc.contents, [], conversion);
  const locate = (path: readonly PathSegment[]): { line: number; column: number } => {
    for (let length = path.length; length >= 0; length -= 1) {
      const offset = conversion.positions.get(formatPath(path.slice(0, length)));
      if (offset !== undefined) return position(conversion, offset);
    }
    return { line: 1, column: 1 };
  };
  return { value, problems: conversion.problems, locate };
}

/** Reads an `alertmanager.yml`; `config` is present only when there are no problems. */
export function parseAlertmanagerYaml(text: string): { config?: AlertmanagerConfig; problems: AlertingConfigProblem[] } {
  const yaml = readPlainYaml(text);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const result = readAlertmanagerConfig(yaml.value);
  const problems = result.problems.map((problem) => ({ path: formatPath(problem.path), message: problem.message, ...yaml.locate(problem.path) }));
  return result.config === undefined ? { problems } : { config: result.config, problems };
}
