/**
 * Between the written form of an SLO (SloDocument, snake_case) and the spec the engine runs
 * (SloSpec, ms and ratios): defaults, the checks a schema cannot express (objective range,
 * window length, alert windows within the SLO window, exactly one SLI source, a good_when rule
 * that compiles), and the way back for API answers. References to other objects (the service,
 * the monitor and its latency thresholds) are checked by whoever knows them: src/config/slo-checks.ts
 * for the config file, the SLO service for the API.
 */
import { formatDurationMs, parseDurationMs } from '../duration.js';
import type { FieldProblem } from '../errors.js';
import { defaultBurnRateAlerting, validateBurnRateAlerting, alertSeverities, type BurnRateAlerting, type BurnRateCondition } from './burn-rate-alerting.js';
import { compileGoodEventRule } from './good-event-rule.js';
import { parseObjective, parseSliceTarget } from './objective.js';
import type { SloDocument } from './slo-document.js';
import type { Budgeting, PrometheusSliQuery, SliSource, SloSpec } from './slo.js';
import { describeSloWindow, hourMs, minuteMs, validateSloWindow, type SloWindow } from './slo-window.js';
import { isHttpUrl } from '../http-url.js';

export interface SloSpecResult {
  spec: SloSpec;
  /** Problems with field names as written (`objective`, `alerting.page[0].long`, `sli.monitor.threshold`). */
  problems: FieldProblem[];
}

/** Labels the engine sets on every SLO alert; an SLO may not set them itself. */
export const reservedSloLabels: readonly string[] = ['alertname', 'slo', 'service', 'severity'];

const defaultWindow: SloWindow = { kind: 'rolling', durationMs: 30 * 86_400_000 };

/** Turns a schema-valid document into a spec and lists what is still wrong with it. */
export function sloSpecFromDocument(document: SloDocument): SloSpecResult {
  const problems: FieldProblem[] = [];
  const objective = parseObjective(document.objective);
  if (!objective.ok) problems.push({ field: 'objective', message: objective.message });
  const window = windowFrom(document.window, problems);
  const labels = { ...(document.labels ?? {}) };
  for (const name of Object.keys(labels)) {
    if (reservedSloLabels.includes(name)) problems.push({ field: `labels.${name}`, message: `is set by sre-monitor on every SLO alert; pick another name` });
  }
  return {
    spec: {
      name: document.name,
      service: document.service,
      description: document.description ?? null,
      objectiveRatio: objective.ok ? objective.ratio : Number.NaN,
      window,
      budgeting: budgetingFrom(document.budgeting, problems),
      labels,
      alerting: alertingFrom(document.alerting, window, problems),
      sli: sliFrom(document.sli, problems),
    },
    problems,
  };
}

/** The written form of a spec, as the API answers it (defaults filled in, so a reader sees them). */
export function sloDocumentFromSpec(spec: SloSpec): SloDocument {
  const document: SloDocument = {
    name: spec.name,
    service: spec.service,
    objective: spec.objectiveRatio,
    window: spec.window.kind === 'rolling' ? formatDurationMs(spec.window.durationMs) : { calendar: spec.window.unit, time_zone: spec.window.timeZone },
    budgeting:
      spec.budgeting.kind === 'occurrences'
        ? 'occurrences'
        : { timeslices: { slice: formatDurationMs(spec.budgeting.sliceMs), target: spec.budgeting.sliceTargetRatio } },
    labels: { ...spec.labels },
    alerting:
      spec.alerting === null
        ? false
        : {
            page: spec.alerting.page.length === 0 ? false : spec.alerting.page.map(conditionDocument),
            ticket: spec.alerting.ticket.length === 0 ? false : spec.alerting.ticket.map(conditionDocument),
          },
    sli: sliDocument(spec.sli),
  };
  if (spec.description !== null) document.description = spec.description;
  return document;
}

