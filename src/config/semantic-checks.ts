/**
 * Checks the schema cannot express: one storage backend, unique service names, and a sound
 * dependency graph. Each runs only when its section passed the schema, so a typo is reported
 * once, not again as a confusing follow-on error.
 */
import { checkDependencyGraph } from '../core/services/dependency-graph.js';
import { monitorProblems } from './monitor-checks.js';
import { sloProblems } from './slo-checks.js';
import { parsePath, type PathSegment } from './config-problem.js';
import type { RawConfig } from './schema.js';
import type { PathProblem } from './schema-errors.js';
import type { SourcePosition } from './source-tree.js';

export interface SemanticCheckOptions {
  /** Top-level sections that already have schema problems. */
  failedSections: ReadonlySet<string>;
  /** Where a path was declared, for messages that point at a second place. */
  where: (path: PathSegment[]) => SourcePosition;
}

export function semanticProblems(raw: RawConfig, options: SemanticCheckOptions): PathProblem[] {
  const problems: PathProblem[] = [];
  if (!options.failedSections.has('storage')) problems.push(...storageProblems(raw));
  if (!options.failedSections.has('services')) {
    problems.push(...duplicateServiceNames(raw, options.where));
    const graph = checkDependencyGraph(raw.services, (index) => `services[${index}].dependencies`);
    problems.push(...graph.map((problem) => ({ path: parsePath(problem.field), message: problem.message })));
  }
  if (!options.failedSections.has('monitors')) problems.push(...monitorProblems(raw, options.where));
  if (!options.failedSections.has('slos')) {
    problems.push(...sloProblems(raw, options.where, { monitorsChecked: !options.failedSections.has('monitors') }));
  }
  return problems;
}

function storageProblems(raw: RawConfig): PathProblem[] {
  const { sqlite, postgres } = raw.storage;
  if (sqlite !== undefined && postgres !== undefined) {
    return [{ path: ['storage'], message: 'set exactly one of sqlite or postgres, not both' }];
  }
  if (sqlite === undefined && postgres === undefined) {
    return [{ path: ['storage'], message: 'must set one of sqlite or postgres' }];
  }
  return [];
}

function duplicateServiceNames(raw: RawConfig, where: SemanticCheckOptions['where']): PathProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: PathProblem[] = [];
  raw.services.forEach((service, index) => {
    const first = firstIndex.get(service.name);
    if (first === undefined) {
      firstIndex.set(service.name, index);
      return;
    }
    const at = where(['services', first, 'name']);
    problems.push({ path: ['services', index, 'name'], message: `duplicate service name '${service.name}' (first at ${at.file}:${at.line})` });
  });
  return problems;
}
