import { describe, expect, it } from 'vitest';
import { createAlertingRule, DuplicateAlertLabelsError } from './alerting-rule.js';
import { runRuleFixture } from './rule-fixture.js';
import type { AlertRuleSpec } from './rule-spec.js';

const minuteMs = 60_000;

function baseRule(overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec {
  return {
    name: 'HighLatency',
    expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: {}, windowMs: null }, op: '>', threshold: 500 },
    forMs: 0,
    keepFiringForMs: 0,
    intervalMs: minuteMs,
    labels: {},
    annotations: {},
    ...overrides,
  };
}

describe('alerting rule state machine (Prometheus semantics)', () => {
  it('goes pending, fires after `for`, resolves, is re-sent as resolved and dropped after 15 minutes', () => {
    const fixture = `
      load 1m
        {monitor="api"} 100 600 600 600 600 100
      eval at 0m
        none
        sent none
      eval at 1m
        pending {alertname="HighLatency", monitor="api", severity="page"} 600
        sent none
      eval at 2m
        pending {alertname="HighLatency", monitor="api", severity="page"} 600
      eval at 3m
        firing {alertname="HighLatency", monitor="api", severity="page"} 600
        sent {alertname="HighLatency", monitor="api", severity="page"} starts=3m ends=7m
      # the resend delay (1m) has not passed strictly: no resend yet
      eval at 4m
        firing {alertname="HighLatency", monitor="api", severity="page"} 600
        sent none
      eval at 5m
        resolved {alertname="HighLatency", monitor="api", severity="page"} 600
        sent {alertname="HighLatency", monitor="api", severity="page"} starts=3m ends=5m
      eval at 6m
        sent none
      eval at 7m
        sent {alertname="HighLatency", monitor="api", severity="page"} starts=3m ends=5m
      eval at 20m
        resolved {alertname="HighLatency", monitor="api", severity="page"} 600
      eval at 21m
        none
    `;
    expect(runRuleFixture(baseRule({ forMs: 2 * minuteMs, labels: { severity: 'page' } }), fixture)).toEqual([]);
  });

  it('a pending alert whose series goes away is dropped, never sent', () => {
    const fixture = `
      load 1m
        {monitor="api"} 600 600 100 600
      eval at 1m
        pending {alertname="HighLatency", monitor="api"} 600
      eval at 2m
        none
        sent none
      eval at 3m
        pending {alertname="HighLatency", monitor="api"} 600
    `;
    expect(runRuleFixture(baseRule({ forMs: 5 * minuteMs }), fixture)).toEqual([]);
  });

  it('keep_firing_for keeps a firing alert after the condition cleared, then resolves it', () => {
    const fixture = `
      load 1m
        {monitor="api"} 600 100 100 100 600
      eval at 0m
        firing {alertname="HighLatency", monitor="api"} 600
        sent {alertname="HighLatency", monitor="api"} starts=0m ends=4m
      eval at 1m
        firing {alertname="HighLatency", monitor="api"} 600
      eval at 2m
        firing {alertname="HighLatency", monitor="api"} 600
        sent {alertname="HighLatency", monitor="api"} starts=0m ends=6m
      eval at 3m
        resolved {alertname="HighLatency", monitor="api"} 600
        sent {alertname="HighLatency", monitor="api"} starts=0m ends=3m
      # back again: a new occurrence with its own start, not the resolved one revived
      eval at 4m
        firing {alertname="HighLatency", monitor="api"} 600
        sent {alertname="HighLatency", monitor="api"} starts=4m ends=8m
    `;
    expect(runRuleFixture(baseRule({ keepFiringForMs: 2 * minuteMs }), fixture)).toEqual([]);
  });

  it('sends with endsAt = now + 4 x the interval when the interval is longer than the resend delay', () => {
    const fixture = `
      load 1m
        {monitor="api"} 600x20
      eval at 0m
        sent {alertname="HighLatency", monitor="api"} starts=0m ends=20m
      eval at 5m
        sent {alertname="HighLatency", monitor="api"} starts=0m ends=25m
    `;
    expect(runRuleFixture(baseRule({ intervalMs: 5 * minuteMs }), fixture)).toEqual([]);
  });

  it('absence: active once no matching series had a reading within `for`, labelled by the selector', () => {
    const fixture = `
      load 1m
        {monitor="api"} 100 _ _ _ _ 100
        {monitor="web"} stale
      eval at 2m
        none
      eval at 3m
        firing {alertname="NoData", monitor="api"} 1
      eval at 4m
        firing {alertname="NoData", monitor="api"} 1
      eval at 5m
        resolved {alertname="NoData", monitor="api"} 1
    `;
    const spec = baseRule({ name: 'NoData', expr: { kind: 'absent', query: { metric: 'monitor_latency_ms', selector: { monitor: 'api' }, windowMs: null }, forMs: 3 * minuteMs } });
    expect(runRuleFixture(spec, fixture)).toEqual([]);
  });

  it('one alert per series, each with its own timing; a stale series resolves', () => {
    const fixture = `
      load 1m
        {monitor="a"} 600 600 600 stale
        {monitor="b"} 100 600 600 600
      eval at 1m
        firing {alertname="HighLatency", monitor="a"} 600
        pending {alertname="HighLatency", monitor="b"} 600
      eval at 3m
        resolved {alertname="HighLatency", monitor="a"} 600
        firing {alertname="HighLatency", monitor="b"} 600
    `;
    expect(runRuleFixture(baseRule({ forMs: minuteMs }), fixture)).toEqual([]);
  });

  it('reads series notation: a+bxN, vxN and _xN', () => {
    const fixture = `
      load 1m
        {monitor="api"} 300+100x4 _x2 100
        {monitor="web"} 900x1 100
      eval at 2m
        none
      eval at 3m
        firing {alertname="HighLatency", monitor="api"} 600
      eval at 6m
        firing {alertname="HighLatency", monitor="api"} 700
      eval at 7m
        resolved {alertname="HighLatency", monitor="api"} 700
    `;
    expect(runRuleFixture(baseRule({ expr: { kind: 'threshold', query: { metric: 'monitor_latency_ms', selector: { monitor: 'api' }, windowMs: null }, op: '>', threshold: 500 } }), fixture)).toEqual([]);
    const web = `
      load 1m
        {monitor="web"} 900x1 100
      eval at 1m
        firing {alertname="HighLatency", monitor="web"} 900
      eval at 2m
        resolved {alertname="HighLatency", monitor="web"} 900
    `;
    expect(runRuleFixture(baseRule(), web)).toEqual([]);
  });

  it('the fixture runner reports a mismatch (the runner can fail)', () => {
    const fixture = `
      load 1m
        {monitor="api"} 600
      eval at 0m
        pending {alertname="HighLatency", monitor="api"} 600
    `;
    expect(runRuleFixture(baseRule(), fixture)).toHaveLength(1);
  });
});

