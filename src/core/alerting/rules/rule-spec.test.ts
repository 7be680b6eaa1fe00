import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { AlertRuleDocument } from './rule-document.js';
import { formatRuleExpression } from './rule-expression.js';
import { alertRuleDocumentFromSpec, alertRuleKey, alertRuleSpecFromDocument, alertRuleSpecsFromDocuments } from './rule-spec.js';

function baseDocument(overrides: Partial<AlertRuleDocument> = {}): AlertRuleDocument {
  return { alert: 'CheckoutSlow', expr: { metric: 'monitor_latency_ms', selector: { monitor: 'checkout' }, op: '>', threshold: 500 }, ...overrides };
}

describe('AlertRuleDocument schema', () => {
  it.each([
    ['a threshold rule', baseDocument({ for: '5m', keep_firing_for: '2m', interval: '30s', labels: { severity: 'page' }, annotations: { summary: '{{ $labels.monitor }}' }, incident: { create: true, severity: 'P1' } })],
    ['a PromQL rule', baseDocument({ expr: { promql: 'up == 0', prometheus_url: 'http://127.0.0.1:9090' } })],
    ['an absence rule', baseDocument({ expr: { absent: { metric: 'monitor_up', selector: { monitor: 'a' }, for: '10m' } } })],
    ['an uptime rule', baseDocument({ expr: { metric: 'monitor_uptime_ratio', window: '1h', op: '<', threshold: 0.99 } })],
  ])('accepts %s', (_name, document) => {
    expect(Value.Check(AlertRuleDocument, document)).toBe(true);
  });

  it.each([
    ['an unknown metric', { alert: 'X', expr: { metric: 'cpu', op: '>', threshold: 1 } }],
    ['an unknown operator', { alert: 'X', expr: { metric: 'monitor_up', op: '=', threshold: 1 } }],
    ['a bad duration', { alert: 'X', expr: { metric: 'monitor_up', op: '==', threshold: 0 }, for: '5 minutes' }],
    ['an unknown key', { alert: 'X', expr: { metric: 'monitor_up', op: '==', threshold: 0 }, severity: 'page' }],
    ['a bad alert name', { alert: 'not a name', expr: { metric: 'monitor_up', op: '==', threshold: 0 } }],
  ])('rejects %s', (_name, document) => {
    expect(Value.Check(AlertRuleDocument, document)).toBe(false);
  });
});

