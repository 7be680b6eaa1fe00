/**
 * Checks of the `monitors:` list beyond its schema: unique names, a service declared in the
 * same config, the rules of each monitor (timeout within interval, the kind's block, windows)
 * and the probe's own checks (URL, JSONPath, regex, resolver), each at the field's path.
 */
import { monitorSpecFromDocument } from '../core/monitors/monitor-spec.js';
import { parsePath, type PathSegment } from '../core/validation/field-path.js';
import { validateProbeSettings } from '../adapters/probes/probe-registry.js';
import type { RawConfig } from './schema.js';
import type { PathProblem } from './schema-errors.js';
import type { SourcePosition } from './source-tree.js';

export function monitorProblems(raw: RawConfig, where: (path: PathSegment[]) => SourcePosition): PathProblem[] {
  const problems: PathProblem[] = [];
  const services = new Set(raw.services.map((service) => service.name));
  const firstIndex = new Map<string, number>();
  const tokens = new Map<string, number>();
  raw.monitors.forEach((entry, index) => {
    const at = (field: string): PathSegment[] => ['monitors', index, ...parsePath(field)];
    const first = firstIndex.get(entry.name);
    if (first === undefined) firstIndex.set(entry.name, index);
    else {
      const position = where(['monitors', first, 'name']);
      problems.push({ path: at('name'), message: `duplicate monitor name '${entry.name}' (first at ${position.file}:${position.line})` });
    }
    if (!services.has(entry.service)) {
      problems.push({ path: at('service'), message: `unknown service '${entry.service}': declare it under services: in the config` });
    }
    const { spec, problems: specProblems } = monitorSpecFromDocument(entry);
    for (const problem of specProblems) problems.push({ path: at(problem.field), message: problem.message });
    if (!specProblems.some((problem) => problem.field === spec.kind || problem.field.startsWith(`${spec.kind}.`))) {
      for (const problem of validateProbeSettings(spec.kind, spec.settings)) problems.push({ path: at(problem.field), message: problem.message });
    }
    const token = entry.heartbeat?.token;
    if (token !== undefined) {
      const owner = tokens.get(token);
      if (owner === undefined) tokens.set(token, index);
      else problems.push({ path: at('heartbeat.token'), message: `is also the token of monitors[${owner}] (${raw.monitors[owner]?.name ?? ''}); tokens must be unique` });
    }
  });
  return problems;
}