function windowFrom(written: SloDocument['window'], problems: FieldProblem[]): SloWindow {
  if (written === undefined) return defaultWindow;
  let window: SloWindow;
  if (typeof written === 'string') {
    const durationMs = parseDurationMs(written);
    if (durationMs === undefined) {
      problems.push({ field: 'window', message: `must be a duration from 1h to 90d like 30d, or {calendar: month, time_zone: UTC}; got "${written}"` });
      return defaultWindow;
    }
    window = { kind: 'rolling', durationMs };
  } else {
    window = { kind: 'calendar', unit: written.calendar, timeZone: written.time_zone ?? 'UTC' };
  }
  for (const problem of validateSloWindow(window)) problems.push({ field: problem.field === '' ? 'window' : `window.${problem.field}`, message: problem.message });
  return window;
}

function budgetingFrom(written: SloDocument['budgeting'], problems: FieldProblem[]): Budgeting {
  if (written === undefined || written === 'occurrences') return { kind: 'occurrences' };
  const sliceMs = parseDurationMs(written.timeslices.slice) ?? 0;
  if (sliceMs < minuteMs || sliceMs > hourMs || sliceMs % minuteMs !== 0) {
    problems.push({ field: 'budgeting.timeslices.slice', message: `must be whole minutes from 1m to 1h, got ${written.timeslices.slice}` });
  }
  const target = parseSliceTarget(written.timeslices.target);
  if (!target.ok) problems.push({ field: 'budgeting.timeslices.target', message: target.message });
  return { kind: 'timeslices', sliceMs, sliceTargetRatio: target.ok ? target.ratio : Number.NaN };
}

function alertingFrom(written: SloDocument['alerting'], window: SloWindow, problems: FieldProblem[]): BurnRateAlerting | null {
  if (written === false) return null;
  const alerting: BurnRateAlerting = { page: [], ticket: [] };
  const defaulted = new Set<string>();
  for (const severity of alertSeverities) {
    const conditions = written?.[severity];
    if (conditions === undefined) {
      alerting[severity] = defaultBurnRateAlerting[severity].map((condition) => ({ ...condition }));
      defaulted.add(severity);
    } else if (conditions !== false) {
      alerting[severity] = conditions.map((condition) => ({
        longWindowMs: parseDurationMs(condition.long) ?? 0,
        shortWindowMs: parseDurationMs(condition.short) ?? 0,
        factor: condition.factor,
      }));
    }
  }
  for (const problem of validateBurnRateAlerting(alerting, window)) {
    const severity = alertSeverities.find((name) => problem.field.startsWith(name)) ?? 'page';
    if (!defaulted.has(severity)) {
      problems.push({ field: `alerting.${problem.field}`, message: problem.message });
    } else if (!problems.some((known) => known.message.includes(`default ${severity} alerts`))) {
      const longest = formatDurationMs(Math.max(...alerting[severity].map((condition) => condition.longWindowMs)));
      problems.push({
        field: written === undefined ? 'alerting' : `alerting.${severity}`,
        message: `the default ${severity} alerts read windows up to ${longest}, longer than the SLO window (${describeSloWindow(window)}): set alerting.${severity} to shorter windows, or false`,
      });
    }
  }
  return alerting;
}

