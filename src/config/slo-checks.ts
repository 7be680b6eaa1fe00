/**
 * Checks of the `slos:` list (and of the SLOs loaded from `openslo.files`) beyond the schema:
 * the SLO's own rules (objective, window, alert windows within it, one SLI source, a
 * good_when rule that compiles), unique names across both, a service declared under
 * `services:`, and for monitor SLIs a monitor declared under `monitors:`, with a latency
 * threshold that monitor keeps exact counts for.
 */
import { formatDurationMs, parseDurationMs } from '../core/duration.js';
import { defaultLatencyThresholdsMs } from '../core/monitors/monitor.js';
import type { SloSpec } from '../core/slo/slo.js';
import { sloSpecFromDocument } from '../core/slo/slo-spec.js';
import { parsePath, type PathSegment } from '../core/validation/field-path.js';
import type { RawConfig } from './schema.js';
import type { PathProblem } from './schema-errors.js';
import type { SourcePosition } from './source-tree.js';

/** Problems of the `slos:` entries, at their paths in the config. */
export function sloProblems(raw: RawConfig, where: (path: PathSegment[]) => SourcePosition, options: { monitorsChecked: boolean }): PathProblem[] {
  const problems: PathProblem[] = [];
  const firstIndex = new Map<string, number>();
  raw.slos.forEach((entry, index) => {
    const at = (field: string): PathSegment[] => ['slos', index, ...parsePath(field)];
    const first = firstIndex.get(entry.name);
    if (first === undefined) firstIndex.set(entry.name, index);
    else {
      const position = where(['slos', first, 'name']);
      problems.push({ path: at('name'), message: `duplicate SLO name '${entry.name}' (first at ${position.file}:${position.line})` });
    }
    const { spec, problems: specProblems } = sloSpecFromDocument(entry);
    for (const problem of specProblems) problems.push({ path: at(problem.field), message: problem.message });
    for (const problem of referenceProblems(spec, raw, options)) problems.push({ path: at(problem.field), message: problem.message });
  });
  return problems;
}

/**
 * Problems of SLOs loaded from OpenSLO files against the config: a name already used (by a
 * `slos:` entry or an earlier document) and an undeclared service. Fields are `metadata.name`
 * and `spec.service`, for the loader to place in the OpenSLO file.
 */
export function openSloReferenceProblems(specs: readonly SloSpec[], raw: RawConfig): Array<{ index: number; path: PathSegment[]; message: string }> {
  const taken = new Set(raw.slos.map((entry) => entry.name));
  const problems: Array<{ index: number; path: PathSegment[]; message: string }> = [];
  specs.forEach((spec, index) => {
    if (taken.has(spec.name)) problems.push({ index, path: ['metadata', 'name'], message: `duplicate SLO name '${spec.name}' (also under slos: or in another OpenSLO document)` });
    taken.add(spec.name);
    for (const problem of referenceProblems(spec, raw, { monitorsChecked: true })) {
      problems.push({ index, path: problem.field === 'service' ? ['spec', 'service'] : [], message: problem.message });
    }
  });
  return problems;
}

function referenceProblems(spec: SloSpec, raw: RawConfig, options: { monitorsChecked: boolean }): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (!raw.services.some((service) => service.name === spec.service)) {
    problems.push({ field: 'service', message: `unknown service '${spec.service}': declare it under services: in the config` });
  }
  // A monitors: section with schema problems would only add follow-on noise here.
  const sli = spec.sli;
  if (sli.kind !== 'monitor' || !options.monitorsChecked) return problems;
  const monitor = raw.monitors.find((entry) => entry.name === sli.monitor);
  if (monitor === undefined) {
    problems.push({ field: 'sli.monitor.name', message: `unknown monitor '${sli.monitor}': declare it under monitors: in the config` });
    return problems;
  }
  if (sli.metric === 'latency' && sli.thresholdMs > 0) {
    const thresholds = monitor.latency_thresholds === undefined ? [...defaultLatencyThresholdsMs] : monitor.latency_thresholds.map((text) => parseDurationMs(text) ?? -1);
    if (!thresholds.includes(sli.thresholdMs)) {
      const listed = thresholds.filter((ms) => ms >= 0).map(formatDurationMs).join(', ');
      problems.push({
        field: 'sli.monitor.threshold',
        message: `monitor '${monitor.name}' keeps exact counts only for its latency_thresholds (${listed}); add ${formatDurationMs(sli.thresholdMs)} there`,
      });
    }
  }
  return problems;
}
