/**
 * Checks the schema cannot express: one storage backend, unique service names, and a sound
 * dependency graph. Each runs only when its section passed the schema, so a typo is reported
 * once, not again as a confusing follow-on error.
 */
import { formatDurationMs, parseDurationMs } from '../core/duration.js';
import { checkDependencyGraph } from '../core/services/dependency-graph.js';
import { monitorProblems } from './monitor-checks.js';
import { oncallProblems } from './oncall-checks.js';
import { postmortemsProblems } from './postmortems-section.js';
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
  if (!options.failedSections.has('slo_engine')) problems.push(...sloEngineProblems(raw));
  if (!options.failedSections.has('postmortems')) problems.push(...postmortemsProblems(raw.postmortems));
  if (!options.failedSections.has('monitors')) problems.push(...monitorProblems(raw, options.where));
  if (!options.failedSections.has('slos')) {
    problems.push(...sloProblems(raw, options.where, { monitorsChecked: !options.failedSections.has('monitors') }));
  }
  // People, teams and schedules refer to each other: checked together once all three are well-formed.
  if (!['people', 'teams', 'schedules'].some((section) => options.failedSections.has(section))) problems.push(...oncallProblems(raw));
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

/** Durations of `slo_engine` inside the ranges the engine is built for (its rings, its minute cycle). */
function sloEngineProblems(raw: RawConfig): PathProblem[] {
  const engine = raw.slo_engine;
  const ranges: Array<[PathSegment[], string, number, number]> = [
    [['slo_engine', 'lateness'], engine.lateness, 60_000, 86_400_000],
    [['slo_engine', 'evaluation_delay'], engine.evaluation_delay, 0, 50_000],
    [['slo_engine', 'prometheus', 'delay'], engine.prometheus.delay, 0, 300_000],
    [['slo_engine', 'prometheus', 'query_timeout'], engine.prometheus.query_timeout, 1_000, 60_000],
  ];
  const problems: PathProblem[] = [];
  for (const [path, text, min, max] of ranges) {
    const value = parseDurationMs(text);
    if (value === undefined || value < min || value > max) {
      problems.push({ path, message: `must be a duration from ${formatDurationMs(min)} to ${formatDurationMs(max)}, got ${text}` });
    }
  }
  return problems;
}
