import { describe, expect, it } from 'vitest';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-slo-config-');

async function load(files: Record<string, string>) {
  const cwd = await writeTree(files);
  return loadConfig('main.yaml', { env: {}, cwd });
}

async function problemLines(files: Record<string, string>): Promise<string[]> {
  try {
    await load(files);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(formatConfigProblem);
  }
}

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

const catalog = yaml(
  'services:',
  '  - name: api',
  'monitors:',
  '  - name: api-health',
  '    service: api',
  '    kind: tcp',
  '    latency_thresholds: [250ms, 1s]',
  '    tcp: { host: 127.0.0.1, port: 8081 }',
);

describe('slos: in the config', () => {
  it('loads SLOs into runtime.slos as specs', async () => {
    const loaded = await load({
      'main.yaml': catalog + yaml(
        'slos:',
        '  - name: api-availability',
        '    service: api',
        '    objective: 99.9%',
        '    sli: { monitor: { name: api-health, metric: availability } }',
        '  - name: api-latency',
        '    service: api',
        '    objective: 95',
        '    window: { calendar: month, time_zone: Europe/Berlin }',
        '    sli: { monitor: { name: api-health, metric: latency, threshold: 1s } }',
      ),
    });
    expect(loaded.runtime.slos.map((slo) => [slo.name, slo.objectiveRatio, slo.window.kind])).toEqual([
      ['api-availability', 0.999, 'rolling'],
      ['api-latency', 0.95, 'calendar'],
    ]);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown service', ['  - name: a', '    service: web', '    objective: 0.999', '    sli: { events: {} }'], /main\.yaml:\d+:5 slos\[0\]\.service: unknown service 'web': declare it under services:/],
    ['an unknown monitor', ['  - name: a', '    service: api', '    objective: 0.999', '    sli: { monitor: { name: nope, metric: availability } }'], /slos\[0\]\.sli\.monitor\.name: unknown monitor 'nope'/],
    [
      'a latency threshold the monitor does not count',
      ['  - name: a', '    service: api', '    objective: 0.999', '    sli: { monitor: { name: api-health, metric: latency, threshold: 500ms } }'],
      /slos\[0\]\.sli\.monitor\.threshold: monitor 'api-health' keeps exact counts only for its latency_thresholds \(250ms, 1s\); add 500ms there/,
    ],
    ['an objective of 100%', ['  - name: a', '    service: api', '    objective: 100%', '    sli: { events: {} }'], /main\.yaml:12:5 slos\[0\]\.objective: must be below 100%/],
    ['alert windows longer than the window', ['  - name: a', '    service: api', '    objective: 0.99', '    window: 1d', '    sli: { events: {} }'], /slos\[0\]\.alerting: the default ticket alerts read windows up to 3d/],
    ['a duplicate name', ['  - name: a', '    service: api', '    objective: 0.99', '    sli: { events: {} }', '  - name: a', '    service: api', '    objective: 0.99', '    sli: { events: {} }'], /slos\[1\]\.name: duplicate SLO name 'a' \(first at main\.yaml:10\)/],
    ['an unknown key', ['  - name: a', '    service: api', '    objective: 0.99', '    objetive: 0.9', '    sli: { events: {} }'], /slos\[0\]\.objetive: unknown key 'objetive' \(did you mean 'objective'\?\)/],
    ['a bad good_when rule', ['  - name: a', '    service: api', '    objective: 0.99', '    sli: { events: { good_when: "status <" } }'], /slos\[0\]\.sli\.events\.good_when: is not a valid expression/],
  ])('reports %s at its line', async (_name, lines, expected) => {
    const problems = await problemLines({ 'main.yaml': catalog + yaml('slos:', ...lines) });
    expect(problems.some((line) => expected.test(line)), problems.join('\n')).toBe(true);
  });

  it('checks latency thresholds against the monitor defaults when it lists none', async () => {
    const problems = await problemLines({
      'main.yaml': yaml('services: [{ name: api }]', 'monitors:', '  - { name: m, service: api, kind: tcp, tcp: { host: 127.0.0.1, port: 1 } }', 'slos:', '  - { name: a, service: api, objective: 0.99, sli: { monitor: { name: m, metric: latency, threshold: 2s } } }'),
    });
    expect(problems.join('\n')).toContain('(100ms, 250ms, 500ms, 1s, 2s500ms, 5s); add 2s there');
  });
});

