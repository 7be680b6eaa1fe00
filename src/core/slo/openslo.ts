/**
 * OpenSLO v1 documents (`apiVersion: openslo/v1`, `kind: SLO`) turned into the same SloSpec as
 * our own `slos:` entries, so teams can keep their OpenSLO files unchanged. Supported: one
 * objective; a ratioMetric (good/total, bad/total or a raw ratio) or a thresholdMetric SLI,
 * inline or by `indicatorRef` to a `kind: SLI` document; Prometheus metric sources, with the URL
 * from a referenced `kind: DataSource` or the loader's default; Occurrences and Timeslices
 * budgeting; rolling windows and calendar months and weeks. Fields we do not use (display
 * names, annotations, alert policies) are ignored, not rejected. Everything else unsupported
 * is a problem naming the document and field.
 */
import type { PathSegment } from '../validation/field-path.js';
import { serviceNamePattern } from '../services/service.js';
import type { SloDocument } from './slo-document.js';
import { sloSpecFromDocument } from './slo-spec.js';
import type { SloSpec, ThresholdOperator } from './slo.js';

export interface OpenSloProblem {
  /** Index of the document in the input list. */
  document: number;
  path: PathSegment[];
  message: string;
}

export interface OpenSloOptions {
  /** Prometheus base URL for metric sources that reference no DataSource. */
  prometheusUrl?: string | null;
  /** Alerting for every loaded SLO, as in `slos[].alerting` (default: the standard tables). */
  alerting?: SloDocument['alerting'];
}

export interface OpenSloConversion {
  specs: Array<{ document: number; spec: SloSpec }>;
  problems: OpenSloProblem[];
}

type Json = Record<string, unknown>;

interface Context {
  documents: readonly unknown[];
  options: OpenSloOptions;
  problems: OpenSloProblem[];
  /** Index of the SLO document being converted. */
  index: number;
}

const durationUnitsMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Converts every `kind: SLO` document; other OpenSLO kinds are only read when referenced. */
export function sloSpecsFromOpenSlo(documents: readonly unknown[], options: OpenSloOptions = {}): OpenSloConversion {
  const problems: OpenSloProblem[] = [];
  const specs: OpenSloConversion['specs'] = [];
  documents.forEach((value, index) => {
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      problems.push({ document: index, path: [], message: 'an OpenSLO document must be a mapping' });
      return;
    }
    if (value['apiVersion'] !== 'openslo/v1') {
      problems.push({ document: index, path: ['apiVersion'], message: `must be openslo/v1, got ${JSON.stringify(value['apiVersion'] ?? null)}` });
      return;
    }
    if (value['kind'] !== 'SLO') return;
    const context: Context = { documents, options, problems, index };
    const before = problems.length;
    const converted = convertSlo(value, context);
    if (converted === null || problems.length > before) return;
    const result = sloSpecFromDocument(converted.document);
    for (const problem of result.problems) problems.push({ document: index, path: converted.pathOf(problem.field), message: problem.message });
    if (result.problems.length === 0) specs.push({ document: index, spec: result.spec });
  });
  return { specs, problems };
}

interface Converted {
  document: SloDocument;
  /** Where a field of our written form came from in the OpenSLO document. */
  pathOf: (field: string) => PathSegment[];
}

function convertSlo(slo: Json, context: Context): Converted | null {
  const problem = (path: PathSegment[], message: string): null => {
    context.problems.push({ document: context.index, path, message });
    return null;
  };
  const metadata = isRecord(slo['metadata']) ? slo['metadata'] : {};
  const spec = isRecord(slo['spec']) ? slo['spec'] : null;
  if (spec === null) return problem(['spec'], 'is required');
  const name = metadata['name'];
  if (typeof name !== 'string' || !new RegExp(serviceNamePattern).test(name)) {
    return problem(['metadata', 'name'], 'must be a lower-case slug (letters, digits, dashes)');
  }
  const service = spec['service'];
  if (typeof service !== 'string' || !new RegExp(serviceNamePattern).test(service)) return problem(['spec', 'service'], 'must name a service declared under services: (a lower-case slug)');

  const objectives = spec['objectives'];
  if (!Array.isArray(objectives) || objectives.length !== 1 || !isRecord(objectives[0])) {
    return problem(['spec', 'objectives'], 'must hold exactly one objective (split several into several SLOs)');
  }
  const objective: Json = objectives[0];
  const objectivePath = ['spec', 'objectives', 0];
  const percent = objective['targetPercent'];
  const target = objective['target'] ?? (typeof percent === 'number' || typeof percent === 'string' ? `${percent}%` : undefined);
  if (typeof target !== 'number' && typeof target !== 'string') return problem(objectivePath, 'needs target (0.999) or targetPercent (99.9)');
  const targetPath = [...objectivePath, objective['target'] === undefined ? 'targetPercent' : 'target'];

  const window = windowFrom(spec['timeWindow'], problem);
  const budgeting = budgetingFrom(spec['budgetingMethod'], objective, objectivePath, problem);
  const indicator = indicatorOf(spec, objective, context, problem);
  const prometheus = indicator === null ? null : prometheusFrom(indicator.spec, indicator.path, objective, objectivePath, context, problem);
  const labels = labelsFrom(metadata['labels'], problem);
  if (window === null || budgeting === null || prometheus === null || labels === null) return null;

  const description = typeof spec['description'] === 'string' ? spec['description'].slice(0, 1000) : undefined;
  const document: SloDocument = { name, service, objective: target, window, budgeting, labels, sli: { prometheus: prometheus.sli } };
  if (description !== undefined) document.description = description;
  if (context.options.alerting !== undefined) document.alerting = context.options.alerting;
  const pathOf = (field: string): PathSegment[] => {
    if (field === 'objective') return targetPath;
    if (field.startsWith('window') || field.startsWith('alerting')) return ['spec', 'timeWindow', 0];
    if (field.startsWith('budgeting')) return objectivePath;
    if (field.startsWith('labels')) return ['metadata', 'labels'];
    if (field.startsWith('sli')) return prometheus.path;
    return [];
  };
  return { document, pathOf };
}

