import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sloSpecsFromOpenSlo } from './openslo.js';
import { dayMs, minuteMs } from './slo-window.js';

const documents = (text: string): unknown[] => parseAllDocuments(text).map((document) => document.toJS() as unknown);

/** OpenSLO's own example shape, unchanged: a DataSource, an SLI, and SLOs referring to them. */
const openSloFile = `
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prometheus-main
spec:
  type: Prometheus
  connectionDetails:
    url: http://127.0.0.1:9090
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: api-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        metricSourceRef: prometheus-main
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total{code=~"5.."}[5m]))
    total:
      metricSource:
        metricSourceRef: prometheus-main
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total[5m]))
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
  displayName: API availability
  labels:
    team: [platform, web]
spec:
  description: 99.9% of requests succeed
  service: api
  indicatorRef: api-errors
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: good
      target: 0.999
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-latency
spec:
  service: api
  indicator:
    metadata:
      name: api-p95
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: "2026-01-01 00:00:00"
        timeZone: Europe/Berlin
  budgetingMethod: Timeslices
  objectives:
    - op: lt
      value: 0.5
      targetPercent: 95
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
`;

describe('OpenSLO v1 documents', () => {
  it('load unchanged into the same spec as slos: entries', () => {
    const { specs, problems } = sloSpecsFromOpenSlo(documents(openSloFile), { prometheusUrl: 'http://127.0.0.1:9091' });
    expect(problems).toEqual([]);
    expect(specs.map((entry) => entry.document)).toEqual([2, 3]);
    expect(specs[0]?.spec).toMatchObject({
      name: 'api-availability',
      service: 'api',
      description: '99.9% of requests succeed',
      objectiveRatio: 0.999,
      window: { kind: 'rolling', durationMs: 28 * dayMs },
      budgeting: { kind: 'occurrences' },
      labels: { team: 'platform,web' },
      sli: {
        kind: 'prometheus',
        url: 'http://127.0.0.1:9090',
        query: { kind: 'bad_total', bad: 'sum(rate(http_requests_total{code=~"5.."}[5m]))', total: 'sum(rate(http_requests_total[5m]))' },
      },
    });
    expect(specs[1]?.spec).toMatchObject({
      name: 'api-latency',
      objectiveRatio: 0.95,
      window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' },
      budgeting: { kind: 'timeslices', sliceMs: minuteMs, sliceTargetRatio: 0.95 },
      sli: { kind: 'prometheus', url: 'http://127.0.0.1:9091', query: { kind: 'threshold', operator: 'lt', threshold: 0.5 } },
    });
  });

  it('applies the loader alerting to every SLO', () => {
    const { specs } = sloSpecsFromOpenSlo(documents(openSloFile), { prometheusUrl: 'http://127.0.0.1:9091', alerting: false });
    expect(specs.map((entry) => entry.spec.alerting)).toEqual([null, null]);
  });

  const slo = (spec: string, metadata = 'name: x') => `apiVersion: openslo/v1\nkind: SLO\nmetadata: {${metadata}}\nspec:\n${spec}`;
  const good = `  service: api
  indicator:
    spec:
      ratioMetric:
        good: {metricSource: {type: Prometheus, spec: {query: g}}}
        total: {metricSource: {type: Prometheus, spec: {query: t}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  objectives: [{target: 0.99}]
`;

  it('reads good/total and raw ratios', () => {
    const raw = good.replace(/ratioMetric:[\s\S]*?(?= {2}timeWindow)/, 'ratioMetric:\n        rawType: success\n        raw: {metricSource: {type: Prometheus, spec: {query: r}}}\n');
    const { specs, problems } = sloSpecsFromOpenSlo([...documents(slo(good)), ...documents(slo(raw, 'name: y'))], { prometheusUrl: 'http://127.0.0.1:9090' });
    expect(problems).toEqual([]);
    expect(specs.map((entry) => entry.spec.sli)).toEqual([
      { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'good_total', good: 'g', total: 't' } },
      { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'error_ratio', errorRatio: '1 - (r)' } },
    ]);
  });

  it.each<[string, string, string, string]>([
    ['another apiVersion', 'apiVersion: openslo/v2\nkind: SLO\n', 'apiVersion', 'must be openslo/v1'],
    ['a name that is no slug', slo(good, 'name: My_SLO'), 'metadata.name', 'lower-case slug'],
    ['no objectives', slo(good.replace('objectives: [{target: 0.99}]', 'objectives: []')), 'spec.objectives', 'exactly one objective'],
    ['two objectives', slo(good.replace('objectives: [{target: 0.99}]', 'objectives: [{target: 0.99}, {target: 0.9}]')), 'spec.objectives', 'exactly one objective'],
    ['a rolling month', slo(good.replace('duration: 30d, isRolling: true', 'duration: 1M, isRolling: true')), 'spec.timeWindow[0].duration', 'set isRolling: false'],
    ['a calendar quarter', slo(good.replace('duration: 30d, isRolling: true', 'duration: 1Q, isRolling: false')), 'spec.timeWindow[0].duration', '1M (a month) or 1w'],
    ['a Datadog source', slo(good.replace('type: Prometheus, spec: {query: g}', 'type: Datadog, spec: {query: g}')), 'spec.indicator.spec.ratioMetric.good.metricSource.type', 'only Prometheus'],
    ['RatioTimeslices', slo(`${good}  budgetingMethod: RatioTimeslices\n`), 'spec.budgetingMethod', 'Occurrences or Timeslices'],
    ['a missing SLI', slo(good.replace(/ {2}indicator:[\s\S]*?(?= {2}timeWindow)/, '  indicatorRef: nope\n')), 'spec.indicatorRef', "no kind: SLI document named 'nope'"],
    ['an objective of 100%', slo(good.replace('target: 0.99', 'targetPercent: 100')), 'spec.objectives[0].targetPercent', 'below 100%'],
    ['a 1h window with the default alerts', slo(good.replace('duration: 30d', 'duration: 1h')), 'spec.timeWindow[0]', 'longer than the SLO window'],
  ])('reports %s', (_name, text, path, message) => {
    const { problems, specs } = sloSpecsFromOpenSlo(documents(text), { prometheusUrl: 'http://127.0.0.1:9090' });
    expect(specs).toEqual([]);
    const found = problems.find((problem) => problem.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('').replace(/^\./, '') === path);
    expect(found, JSON.stringify(problems)).toBeDefined();
    expect(found?.message).toContain(message);
  });

  it('needs a Prometheus URL from a DataSource or the loader', () => {
    const { problems } = sloSpecsFromOpenSlo(documents(slo(good)));
    expect(problems[0]?.message).toContain('has no Prometheus URL');
  });
});