function sliFrom(written: SloDocument['sli'], problems: FieldProblem[]): SliSource {
  const given = (['monitor', 'events', 'prometheus'] as const).filter((kind) => written[kind] !== undefined);
  if (given.length !== 1) {
    problems.push({ field: 'sli', message: given.length === 0 ? 'must set one of monitor, events, prometheus' : `sets ${given.join(' and ')}; set exactly one` });
  }
  if (written.monitor !== undefined) {
    const { name, metric, threshold } = written.monitor;
    if (metric === 'availability') {
      if (threshold !== undefined) problems.push({ field: 'sli.monitor.threshold', message: 'applies to latency SLIs only' });
      return { kind: 'monitor', monitor: name, metric };
    }
    const thresholdMs = threshold === undefined ? undefined : parseDurationMs(threshold);
    if (thresholdMs === undefined || thresholdMs <= 0) {
      problems.push({ field: 'sli.monitor.threshold', message: threshold === undefined ? 'is required for a latency SLI, e.g. 500ms' : 'must be longer than 0s' });
    }
    return { kind: 'monitor', monitor: name, metric, thresholdMs: thresholdMs ?? 0 };
  }
  if (written.events !== undefined) {
    const goodWhen = written.events.good_when ?? null;
    if (goodWhen !== null) {
      const compiled = compileGoodEventRule(goodWhen);
      if (!compiled.ok) problems.push({ field: 'sli.events.good_when', message: compiled.message });
    }
    return { kind: 'events', goodWhen };
  }
  if (written.prometheus !== undefined) return prometheusFrom(written.prometheus, problems);
  return { kind: 'events', goodWhen: null };
}

type PrometheusDocument = NonNullable<SloDocument['sli']['prometheus']>;

function prometheusFrom(written: PrometheusDocument, problems: FieldProblem[]): SliSource {
  const at = (field: string): string => `sli.prometheus${field === '' ? '' : `.${field}`}`;
  if (!isHttpUrl(written.url)) problems.push({ field: at('url'), message: 'must be an http or https URL' });
  const keys = (['good', 'bad', 'total', 'error_ratio', 'threshold'] as const).filter((key) => written[key] !== undefined);
  const query = prometheusQuery(written, keys.join(' '));
  if (query === null) {
    problems.push({ field: at(''), message: `set exactly one of: good + total, bad + total, error_ratio, threshold (got ${keys.length === 0 ? 'none' : keys.join(', ')})` });
  }
  return { kind: 'prometheus', url: written.url, query: query ?? { kind: 'error_ratio', errorRatio: '' } };
}

/** The query form for exactly one valid combination of keys (listed in schema order), else null. */
function prometheusQuery(written: PrometheusDocument, keys: string): PrometheusSliQuery | null {
  const { good, bad, total, error_ratio: errorRatio, threshold } = written;
  if (keys === 'good total' && good !== undefined && total !== undefined) return { kind: 'good_total', good, total };
  if (keys === 'bad total' && bad !== undefined && total !== undefined) return { kind: 'bad_total', bad, total };
  if (keys === 'error_ratio' && errorRatio !== undefined) return { kind: 'error_ratio', errorRatio };
  if (keys === 'threshold' && threshold !== undefined) return { kind: 'threshold', query: threshold.query, operator: threshold.op, threshold: threshold.value };
  return null;
}

function sliDocument(sli: SliSource): SloDocument['sli'] {
  switch (sli.kind) {
    case 'monitor':
      return {
        monitor: sli.metric === 'latency' ? { name: sli.monitor, metric: 'latency', threshold: formatDurationMs(sli.thresholdMs) } : { name: sli.monitor, metric: 'availability' },
      };
    case 'events':
      return { events: sli.goodWhen === null ? {} : { good_when: sli.goodWhen } };
    case 'prometheus':
      return { prometheus: { url: sli.url, ...prometheusQueryDocument(sli.query) } };
  }
}

function prometheusQueryDocument(query: PrometheusSliQuery): Omit<PrometheusDocument, 'url'> {
  switch (query.kind) {
    case 'good_total':
      return { good: query.good, total: query.total };
    case 'bad_total':
      return { bad: query.bad, total: query.total };
    case 'error_ratio':
      return { error_ratio: query.errorRatio };
    case 'threshold':
      return { threshold: { query: query.query, op: query.operator, value: query.threshold } };
  }
}

function conditionDocument(condition: BurnRateCondition): { long: string; short: string; factor: number } {
  return { long: formatDurationMs(condition.longWindowMs), short: formatDurationMs(condition.shortWindowMs), factor: condition.factor };
}