type Report = (path: PathSegment[], message: string) => null;

function windowFrom(value: unknown, problem: Report): SloDocument['window'] | null {
  if (!Array.isArray(value) || value.length !== 1 || !isRecord(value[0])) return problem(['spec', 'timeWindow'], 'must hold exactly one time window');
  const window: Json = value[0];
  const path = ['spec', 'timeWindow', 0];
  const duration = typeof window['duration'] === 'string' ? window['duration'] : '';
  const match = /^(\d+)([mhdwMQY])$/.exec(duration);
  if (match === null) return problem([...path, 'duration'], `must be an OpenSLO duration like 28d, 1w or 1M, got ${JSON.stringify(window['duration'] ?? null)}`);
  const [, amount = '0', unit = ''] = match;
  if (window['isRolling'] === false) {
    const calendar = isRecord(window['calendar']) ? window['calendar'] : {};
    const timeZone = typeof calendar['timeZone'] === 'string' ? calendar['timeZone'] : 'UTC';
    if (duration === '1M') return { calendar: 'month', time_zone: timeZone };
    if (duration === '1w' || duration === '7d') return { calendar: 'week', time_zone: timeZone };
    return problem([...path, 'duration'], `calendar windows must be 1M (a month) or 1w (a week), got ${duration}`);
  }
  const unitMs = durationUnitsMs[unit];
  if (unitMs === undefined) return problem([...path, 'duration'], `a rolling window must be in m, h, d or w (${duration} is a calendar unit; set isRolling: false)`);
  return `${Number(amount) * (unitMs / 60_000)}m`;
}

function budgetingFrom(method: unknown, objective: Json, objectivePath: PathSegment[], problem: Report): SloDocument['budgeting'] | null {
  if (method === 'Occurrences' || method === undefined) return 'occurrences';
  if (method === 'Timeslices') {
    const slice = objective['timeSliceWindow'];
    const target = objective['timeSliceTarget'];
    const match = typeof slice === 'string' ? /^(\d+)([mhs])$/.exec(slice) : null;
    if (match === null) return problem([...objectivePath, 'timeSliceWindow'], 'is required for Timeslices budgeting, e.g. 1m');
    if (typeof target !== 'number') return problem([...objectivePath, 'timeSliceTarget'], 'is required for Timeslices budgeting, e.g. 0.95');
    return { timeslices: { slice: `${match[1] ?? ''}${match[2] ?? ''}`, target } };
  }
  return problem(['spec', 'budgetingMethod'], `must be Occurrences or Timeslices, got ${JSON.stringify(method)}`);
}

function indicatorOf(spec: Json, objective: Json, context: Context, problem: Report): { spec: Json; path: PathSegment[] } | null {
  const inline = spec['indicator'] ?? objective['indicator'];
  if (isRecord(inline)) {
    const path = spec['indicator'] === undefined ? ['spec', 'objectives', 0, 'indicator', 'spec'] : ['spec', 'indicator', 'spec'];
    return isRecord(inline['spec']) ? { spec: inline['spec'], path } : problem(path, 'is required');
  }
  const ref = spec['indicatorRef'] ?? objective['indicatorRef'];
  const refPath = spec['indicatorRef'] === undefined ? ['spec', 'objectives', 0, 'indicatorRef'] : ['spec', 'indicatorRef'];
  if (typeof ref !== 'string') return problem(['spec'], 'needs indicator or indicatorRef');
  const found = findByKind(context.documents, 'SLI', ref);
  if (found === null || !isRecord(found['spec'])) return problem(refPath, `no kind: SLI document named '${ref}' in the loaded OpenSLO files`);
  return { spec: found['spec'], path: refPath };
}

