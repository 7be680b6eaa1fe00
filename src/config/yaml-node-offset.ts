/**
 * Where a field path points in a parsed YAML document, for problems in files read outside the
 * main config tree (OpenSLO documents, runbook front matter).
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { PathSegment } from '../core/validation/field-path.js';

/** Character offset of the key (or list item) of the deepest node on `segments` that exists in `document`. */
export function yamlNodeOffset(document: Document, segments: readonly PathSegment[]): number {
  let node: unknown = document.contents;
  let offset = document.contents?.range?.[0] ?? 0;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = (isMap(item) || isSeq(item) || isScalar(item) ? item.range?.[0] : undefined) ?? offset;
      node = item;
    } else break;
  }
  return offset;
}
