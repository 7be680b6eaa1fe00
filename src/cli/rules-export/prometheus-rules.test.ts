import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultBurnRateAlerting } from '../../core/slo/burn-rate-alerting.js';
import { baseSlo } from '../../core/slo/slo-builders.contract.js';
import type { PrometheusSliQuery, SloSpec } from '../../core/slo/slo.js';
import { dayMs, hourMs, minuteMs } from '../../core/slo/slo-window.js';
import { exportPrometheusRules, rulesFileText } from './export-rules.js';
import { prometheusRulesForSlo, promqlNumber, recordedWindowsMs, type AlertingRule, type RecordingRule, type RuleGroup } from './prometheus-rules.js';

const good = 'sum(increase(http_requests_total{job="api",code!~"5.."}[{{.window}}]))';
const total = 'sum(increase(http_requests_total{job="api"}[{{.window}}]))';

function prometheusSlo(query: PrometheusSliQuery, overrides: Partial<SloSpec> = {}): SloSpec {
  return baseSlo({ sli: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query }, ...overrides });
}

function groupOf(spec: SloSpec, runbookUrl: string | null = null): RuleGroup {
  const rules = prometheusRulesForSlo(spec, { runbookUrl });
  if (!rules.ok) throw new Error(rules.reason);
  return rules.group;
}

const recording = (group: RuleGroup, name: string): RecordingRule => {
  const rule = group.rules.find((candidate): candidate is RecordingRule => 'record' in candidate && candidate.record === name);
  if (rule === undefined) throw new Error(`no rule ${name}`);
  return rule;
};
const alerts = (group: RuleGroup): AlertingRule[] => group.rules.filter((rule): rule is AlertingRule => 'alert' in rule);

