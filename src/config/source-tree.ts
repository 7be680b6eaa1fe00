/**
 * Where each value of the (merged) config came from. The tree mirrors the value: mappings have
 * `entries`, lists have `items`; every node names its own file, so after includes are merged a
 * problem at `services[5].criticality` still points into the included file that declared it.
 */
import type { PathSegment } from './config-problem.js';

export interface SourcePosition {
  /** File as shown to the user. */
  file: string;
  line: number;
  column: number;
}

export interface SourceNode {
  /** Start of the value. */
  at: SourcePosition;
  /** Start of the key, when the value sits in a mapping. */
  keyAt?: SourcePosition;
  entries?: Map<string, SourceNode>;
  items?: SourceNode[];
  /** The string came (partly) from `${...}`: never echo it, it may be a secret. */
  substituted?: boolean;
  /** A `${...}` or alias in the value could not be resolved (already reported). */
  unresolved?: boolean;
}

/** The node at `segments`, or undefined when the path leaves the tree. */
export function nodeAt(root: SourceNode, segments: readonly PathSegment[]): SourceNode | undefined {
  let node: SourceNode | undefined = root;
  for (const segment of segments) {
    node = node === undefined ? undefined : childOf(node, segment);
  }
  return node;
}

/**
 * The position to report for a path: the key of a mapping entry (where the eye looks for
 * `port:`), the start of a list item, or for a path that does not exist (a required key that is
 * missing) the nearest existing parent.
 */
export function locate(root: SourceNode, segments: readonly PathSegment[]): SourcePosition {
  let node = root;
  for (const segment of segments) {
    const child = childOf(node, segment);
    if (child === undefined) break;
    node = child;
  }
  return node.keyAt ?? node.at;
}

function childOf(node: SourceNode, segment: PathSegment): SourceNode | undefined {
  if (typeof segment === 'number') return node.items?.[segment];
  return node.entries?.get(segment) ?? (/^\d+$/.test(segment) ? node.items?.[Number(segment)] : undefined);
}

/** Paths of every node with the flag set, e.g. every string that came from a substitution. */
export function flaggedPaths(root: SourceNode, flag: 'substituted' | 'unresolved'): PathSegment[][] {
  const out: PathSegment[][] = [];
  const walk = (node: SourceNode, path: PathSegment[]): void => {
    if (node[flag] === true) out.push(path);
    node.entries?.forEach((child, key) => walk(child, [...path, key]));
    node.items?.forEach((child, index) => walk(child, [...path, index]));
  };
  walk(root, []);
  return out;
}
