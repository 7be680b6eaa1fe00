/**
 * `GET /api/v1/rules` answers sre-monitor's alerting rules in Prometheus' shape, pending alerts
 * included (they are never sent to the pipeline, so this is the one place they show), and rule
 * alerts link to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const configYaml = `
services:
  - name: web
slos:
  - name: web-availability
    service: web
    objective: 99%
    window: 7d
    sli:
      events: {}
alerting:
  external_url: http://sre.test
  route: { receiver: nobody }
  receivers: [{ name: nobody }]
  rules:
    - alert: BudgetHalfGone
      expr: { metric: slo_error_budget_remaining_ratio, selector: { slo: web-availability }, op: "<", threshold: 0.5 }
      for: 1h
      labels: { severity: P3 }
      annotations: { summary: '{{ $labels.slo }} has {{ printf "%.0f" $value }} of its budget left' }
    - alert: BudgetSpent
      expr: { metric: slo_error_budget_remaining_ratio, selector: { slo: web-availability }, op: "<", threshold: 0 }
      labels: { severity: P2 }
    - alert: ProbeLatencyHigh
      interval: 30s
      expr: { metric: monitor_latency_ms, op: ">", threshold: 1000 }
`;

interface RulesAnswer {
  status: string;
  data: {
    groups: Array<{
      name: string;
      file: string;
      interval: number;
      rules: Array<{ type: string; name: string; query: string; duration: number; state: string; health: string; labels: Record<string, string>; alerts: Array<{ state: string; labels: Record<string, string>; annotations: Record<string, string>; activeAt: string; value: string }> }>;
    }>;
  };
}

describe('GET /api/v1/rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { yaml: configYaml });
  });
  afterAll(async () => t?.close());

  const rules = async (query = ''): Promise<RulesAnswer> => {
    const response = await t.request(`/api/v1/rules${query}`, { token: t.tokens.viewer });
    expect(response.status).toBe(200);
    return (await response.json()) as RulesAnswer;
  };

  it('lists every rule by evaluation interval, with pending and firing alerts', async () => {
    const before = await rules();
    expect(before.status).toBe('success');
    expect(before.data.groups.map((group) => [group.name, group.interval, group.rules.map((rule) => [rule.name, rule.state, rule.health])])).toEqual([
      ['every 30s', 30, [['ProbeLatencyHigh', 'inactive', 'unknown']]],
      ['every 1m', 60, [['BudgetHalfGone', 'inactive', 'unknown'], ['BudgetSpent', 'inactive', 'unknown']]],
    ]);

    // 8 bad events in 100 against a 1% budget: 8x overspent, both rules find their series.
    const pushed = await t.request('/api/v1/events', { method: 'POST', token: t.tokens.responder, json: [{ slo: 'web-availability', good: 92, total: 100 }] });
    expect(pushed.status).toBe(202);
    const nowMs = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    await t.app.slos.evaluator.evaluateAll(nowMs);
    await t.app.alerting.alerting.rules.evaluateGroup(60_000, nowMs);

    const after = await rules();
    const byName = new Map(after.data.groups.flatMap((group) => group.rules).map((rule) => [rule.name, rule]));
    expect(byName.get('BudgetHalfGone')).toMatchObject({ type: 'alerting', state: 'pending', health: 'ok', duration: 3600 });
    expect(byName.get('BudgetHalfGone')?.alerts).toEqual([
      expect.objectContaining({ state: 'pending', labels: expect.objectContaining({ alertname: 'BudgetHalfGone', slo: 'web-availability', severity: 'P3' }) as unknown, annotations: { summary: 'web-availability has -7 of its budget left' } }),
    ]);
    expect(byName.get('BudgetSpent')).toMatchObject({ state: 'firing', health: 'ok' });
    // The pending alert is not in the pipeline; the firing one is, linking back here.
    const alerts = (await (await t.request('/api/v1/alerts', { token: t.tokens.viewer })).json()) as { items: Array<{ labels: Record<string, string>; generator_url: string }> };
    const ruleAlerts = alerts.items.filter((alert) => alert.labels.alertname?.startsWith('Budget'));
    expect(ruleAlerts.map((alert) => alert.labels.alertname)).toEqual(['BudgetSpent']);
    expect(ruleAlerts[0]?.generator_url).toBe('http://sre.test/api/v1/rules?rule_name[]=BudgetSpent');
  });

  it("filters as Prometheus does: rule_name[], rule_group[], type", async () => {
    const named = await rules('?rule_name[]=BudgetSpent&rule_name[]=ProbeLatencyHigh');
    expect(named.data.groups.flatMap((group) => group.rules.map((rule) => rule.name))).toEqual(['ProbeLatencyHigh', 'BudgetSpent']);
    const grouped = await rules(`?rule_group[]=${encodeURIComponent('every 30s')}`);
    expect(grouped.data.groups.map((group) => group.name)).toEqual(['every 30s']);
    expect((await rules('?type=record')).data.groups).toEqual([]);
    expect((await rules('?type=alert')).data.groups).toHaveLength(2);
  });

  it('answers a bad parameter with a 400 naming it', async () => {
    const response = await t.request('/api/v1/rules?type=recording', { token: t.tokens.viewer });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('type');
  });
});