describe('prometheusRulesForSlo', () => {
  it.each<[string, SloSpec, RegExp]>([
    ['a monitor SLI', baseSlo({ sli: { kind: 'monitor', monitor: 'api-health', metric: 'availability' } }), /SLI source is monitor/],
    ['a pushed-events SLI', baseSlo(), /SLI source is events/],
    ['timeslice budgeting', prometheusSlo({ kind: 'good_total', good, total }, { budgeting: { kind: 'timeslices', sliceMs: minuteMs, sliceTargetRatio: 0.95 } }), /timeslices/],
    ['a good query without {{.window}}', prometheusSlo({ kind: 'good_total', good: 'sum(increase(ok_total[1m]))', total }), /its good query has no \{\{\.window\}\} placeholder/],
    ['count queries without {{.window}}', prometheusSlo({ kind: 'bad_total', bad: 'errors', total: 'requests' }), /its bad and total queries have no/],
  ])('skips %s with the reason', (_name, spec, reason) => {
    const rules = prometheusRulesForSlo(spec);
    expect(rules.ok).toBe(false);
    if (!rules.ok) expect(rules.reason).toMatch(reason);
  });

  it.each<[string, Partial<SloSpec>, string[]]>([
    ['the default tables and a 30d window', {}, ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']],
    ['its own alert windows and a 7d window', {
      window: { kind: 'rolling', durationMs: 7 * dayMs },
      alerting: { page: [{ longWindowMs: 90 * minuteMs, shortWindowMs: 10 * minuteMs, factor: 10 }], ticket: [{ longWindowMs: 4 * dayMs, shortWindowMs: 12 * hourMs, factor: 1 }] },
    }, ['5m', '10m', '30m', '1h', '90m', '2h', '6h', '12h', '1d', '3d', '4d', '7d']],
    ['a calendar window (no period rule)', { window: { kind: 'calendar', unit: 'month', timeZone: 'UTC' } }, ['5m', '30m', '1h', '2h', '6h', '1d', '3d']],
  ])('records the error ratio over %s', (_name, overrides, windows) => {
    const spec = prometheusSlo({ kind: 'good_total', good, total }, overrides);
    const group = groupOf(spec);
    const recorded = group.rules.flatMap((rule) => ('record' in rule && rule.record.startsWith('slo:sli_error:ratio_rate') ? [rule.record.slice('slo:sli_error:ratio_rate'.length)] : []));
    expect(recorded).toEqual(windows);
    expect(recordedWindowsMs(spec)).toHaveLength(windows.length);
  });

  it('writes good/total as (total - good) / total with the window filled in, a missing good series counting 0', () => {
    const rule = recording(groupOf(prometheusSlo({ kind: 'good_total', good, total })), 'slo:sli_error:ratio_rate6h');
    expect(rule.expr).toBe(
      [
        '(',
        '  sum(increase(http_requests_total{job="api"}[6h]))',
        '  -',
        '  (',
        '    sum(increase(http_requests_total{job="api",code!~"5.."}[6h]))',
        '    or',
        '    vector(0)',
        '  )',
        ')',
        '/',
        'sum(increase(http_requests_total{job="api"}[6h]))',
      ].join('\n'),
    );
    expect(rule.labels).toEqual({ sre_monitor_slo: 'api-availability', sre_monitor_service: 'api' });
  });

  it.each<[string, string, string]>([
    ['one whole sum stays as it is', 'sum(rate(x{code=~"(5..)"}[{{ .window }}]))', 'sum(rate(x{code=~"(5..)"}[5m]))'],
    ['a sum by is added up, as the server adds series', 'sum by (route) (rate(x[{{.window}}]))', 'sum(sum by (route) (rate(x[5m])))'],
    ['a bare selector is summed', 'increase(x[{{.window}}])', 'sum(increase(x[5m]))'],
    ['a quotient of sums is summed whole', 'sum(a[{{.window}}]) / sum(b[{{.window}}])', 'sum(sum(a[5m]) / sum(b[5m]))'],
    ['a comment keeps the closing parenthesis on its own line', 'sum(x[{{.window}}]) # errors', 'sum(\n    sum(x[5m]) # errors\n  )'],
  ])('bad/total: %s', (_name, bad, rendered) => {
    const rule = recording(groupOf(prometheusSlo({ kind: 'bad_total', bad, total })), 'slo:sli_error:ratio_rate5m');
    expect(rule.expr).toBe(`(\n  ${rendered}\n  or\n  vector(0)\n)\n/\nsum(increase(http_requests_total{job="api"}[5m]))`);
  });

  it('records the step error of an error_ratio SLI and averages exactly window/step steps', () => {
    const group = groupOf(prometheusSlo({ kind: 'error_ratio', errorRatio: 'sum(rate(errors[{{.window}}])) / sum(rate(requests[{{.window}}]))' }));
    expect(group.interval).toBe('1m');
    expect(group.rules[0]).toEqual({
      record: 'slo:sli_error:ratio_step',
      expr: 'clamp(\n  (\n    sum(rate(errors[1m])) / sum(rate(requests[1m]))\n  ) >= -1e-9 <= 1.000000001,\n  0, 1\n)',
      labels: { sre_monitor_slo: 'api-availability', sre_monitor_service: 'api' },
    });
    expect(recording(group, 'slo:sli_error:ratio_rate5m').expr).toBe('avg_over_time(slo:sli_error:ratio_step{sre_monitor_slo="api-availability", sre_monitor_service="api"}[4m30s])');
    expect(recording(group, 'slo:sli_error:ratio_rate3d').expr).toMatch(/\[2d23h59m30s\]\)$/);
  });

  it.each<['lt' | 'lte' | 'gt' | 'gte', string]>([
    ['lt', '>='],
    ['lte', '>'],
    ['gt', '<='],
    ['gte', '<'],
  ])('a threshold SLI with %s counts a step bad when the value is %s the threshold', (operator, breaking) => {
    const group = groupOf(prometheusSlo({ kind: 'threshold', query: 'max(p95_seconds)', operator, threshold: 0.3 }));
    expect(recording(group, 'slo:sli_error:ratio_step').expr).toBe(`(\n  (\n    max(p95_seconds)\n  ) > -Inf < +Inf\n) ${breaking} bool 0.3`);
  });

  it('pages and tickets with the SLO multi-window conditions, strictly above factor × (1 - objective)', () => {
    const [page, ticket] = alerts(groupOf(prometheusSlo({ kind: 'good_total', good, total }, { objectiveRatio: 0.9995 })));
    const selector = '{sre_monitor_slo="api-availability", sre_monitor_service="api"}';
    expect(page?.alert).toBe('SLOBurnRate');
    expect(page?.expr).toBe(
      [
        '(',
        `  slo:sli_error:ratio_rate1h${selector} > (14.4 * (1 - 0.9995))`,
        '  and',
        `  slo:sli_error:ratio_rate5m${selector} > (14.4 * (1 - 0.9995))`,
        ')',
        'or',
        '(',
        `  slo:sli_error:ratio_rate6h${selector} > (6 * (1 - 0.9995))`,
        '  and',
        `  slo:sli_error:ratio_rate30m${selector} > (6 * (1 - 0.9995))`,
        ')',
      ].join('\n'),
    );
    expect(page?.labels).toEqual({ severity: 'page', slo: 'api-availability', service: 'api' });
    expect(ticket?.labels.severity).toBe('ticket');
    expect(ticket?.expr).toContain('slo:sli_error:ratio_rate3d');
    expect(ticket?.expr).toContain('> (1 * (1 - 0.9995))');
  });

  it.each<[string, SloSpec['alerting'], string[]]>([
    ['alerting: false', null, []],
    ['page: false', { page: [], ticket: defaultBurnRateAlerting.ticket }, ['ticket']],
    ['ticket: false', { page: defaultBurnRateAlerting.page, ticket: [] }, ['page']],
  ])('with %s it writes only the alerts left', (_name, alerting, severities) => {
    const group = groupOf(prometheusSlo({ kind: 'good_total', good, total }, { alerting }));
    expect(alerts(group).map((rule) => rule.labels.severity)).toEqual(severities);
    expect(group.rules.some((rule) => 'record' in rule && rule.record === 'slo:sli_error:ratio_rate3d')).toBe(true);
  });

  it('annotates with a summary, a description whose {{ cannot start a template, and the runbook', () => {
    const spec = prometheusSlo({ kind: 'good_total', good, total }, { description: 'Requests to {{ $labels.path }} succeed' });
    const [page] = alerts(groupOf(spec, 'https://runbooks.example/api'));
    expect(page?.annotations).toEqual({
      summary: 'SLO api-availability of service api is burning its error budget too fast (page).',
      description:
        'Requests to {{ "{{" }} $labels.path }} succeed. The error ratio is above 14.4 × the budget over both 1h and 5m, or above 6 × the budget over both 6h and 30m (objective 99.9% over 30d, budget 1 - 0.999).',
      runbook_url: 'https://runbooks.example/api',
    });
    expect(alerts(groupOf(spec))[0]?.annotations.runbook_url).toBeUndefined();
  });

  it('puts the SLO labels on every series, under the two labels that identify it', () => {
    const group = groupOf(prometheusSlo({ kind: 'good_total', good, total }, { labels: { team: 'payments', sre_monitor_slo: 'spoofed' } }));
    for (const rule of group.rules.filter((candidate): candidate is RecordingRule => 'record' in candidate)) {
      expect(rule.labels).toEqual({ team: 'payments', sre_monitor_slo: 'api-availability', sre_monitor_service: 'api' });
    }
  });

  it('records the metadata: objective, budget as PromQL computes it, burn rates and the budget left', () => {
    const group = groupOf(prometheusSlo({ kind: 'good_total', good, total }));
    expect(recording(group, 'slo:objective:ratio').expr).toBe('vector(0.999)');
    expect(recording(group, 'slo:error_budget:ratio').expr).toBe('vector(1 - 0.999)');
    expect(recording(group, 'slo:time_period:days').expr).toBe('vector(30)');
    expect(recording(group, 'slo:current_burn_rate:ratio').expr).toMatch(/^slo:sli_error:ratio_rate1h\{.*\}\n\/ on\(sre_monitor_slo, sre_monitor_service\) group_left\nslo:error_budget:ratio\{/);
    expect(recording(group, 'slo:period_burn_rate:ratio').expr).toMatch(/^slo:sli_error:ratio_rate30d\{/);
    expect(recording(group, 'slo:period_error_budget_remaining:ratio').expr).toBe('1 - slo:period_burn_rate:ratio{sre_monitor_slo="api-availability", sre_monitor_service="api"}');
  });
});

describe('promqlNumber', () => {
  it.each([0.999, 0.9995, 14.4, 1e-7, 1 - 0.999, 123456789.125, -0.5])('%s reads back as the same float64', (value) => {
    expect(Number(promqlNumber(value))).toBe(value);
  });
  it.each<[number, string]>([
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
  ])('%s is spelled %s', (value, text) => expect(promqlNumber(value)).toBe(text));
});

describe('exportPrometheusRules and rulesFileText', () => {
  it('keeps config order, skips with reasons, takes the runbook from the service and writes plain YAML', () => {
    const slos = [
      prometheusSlo({ kind: 'good_total', good, total }, { name: 'b-slo' }),
      baseSlo({ name: 'pushed' }),
      prometheusSlo({ kind: 'bad_total', bad: good, total }, { name: 'a-slo', service: 'web' }),
    ];
    const services = [{ name: 'api', displayName: 'api', team: null, criticality: 'high' as const, tags: [], dependencies: [], links: { runbook: 'https://runbooks.example/api' } }];
    const exported = exportPrometheusRules(slos, services);
    expect(exported.groups.map(({ slo }) => slo)).toEqual(['b-slo', 'a-slo']);
    expect(exported.skipped).toEqual([{ slo: 'pushed', reason: expect.stringMatching(/events/) as unknown }]);
    expect(alerts(exported.groups[0]!.group)[0]?.annotations.runbook_url).toBe('https://runbooks.example/api');
    expect(alerts(exported.groups[1]!.group)[0]?.annotations.runbook_url).toBeUndefined();

    const text = rulesFileText(exported.groups.map(({ group }) => group), 'slos.yaml');
    expect(text).toMatch(/^# Generated by `sre-monitor rules export` from slos\.yaml\.\n/);
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
    expect(text).toContain('        expr: |-\n          (\n');
    expect(parse(text)).toEqual({ groups: exported.groups.map(({ group }) => group) });
  });

  it('writes an empty group list when nothing exports', () => {
    expect(parse(rulesFileText([], 'x.yaml'))).toEqual({ groups: [] });
  });
});