describe('alertRuleSpecFromDocument', () => {
  it('fills in defaults and turns durations into ms', () => {
    const { spec, problems } = alertRuleSpecFromDocument(baseDocument());
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      name: 'CheckoutSlow',
      expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: { monitor: 'checkout' }, windowMs: null }, op: '>', threshold: 500 },
      forMs: 0,
      keepFiringForMs: 0,
      intervalMs: 60_000,
      labels: {},
      annotations: {},
    });
  });

  it('reads every form and the incident passthrough', () => {
    const promql = alertRuleSpecFromDocument(baseDocument({ expr: { promql: 'up == 0', prometheus_url: 'http://127.0.0.1:9090' }, incident: { create: true, severity: 'P2' }, for: '5m' }));
    expect(promql.spec.expr).toEqual({ kind: 'promql', promql: 'up == 0', prometheusUrl: 'http://127.0.0.1:9090' });
    expect(promql.spec.labels).toEqual({ incident: 'true', incident_severity: 'P2' });
    expect(promql.spec.forMs).toBe(300_000);
    const absent = alertRuleSpecFromDocument(baseDocument({ expr: { absent: { metric: 'slo_sli_ratio', selector: { slo: 'a' }, for: '15m' } } }));
    expect(absent.spec.expr).toEqual({ kind: 'absent', query: { metric: 'slo_sli_ratio', selector: { slo: 'a' }, windowMs: null }, forMs: 900_000 });
    const burn = alertRuleSpecFromDocument(baseDocument({ expr: { metric: 'slo_burn_rate', window: '1h', op: '>', threshold: 14.4 } }));
    expect(burn.problems).toEqual([]);
    expect(burn.spec.expr).toMatchObject({ query: { windowMs: 3_600_000 } });
  });

  it.each([
    ['interval too short', baseDocument({ interval: '100ms' }), 'interval', 'must be a duration from 1s to 1h'],
    ['for too long', baseDocument({ for: '30d' }), 'for', 'must be a duration from 0s to 1w'],
    ['a window where none applies', baseDocument({ expr: { metric: 'monitor_up', window: '1h', op: '==', threshold: 0 } }), 'expr.window', 'monitor_up has no window'],
    ['no window for uptime', baseDocument({ expr: { metric: 'monitor_uptime_ratio', op: '<', threshold: 0.99 } }), 'expr.window', 'is required for monitor_uptime_ratio'],
    ['a burn-rate window no SLO reports', baseDocument({ expr: { metric: 'slo_burn_rate', window: '4h', op: '>', threshold: 1 } }), 'expr.window', 'must be one of 5m, 30m, 1h, 2h, 6h, 1d, 3d'],
    ['a non-http Prometheus URL', baseDocument({ expr: { promql: 'up', prometheus_url: 'ftp://x' } }), 'expr.prometheus_url', 'must be an http:// or https:// URL'],
    ['an absence window of 0', baseDocument({ expr: { absent: { metric: 'monitor_up', for: '0' } } }), 'expr.absent.for', 'must be a duration from 1s'],
    ['a template that does not compile', baseDocument({ annotations: { summary: '{{ $labels.monitor ' } }), 'annotations.summary', 'template does not compile: unclosed action'],
    ['a label template with an unknown function', baseDocument({ labels: { team: '{{ lookup $labels.service }}' } }), 'labels.team', 'function "lookup" not defined'],
    ['alertname as a label', baseDocument({ labels: { alertname: 'x' } }), 'labels.alertname', 'is set to the rule name'],
    ['a label name Prometheus refuses', baseDocument({ labels: { 'team-name': 'x' } }), 'labels.team-name', 'is not a valid label name'],
    ['no form at all', baseDocument({ expr: {} }), 'expr', 'must be one of {metric, op, threshold}'],
    ['two forms', baseDocument({ expr: { metric: 'monitor_up', op: '==', threshold: 0, promql: 'up == 0' } }), 'expr', 'mixes several forms'],
    ['a threshold without op', baseDocument({ expr: { metric: 'monitor_up', threshold: 0 } }), 'expr.op', 'is required for a threshold rule'],
    ['promql without a URL', baseDocument({ expr: { promql: 'up == 0' } }), 'expr.prometheus_url', 'is required with promql'],
  ])('names the field for %s', (_name, document, field, message) => {
    const { problems } = alertRuleSpecFromDocument(document);
    expect(problems).toEqual([{ field, message: expect.stringContaining(message) as string }]);
  });

  it('a list reports problems under their index and rules defined twice', () => {
    const { specs, problems } = alertRuleSpecsFromDocuments([baseDocument(), baseDocument({ interval: '2h' }), baseDocument({ labels: { severity: 'page' } })]);
    expect(specs).toHaveLength(3);
    expect(problems).toEqual([
      { field: '[1].interval', message: expect.stringContaining('from 1s to 1h') as string },
      { field: '[1].alert', message: 'rule CheckoutSlow with the same labels is already defined at [0]' },
    ]);
  });

  it('identity is name plus labels, whatever their order', () => {
    expect(alertRuleKey({ name: 'a', labels: { x: '1', y: '2' } })).toBe(alertRuleKey({ name: 'a', labels: { y: '2', x: '1' } }));
    expect(alertRuleKey({ name: 'a', labels: { x: '1' } })).not.toBe(alertRuleKey({ name: 'a', labels: { x: '2' } }));
  });
});

describe('the way back and one-line expressions', () => {
  it.each([
    baseDocument({ for: '5m', labels: { severity: 'page' }, annotations: { summary: 'x' } }),
    baseDocument({ expr: { promql: 'up == 0', prometheus_url: 'http://127.0.0.1:9090' } }),
    baseDocument({ expr: { absent: { metric: 'monitor_up', selector: { monitor: 'a' }, for: '10m' } } }),
    baseDocument({ expr: { metric: 'slo_burn_rate', selector: {}, window: '1h', op: '>=', threshold: 14.4 } }),
  ])('a spec reads back to the same spec (%#)', (document) => {
    const { spec } = alertRuleSpecFromDocument(document);
    const back = alertRuleDocumentFromSpec(spec);
    expect(Value.Check(AlertRuleDocument, back)).toBe(true);
    expect(alertRuleSpecFromDocument(back)).toEqual({ spec, problems: [] });
  });

  it.each([
    [baseDocument(), 'monitor_latency_ms{monitor="checkout"} > 500'],
    [baseDocument({ expr: { metric: 'monitor_uptime_ratio', selector: { service: 'shop', kind: 'http' }, window: '1h', op: '<', threshold: 0.99 } }), 'monitor_uptime_ratio{kind="http", service="shop"}[1h] < 0.99'],
    [baseDocument({ expr: { absent: { metric: 'monitor_up', selector: { monitor: 'a' }, for: '10m' } } }), 'absent(monitor_up{monitor="a"}) for 10m'],
    [baseDocument({ expr: { promql: 'up == 0', prometheus_url: 'http://127.0.0.1:9090' } }), 'up == 0'],
  ])('formats %j as %s', (document, text) => {
    expect(formatRuleExpression(alertRuleSpecFromDocument(document).spec.expr)).toBe(text);
  });
});
