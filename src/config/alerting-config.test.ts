import { describe, expect, it } from 'vitest';
import { matchReceivers } from '../core/alerting/index.js';
import { useTempTrees } from '../../test/support/temp-tree.js';
import { ConfigError, formatConfigProblem } from './config-problem.js';
import { loadConfig } from './load-config.js';

const writeTree = useTempTrees('sre-alerting-config-');
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

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

const inlineRouting = yaml(
  'alerting:',
  '  external_url: https://sre.example.com/',
  '  route:',
  '    receiver: team-default',
  '    group_by: [alertname, service]',
  '    routes:',
  '      - matchers: [severity="P1"]',
  '        receiver: pager',
  '  receivers:',
  '    - name: team-default',
  '    - name: pager',
  '  throttle:',
  '    receivers:',
  '      pager: { per_receiver: { max_per_hour: 5, cooldown: 1h } }',
  '  rules:',
  '    - alert: SlowChecks',
  '      expr: { metric: monitor_latency_ms, op: ">", threshold: 500 }',
  '      for: 5m',
  '  escalation_policies:',
  '    - name: critical',
  '      levels: [{ notify: [team-default] }, { after: 15m, notify: [pager] }]',
  '  severity_policies: { P1: critical }',
);

describe('the alerting: section', () => {
  it('routes everything to receiver default when no routing is given', async () => {
    const loaded = await load({ 'main.yaml': '' });
    const { alerting } = loaded.runtime;
    expect(alerting.alertmanager.receivers.map((r) => r.name)).toEqual(['default']);
    expect(matchReceivers(alerting.alertmanager.route, { alertname: 'X' })).toEqual(['default']);
    expect(alerting.externalUrl).toBe('http://127.0.0.1:8080');
    expect(alerting.resolveTimeoutMs).toBe(300_000);
    expect(alerting.dedupWindowMs).toBe(300_000);
    expect(alerting.notifications.maxAgeMs).toBe(86_400_000);
  });

  it('reads inline Alertmanager routing and sre-monitor settings', async () => {
    const loaded = await load({ 'main.yaml': inlineRouting });
    const { alerting } = loaded.runtime;
    expect(alerting.externalUrl).toBe('https://sre.example.com');
    expect(matchReceivers(alerting.alertmanager.route, { severity: 'P1' })).toEqual(['pager']);
    expect(matchReceivers(alerting.alertmanager.route, { severity: 'P3' })).toEqual(['team-default']);
    expect(alerting.throttle.receivers).toEqual({ pager: { perReceiver: { maxPerHour: 5, cooldownMs: 3_600_000 }, perRule: undefined } });
    expect(alerting.rules.map((rule) => [rule.name, rule.forMs])).toEqual([['SlowChecks', 300_000]]);
    expect(alerting.escalation.policies.map((policy) => [policy.name, policy.levels.map((level) => level.afterMs)])).toEqual([['critical', [0, 900_000]]]);
    expect(alerting.escalation.severityPolicies).toEqual({ P1: 'critical' });
  });

  it('reads a separate alertmanager.yml relative to the config file', async () => {
    const loaded = await load({
      'main.yaml': yaml('alerting:', '  alertmanager_config_file: am/alertmanager.yml'),
      'am/alertmanager.yml': yaml('route:', '  receiver: ops', 'receivers:', '  - name: ops'),
    });
    expect(loaded.runtime.alerting.alertmanager.route.receiver).toBe('ops');
    expect(loaded.files.some((file) => file.endsWith('am/alertmanager.yml'))).toBe(true);
  });

  it.each([
    [
      'an undefined receiver, at its line',
      yaml('alerting:', '  route:', '    receiver: nobody', '  receivers:', '    - name: ops'),
      ['main.yaml:3:5 alerting.route.receiver: undefined receiver "nobody" used in route'],
    ],
    [
      'an invalid matcher in a route',
      yaml('alerting:', '  route:', '    receiver: ops', '    routes:', '      - matchers: ["severity=~(P1"]', '  receivers:', '    - name: ops'),
      [expect.stringMatching(/^main\.yaml:5:\d+ alerting\.route\.routes\[0\]\.matchers\[0\]: /)],
    ],
    [
      'unknown receivers in a throttle, the fallback and an escalation policy',
      yaml(
        'alerting:',
        '  throttle:',
        '    receivers: { pagr: { per_rule: { max_per_hour: 3 } } }',
        '  notifications:',
        '    fallback_receiver: nope',
        '  escalation_policies:',
        '    - name: p1',
        '      levels: [{ notify: [pager] }]',
      ),
      [
        expect.stringMatching(/^main\.yaml:3:18 alerting\.throttle\.receivers\.pagr: no receiver named "pagr"/),
        expect.stringMatching(/^main\.yaml:5:5 alerting\.notifications\.fallback_receiver: no receiver named "nope"/),
        expect.stringMatching(/^main\.yaml:8:\d+ alerting\.escalation_policies\[0\]\.levels\[0\]\.notify\[0\]: .*pager/),
      ],
    ],
    [
      'a rule with a bad expression',
      yaml('alerting:', '  rules:', '    - alert: Broken', '      expr: { metric: slo_burn_rate, op: ">", threshold: 1, window: 7m }'),
      [expect.stringMatching(/^main\.yaml:4:\d+ alerting\.rules\[0\]\.expr\.window: /)],
    ],
    [
      'routing both inline and in a file',
      yaml('alerting:', '  alertmanager_config_file: am.yml', '  route: { receiver: x }'),
      ['main.yaml:3:3 alerting.route: cannot be written here when alerting.alertmanager_config_file names a file; put it in that file'],
    ],
    [
      'a missing alertmanager file',
      yaml('alerting:', '  alertmanager_config_file: missing.yml'),
      [expect.stringMatching(/^main\.yaml:2:3 alerting\.alertmanager_config_file: cannot read missing\.yml/)],
    ],
  ])('reports %s', async (_name, main, expected) => {
    expect(await problemLines({ 'main.yaml': main })).toEqual(expected);
  });

  it('places problems of a separate alertmanager.yml in that file', async () => {
    const lines = await problemLines({
      'main.yaml': yaml('alerting:', '  alertmanager_config_file: am.yml'),
      'am.yml': yaml('route:', '  receiver: ops', '  group_wait: soon', 'receivers:', '  - name: ops'),
    });
    expect(lines).toEqual([expect.stringMatching(/^am\.yml:3:\d+ route\.group_wait: /)]);
  });
});