describe('alert labels and annotations', () => {
  it('applies rule labels over series labels, drops __name__ and empty labels, sets alertname, renders templates', () => {
    const rule = createAlertingRule(
      baseRule({
        labels: { severity: '{{ if }}', team: 'sre', instance: '', alertname: 'ignored' },
        annotations: { summary: '{{ $labels.monitor }} p95 is {{ $value | humanize }}ms', runbook_url: 'https://runbooks/{{ .Labels.monitor }}' },
      }),
      { externalLabels: { cluster: 'eu' } },
    );
    const result = rule.eval(0, [{ labels: { __name__: 'monitor_latency_ms', monitor: 'api', instance: 'x' }, value: 1234 }]);
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]?.labels).toEqual({ alertname: 'HighLatency', monitor: 'api', severity: '{{ if }}', team: 'sre' });
    expect(result.alerts[0]?.annotations).toEqual({ summary: 'api p95 is 1.234kms', runbook_url: 'https://runbooks/api' });
    expect(result.templateErrors).toEqual([expect.stringContaining('{{ if }} is not supported')]);
  });

  it('annotations follow the latest value while the alert stays active', () => {
    const rule = createAlertingRule(baseRule({ forMs: 5 * minuteMs, annotations: { summary: 'at {{ $value }}' } }));
    rule.eval(0, [{ labels: { monitor: 'api' }, value: 600 }]);
    const { alerts } = rule.eval(minuteMs, [{ labels: { monitor: 'api' }, value: 700 }]);
    expect(alerts[0]).toMatchObject({ state: 'pending', activeAtMs: 0, value: 700, annotations: { summary: 'at 700' } });
  });

  it('series that collide once rule labels apply fail the evaluation and leave the state as it was', () => {
    const rule = createAlertingRule(baseRule({ labels: { monitor: 'fixed' } }));
    rule.eval(0, [{ labels: { monitor: 'a' }, value: 600 }]);
    expect(() => rule.eval(minuteMs, [{ labels: { monitor: 'a' }, value: 600 }, { labels: { monitor: 'b' }, value: 700 }])).toThrow(DuplicateAlertLabelsError);
    expect(rule.alerts()).toMatchObject([{ state: 'firing', labels: { monitor: 'fixed' }, value: 600 }]);
  });

  it('an alert not marked sent is offered again at the next evaluation', () => {
    const rule = createAlertingRule(baseRule());
    rule.eval(0, [{ labels: { monitor: 'a' }, value: 600 }]);
    expect(rule.alertsToSend(0)).toHaveLength(1);
    rule.eval(minuteMs, [{ labels: { monitor: 'a' }, value: 600 }]);
    expect(rule.alertsToSend(minuteMs)).toHaveLength(1);
    rule.markSent(minuteMs);
    expect(rule.alertsToSend(minuteMs)).toHaveLength(0);
  });

  it('state is the most severe alert; restore takes alerts over', () => {
    const rule = createAlertingRule(baseRule({ forMs: minuteMs }));
    expect(rule.state()).toBe('inactive');
    rule.eval(0, [{ labels: { monitor: 'a' }, value: 600 }]);
    expect(rule.state()).toBe('pending');
    const next = createAlertingRule(baseRule({ forMs: minuteMs }));
    next.restore(rule.alerts());
    next.eval(minuteMs, [{ labels: { monitor: 'a' }, value: 600 }]);
    expect(next.state()).toBe('firing');
    expect(next.alerts()[0]).toMatchObject({ activeAtMs: 0, firedAtMs: minuteMs });
  });
});