interface PrometheusSli {
  sli: NonNullable<SloDocument['sli']['prometheus']>;
  path: PathSegment[];
}

function prometheusFrom(indicator: Json, path: PathSegment[], objective: Json, objectivePath: PathSegment[], context: Context, problem: Report): PrometheusSli | null {
  if (isRecord(indicator['thresholdMetric'])) {
    const at = [...path, 'thresholdMetric'];
    const source = metricSource(indicator['thresholdMetric'], at, context, problem);
    const op = objective['op'];
    const value = objective['value'];
    if (source === null) return null;
    if (op !== 'lt' && op !== 'lte' && op !== 'gt' && op !== 'gte') return problem([...objectivePath, 'op'], 'must be lt, lte, gt or gte for a thresholdMetric SLI');
    if (typeof value !== 'number') return problem([...objectivePath, 'value'], 'must be a number (the threshold) for a thresholdMetric SLI');
    return { sli: { url: source.url, threshold: { query: source.query, op: op satisfies ThresholdOperator, value } }, path: at };
  }
  if (!isRecord(indicator['ratioMetric'])) return problem(path, 'must have a ratioMetric or a thresholdMetric');
  const ratio = indicator['ratioMetric'];
  const at = [...path, 'ratioMetric'];
  if (isRecord(ratio['raw'])) {
    const raw = metricSource(ratio['raw'], [...at, 'raw'], context, problem);
    if (raw === null) return null;
    const errorRatio = ratio['rawType'] === 'success' ? `1 - (${raw.query})` : raw.query;
    return { sli: { url: raw.url, error_ratio: errorRatio }, path: at };
  }
  const total = isRecord(ratio['total']) ? metricSource(ratio['total'], [...at, 'total'], context, problem) : problem([...at, 'total'], 'is required');
  const countKey = isRecord(ratio['good']) ? 'good' : isRecord(ratio['bad']) ? 'bad' : null;
  if (countKey === null) return problem(at, 'needs good or bad (with total), or raw');
  const count = metricSource(ratio[countKey], [...at, countKey], context, problem);
  if (total === null || count === null) return null;
  if (count.url !== total.url) return problem([...at, countKey], 'must use the same Prometheus as total');
  return { sli: { url: total.url, total: total.query, [countKey]: count.query }, path: at };
}

function metricSource(metric: unknown, path: PathSegment[], context: Context, problem: Report): { url: string; query: string } | null {
  const source = isRecord(metric) && isRecord(metric['metricSource']) ? metric['metricSource'] : null;
  const at = [...path, 'metricSource'];
  if (source === null) return problem(at, 'is required');
  const ref = source['metricSourceRef'];
  const dataSource = typeof ref === 'string' ? findByKind(context.documents, 'DataSource', ref) : null;
  if (typeof ref === 'string' && dataSource === null) return problem([...at, 'metricSourceRef'], `no kind: DataSource document named '${ref}' in the loaded OpenSLO files`);
  const dataSpec = dataSource !== null && isRecord(dataSource['spec']) ? dataSource['spec'] : {};
  const type = source['type'] ?? dataSpec['type'];
  if (typeof type !== 'string' || type.toLowerCase() !== 'prometheus') return problem([...at, 'type'], `only Prometheus metric sources are supported, got ${JSON.stringify(type ?? null)}`);
  const spec = isRecord(source['spec']) ? source['spec'] : {};
  const query = spec['query'] ?? spec['promql'];
  if (typeof query !== 'string' || query.trim() === '') return problem([...at, 'spec', 'query'], 'must be a PromQL query');
  const connection = isRecord(dataSpec['connectionDetails']) ? dataSpec['connectionDetails'] : {};
  const url = connection['url'] ?? connection['address'] ?? context.options.prometheusUrl ?? null;
  if (typeof url !== 'string') return problem(at, 'has no Prometheus URL: reference a kind: DataSource with connectionDetails.url, or set openslo.prometheus_url');
  return { url, query };
}

function labelsFrom(value: unknown, problem: Report): Record<string, string> | null {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return problem(['metadata', 'labels'], 'must be a mapping');
  const labels: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!labelNamePattern.test(key)) return problem(['metadata', 'labels', key], 'must be a Prometheus label name (letters, digits, _)');
    const text = Array.isArray(item) ? item.map(String).join(',') : typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? String(item) : null;
    if (text === null) return problem(['metadata', 'labels', key], 'must be a string or a list of strings');
    labels[key] = text;
  }
  return labels;
}

function findByKind(documents: readonly unknown[], kind: string, name: string): Json | null {
  for (const document of documents) {
    if (isRecord(document) && document['kind'] === kind && isRecord(document['metadata']) && document['metadata']['name'] === name) return document;
  }
  return null;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
