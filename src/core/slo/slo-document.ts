/**
 * An SLO as written in the config file's `slos:` list and in `/api/v1/slos` bodies: one TypeBox
 * schema for both, snake_case, durations in Prometheus syntax, objectives as `0.999`, `99.9` or
 * `"99.9%"`. The schema checks shapes; `sloSpecFromDocument` (slo-spec.ts) checks values and
 * names the field of each problem.
 */
import Type, { type Static } from 'typebox';
import { durationSchemaPattern } from '../duration.js';
import { serviceNamePattern } from '../services/service.js';
import { calendarUnits } from './slo-window.js';
import { sliMonitorMetrics, thresholdOperators } from './slo.js';

const strict = { additionalProperties: false } as const;

const Duration = (description: string) =>
  Type.String({ pattern: durationSchemaPattern, description: `${description} (Prometheus duration: 5m, 1h, 30d)` });

const Query = (description: string) => Type.String({ minLength: 1, maxLength: 10_000, description });

const Ratio = (description: string) =>
  Type.Union([Type.Number(), Type.String({ minLength: 1, maxLength: 30 })], { description });

export const sloNamePattern = serviceNamePattern;

export const CalendarWindowDocument = Type.Object(
  {
    calendar: Type.Enum([...calendarUnits], { description: 'month (from the 1st) or week (from Monday), at local midnight.' }),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'UTC', description: 'IANA time zone of the calendar, e.g. Europe/Berlin.' })),
  },
  { ...strict, description: 'Calendar window: the current month or ISO week.' },
);

export const TimeslicesDocument = Type.Object(
  {
    timeslices: Type.Object(
      {
        slice: Duration('Length of one slice, 1m to 1h, aligned to the epoch'),
        target: Ratio('Good ratio a slice needs to count as good: 0.95, 95 or "95%".'),
      },
      { ...strict, description: 'Time-slice budgeting (OpenSLO Timeslices): the SLI is good slices / slices with events.' },
    ),
  },
  { ...strict, description: 'Time-slice budgeting.' },
);

export const BurnRateConditionDocument = Type.Object(
  {
    long: Duration('Long window'),
    short: Duration('Short window, shorter than long'),
    factor: Type.Number({ exclusiveMinimum: 0, description: 'Burn-rate multiple both windows must exceed (error ratio > factor × (1 - objective)).' }),
  },
  { ...strict, description: 'One condition: fires when both windows burn faster than factor.' },
);

const Conditions = (severity: string, defaults: string) =>
  Type.Union([Type.Literal(false), Type.Array(BurnRateConditionDocument, { maxItems: 10 })], {
    description: `${severity[0]?.toUpperCase() ?? ''}${severity.slice(1)} conditions (any one fires); false turns ${severity} alerts off. Default: ${defaults}.`,
  });

export const AlertingDocument = Type.Object(
  {
    page: Type.Optional(Conditions('page', '1h/5m > 14.4 or 6h/30m > 6')),
    ticket: Type.Optional(Conditions('ticket', '1d/2h > 3 or 3d/6h > 1')),
  },
  { ...strict, description: 'Burn-rate alert tables; an omitted severity keeps its defaults.' },
);

export const MonitorSliDocument = Type.Object(
  {
    name: Type.String({ pattern: serviceNamePattern, description: 'Monitor (declared under monitors:) whose results are the events.' }),
    metric: Type.Enum([...sliMonitorMetrics], { description: 'availability (up or degraded = good) or latency (no slower than threshold = good).' }),
    threshold: Type.Optional(Duration("Latency SLIs: the threshold; must be one of the monitor's latency_thresholds")),
  },
  { ...strict, description: "A monitor's check results, one event per check." },
);

export const EventsSliDocument = Type.Object(
  {
    good_when: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Rule that classifies pushed raw outcomes, e.g. status < 500 && latency_ms < 300 (variables status, latency_ms, ok).' })),
  },
  { ...strict, description: 'Pushed events (POST /api/v1/events): counts, or raw outcomes classified by good_when.' },
);

export const PrometheusThresholdDocument = Type.Object(
  {
    query: Query('PromQL giving one value per step, e.g. a p95 latency.'),
    op: Type.Enum([...thresholdOperators], { description: 'The step is good when value op threshold holds: lt, lte, gt or gte.' }),
    value: Type.Number({ description: 'The threshold.' }),
  },
  { ...strict, description: 'A value judged each step (OpenSLO thresholdMetric).' },
);

export const PrometheusSliDocument = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'Base URL of a Prometheus-compatible HTTP API, e.g. http://127.0.0.1:9090.' }),
    good: Type.Optional(Query('PromQL: good events in the step (with total).')),
    bad: Type.Optional(Query('PromQL: bad events in the step (with total).')),
    total: Type.Optional(Query('PromQL: all events in the step.')),
    error_ratio: Type.Optional(Query('PromQL: the ratio of bad events (instead of counts).')),
    threshold: Type.Optional(PrometheusThresholdDocument),
  },
  { ...strict, description: 'PromQL evaluated every step: good + total, bad + total, error_ratio, or threshold.' },
);

export const SliDocument = Type.Object(
  {
    monitor: Type.Optional(MonitorSliDocument),
    events: Type.Optional(EventsSliDocument),
    prometheus: Type.Optional(PrometheusSliDocument),
  },
  { ...strict, description: 'Where good and total events come from: exactly one of monitor, events, prometheus.' },
);

/** The fields after the name; PUT bodies of `/api/v1/slos/:name` use them. */
export const editableSloFields = {
  service: Type.String({ pattern: serviceNamePattern, description: 'Service (declared under services:) the SLO belongs to.' }),
  description: Type.Optional(Type.String({ maxLength: 1000, description: 'Free text.' })),
  objective: Ratio('Target good ratio in (0, 1): 0.999, 99.9 or "99.9%" (stored as the ratio 0.999).'),
  window: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 20 }), CalendarWindowDocument], {
    description: 'Rolling window from 1h to 90d (e.g. 30d), or a calendar window {calendar: month, time_zone: UTC}.',
    default: '30d',
  })),
  budgeting: Type.Optional(Type.Union([Type.Literal('occurrences'), TimeslicesDocument], {
    default: 'occurrences',
    description: 'occurrences (good events / events) or {timeslices: {slice, target}}.',
  })),
  labels: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', maxLength: 100 }), Type.String({ maxLength: 1000 }), {
    default: {},
    description: 'Labels added to its alerts and metrics (Prometheus label names).',
  })),
  alerting: Type.Optional(Type.Union([Type.Literal(false), AlertingDocument], {
    description: 'Burn-rate alerts: omitted for the defaults, false for none, or tables per severity.',
  })),
  sli: SliDocument,
};

export const SloDocument = Type.Object(
  {
    name: Type.String({ pattern: sloNamePattern, description: 'Unique slug: lower-case letters, digits and dashes.' }),
    ...editableSloFields,
  },
  { ...strict, description: 'A service level objective.' },
);

export type SloDocument = Static<typeof SloDocument>;