const openSlo = yaml(
  'apiVersion: openslo/v1',
  'kind: SLO',
  'metadata:',
  '  name: api-errors',
  'spec:',
  '  service: api',
  '  indicator:',
  '    spec:',
  '      ratioMetric:',
  '        good: { metricSource: { type: Prometheus, spec: { query: "sum(rate(ok[1m]))" } } }',
  '        total: { metricSource: { type: Prometheus, spec: { query: "sum(rate(all[1m]))" } } }',
  '  timeWindow: [{ duration: 30d, isRolling: true }]',
  '  budgetingMethod: Occurrences',
  '  objectives: [{ target: 0.999 }]',
);

describe('openslo: files', () => {
  it('loads OpenSLO documents relative to the config file, after the slos: entries', async () => {
    const cwd = await writeTree({
      'conf/main.yaml': catalog + yaml('openslo:', '  files: [openslo/*.yaml]', '  prometheus_url: http://127.0.0.1:9090'),
      'conf/openslo/api.yaml': `${openSlo}---\n${openSlo.replace('name: api-errors', 'name: api-errors-2')}`,
    });
    const loaded = await loadConfig('conf/main.yaml', { cwd, env: {} });
    expect(loaded.runtime.slos.map((slo) => slo.name)).toEqual(['api-errors', 'api-errors-2']);
    expect(loaded.runtime.slos[0]?.sli).toEqual({ kind: 'prometheus', url: 'http://127.0.0.1:9090', query: { kind: 'good_total', good: 'sum(rate(ok[1m]))', total: 'sum(rate(all[1m]))' } });
    expect(loaded.files.some((file) => file.endsWith('api.yaml'))).toBe(true);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a pattern without files', { 'main.yaml': catalog + yaml('openslo:', '  files: [nope/*.yaml]') }, /main\.yaml:10:11 openslo\.files\[0\]: 'nope\/\*\.yaml' matches no files/],
    ['an undeclared service, in the OpenSLO file', { 'main.yaml': catalog + yaml('openslo:', '  files: [slo.yaml]', '  prometheus_url: http://127.0.0.1:9090'), 'slo.yaml': openSlo.replace('service: api', 'service: web') }, /^slo\.yaml:6:3 spec\.service: unknown service 'web'/],
    ['a name used under slos:', { 'main.yaml': catalog + yaml('slos: [{ name: api-errors, service: api, objective: 0.9, sli: { events: {} } }]', 'openslo:', '  files: [slo.yaml]', '  prometheus_url: http://127.0.0.1:9090'), 'slo.yaml': openSlo }, /^slo\.yaml:4:3 metadata\.name: duplicate SLO name 'api-errors'/],
    ['no Prometheus URL', { 'main.yaml': catalog + yaml('openslo:', '  files: [slo.yaml]'), 'slo.yaml': openSlo }, /^slo\.yaml:10:\d+ spec\.indicator\.spec\.ratioMetric\.good\.metricSource: has no Prometheus URL/],
    ['broken YAML', { 'main.yaml': catalog + yaml('openslo:', '  files: [slo.yaml]'), 'slo.yaml': 'kind: [SLO\n' }, /^slo\.yaml:\d+:\d+: YAML syntax error/],
  ])('reports %s', async (_name, files, expected) => {
    const problems = await problemLines(files);
    expect(problems.some((line) => expected.test(line)), problems.join('\n')).toBe(true);
  });
});
