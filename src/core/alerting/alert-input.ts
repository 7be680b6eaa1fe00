/**
 * Checking what a sender hands the alert registry, and turning it into an Alert, the way
 * Alertmanager's API does (api/v2 `postAlerts` + `types.Alert.Validate`): at least one label,
 * valid label names, string values, start not after end; an absent start is now (or the end,
 * when only an end is given); an absent end is now + resolve timeout and marked as such. Labels
 * with an empty value are dropped (an empty value is the same as a missing label). Sizes are
 * bounded so one oversized alert cannot bloat the store or every notification. Every problem
 * names its field, e.g. `alerts[3].labels["bad name"]`.
 */
import type { FieldProblem } from '../errors.js';
import { formatPath, type PathSegment } from '../validation/field-path.js';
import { alertFingerprint, type Alert, type AlertInput, type AlertSource } from './alert.js';
import { labelNamePattern } from './config-reader.js';
import type { LabelSet } from './label-matcher.js';

/** Size bounds on one alert; lengths in UTF-16 code units (JavaScript string length). */
export interface AlertInputLimits {
  maxLabels: number;
  maxAnnotations: number;
  maxNameLength: number;
  maxLabelValueLength: number;
  maxAnnotationValueLength: number;
  maxGeneratorUrlLength: number;
}

export const defaultAlertInputLimits: Readonly<AlertInputLimits> = {
  maxLabels: 64,
  maxAnnotations: 64,
  maxNameLength: 256,
  maxLabelValueLength: 4096,
  maxAnnotationValueLength: 32_768,
  maxGeneratorUrlLength: 4096,
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field of one label or annotation, e.g. `alerts[3].labels.env`. */
function entryField(path: PathSegment[], name: string): string {
  return formatPath([...path, name]);
}

// Every POSTed alert passes through here, so paths are rendered only for a problem.
function checkLabelSet(value: unknown, path: PathSegment[], kind: 'labels' | 'annotations', limits: AlertInputLimits, problems: FieldProblem[]): void {
  if (!isPlainObject(value)) {
    problems.push({ field: formatPath(path), message: `must be a mapping of ${kind === 'labels' ? 'label' : 'annotation'} names to string values` });
    return;
  }
  const maxEntries = kind === 'labels' ? limits.maxLabels : limits.maxAnnotations;
  const maxValue = kind === 'labels' ? limits.maxLabelValueLength : limits.maxAnnotationValueLength;
  let count = 0;
  let anyValue = false;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    count += 1;
    const entry = value[name];
    if (!labelNamePattern.test(name)) problems.push({ field: entryField(path, name), message: `${JSON.stringify(name.slice(0, 64))} is not a valid name (letters, digits and _, not starting with a digit)` });
    else if (name.length > limits.maxNameLength) problems.push({ field: entryField(path, name), message: `name is longer than ${limits.maxNameLength} characters` });
    if (typeof entry !== 'string') problems.push({ field: entryField(path, name), message: 'must be a string' });
    else if (entry.length > maxValue) problems.push({ field: entryField(path, name), message: `value is ${entry.length} characters long; at most ${maxValue} are allowed` });
    if (typeof entry === 'string' && entry !== '') anyValue = true;
  }
  if (count > maxEntries) problems.push({ field: formatPath(path), message: `has ${count} entries; at most ${maxEntries} are allowed` });
  if (kind === 'labels' && !anyValue) problems.push({ field: formatPath(path), message: 'at least one label with a non-empty value is required (labels identify the alert)' });
}

function checkTime(value: unknown, path: PathSegment[], problems: FieldProblem[]): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) problems.push({ field: formatPath(path), message: 'must be a time (ms since the epoch)' });
}

/** Problems with one input; `path` is where it sits, e.g. `['alerts', 3]`. Empty when it is fine. */
export function checkAlertInput(input: unknown, path: PathSegment[], limits: AlertInputLimits = defaultAlertInputLimits): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(input)) return [{ field: formatPath(path), message: 'must be an alert (a mapping with labels)' }];
  checkLabelSet(input.labels, [...path, 'labels'], 'labels', limits, problems);
  if (input.annotations !== undefined) checkLabelSet(input.annotations, [...path, 'annotations'], 'annotations', limits, problems);
  checkTime(input.startsAtMs, [...path, 'startsAt'], problems);
  checkTime(input.endsAtMs, [...path, 'endsAt'], problems);
  if (typeof input.startsAtMs === 'number' && typeof input.endsAtMs === 'number' && input.endsAtMs < input.startsAtMs) {
    problems.push({ field: formatPath([...path, 'endsAt']), message: 'must not be before startsAt' });
  }
  const url = input.generatorUrl;
  if (url !== undefined && typeof url !== 'string') problems.push({ field: formatPath([...path, 'generatorURL']), message: 'must be a string' });
  else if (typeof url === 'string' && url.length > limits.maxGeneratorUrlLength) problems.push({ field: formatPath([...path, 'generatorURL']), message: `is longer than ${limits.maxGeneratorUrlLength} characters` });
  return problems;
}

function withoutEmptyValues(labels: LabelSet): LabelSet {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (value !== '') out[name] = value;
  return out;
}

/** The Alert for a checked input received at `nowMs` (to be merged with a stored one by `mergeAlert`). */
export function alertFromInput(input: AlertInput, source: AlertSource, nowMs: number, resolveTimeoutMs: number): Alert {
  const labels = withoutEmptyValues(input.labels);
  const endsAtFromTimeout = input.endsAtMs === undefined;
  const startsAtMs = input.startsAtMs ?? Math.min(nowMs, input.endsAtMs ?? nowMs);
  return {
    fingerprint: alertFingerprint(labels),
    labels,
    annotations: withoutEmptyValues(input.annotations ?? {}),
    startsAtMs,
    endsAtMs: input.endsAtMs ?? Math.max(nowMs, startsAtMs) + resolveTimeoutMs,
    endsAtFromTimeout,
    updatedAtMs: nowMs,
    generatorUrl: input.generatorUrl ?? '',
    source,
    acknowledgedBy: null,
    acknowledgedAtMs: null,
  };
}
