import { describe, expect, it } from 'vitest';
import { readAlertmanagerConfig } from './alertmanager-config.js';
import { parseAlertmanagerYaml } from './alertmanager-yaml.js';
import { formatMatchers } from './label-matcher.js';
import { matchReceivers } from './route-tree.js';

const receivers = 'receivers:\n  - name: default\n  - name: pager\n';

function problemsOf(yaml: string): string[] {
  return parseAlertmanagerYaml(yaml).problems.map((problem) => `${problem.line}:${problem.column} ${problem.path}: ${problem.message}`);
}

describe('parseAlertmanagerYaml', () => {
  it('reads a complete config', () => {
    const parsed = parseAlertmanagerYaml(`
global: { resolve_timeout: 5m }
templates: ['/etc/alertmanager/*.tmpl']
route:
  receiver: default
  routes:
    - matchers: ['severity="critical", team=~"db|web"']
      receiver: pager
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_match: { severity: warning }
    equal: [alertname, cluster]
receivers:
  - name: default
    webhook_configs: [{ url: 'http://127.0.0.1:9000/hook' }]
  - name: pager
time_intervals:
  - name: weekends
    time_intervals: [{ weekdays: ['monday:friday'] }]
`);
    expect(parsed.problems).toEqual([]);
    const config = parsed.config!;
    expect(matchReceivers(config.route, { severity: 'critical', team: 'db' })).toEqual(['pager']);
    expect(config.receivers[0]).toEqual({ name: 'default', integrations: { webhook_configs: [{ url: 'http://127.0.0.1:9000/hook' }] } });
    expect(formatMatchers(config.inhibitRules[0]!.sourceMatchers)).toBe('{severity="critical"}');
    expect(formatMatchers(config.inhibitRules[0]!.targetMatchers)).toBe('{severity="warning"}');
    expect(config.inhibitRules[0]!.equal).toEqual(['alertname', 'cluster']);
    expect(config.timeIntervals.map((named) => named.name)).toEqual(['weekends']);
    expect(config.global).toEqual({ resolve_timeout: '5m' });
    expect(config.templates).toEqual(['/etc/alertmanager/*.tmpl']);
  });

  it('reads scalars as Alertmanager\'s YAML 1.1 decoder does', () => {
    const parsed = parseAlertmanagerYaml(`
route:
  receiver: default
  routes:
    - { match: { code: 010, ratio: 1.0, ok: yes, empty: ~ }, receiver: pager, continue: yes }
    - { receiver: default }
${receivers}`);
    expect(parsed.problems).toEqual([]);
    const route = parsed.config!.route.routes[0]!;
    expect(formatMatchers(route.matchers)).toBe('{code="010",empty="",ok="yes",ratio="1.0"}');
    expect(route.continue).toBe(true);
  });

  it('supports anchors, aliases and << merge keys', () => {
    const parsed = parseAlertmanagerYaml(`
route:
  receiver: default
  routes:
    - &paging { group_wait: 1m, receiver: pager }
    - { <<: *paging, matchers: [a="1"] }
${receivers}`);
    expect(parsed.problems).toEqual([]);
    const routes = parsed.config!.route.routes;
    expect(routes.map((route) => [route.receiver, route.groupWaitMs, formatMatchers(route.matchers)])).toEqual([
      ['pager', 60_000, '{}'],
      ['pager', 60_000, '{a="1"}'],
    ]);
  });

  it.each([
    ['an undefined receiver', `route:\n  receiver: default\n  routes:\n    - receiver: nope\n${receivers}`, ['4:7 route.routes[0].receiver: undefined receiver "nope" used in route']],
    [
      'a bad matcher, naming the entry',
      `route:\n  receiver: default\n  routes:\n    - { receiver: pager }\n    - { receiver: pager }\n    - matchers: [a=1, 'b="x']\n${receivers}`,
      ['6:23 route.routes[2].matchers[1]: matcher value contains unescaped double quote: "x'],
    ],
    ['a bad regex', `route:\n  receiver: default\n  routes:\n    - match_re: { a: '(' }\n${receivers}`, ['4:19 route.routes[0].match_re.a: error parsing regexp: missing closing ): `^(?:()$`']],
    ['a bad label name', `route:\n  receiver: default\n  routes:\n    - match: { a-b: x }\n${receivers}`, ['4:16 route.routes[0].match.a-b: invalid label name "a-b"']],
    ['no receiver on the root', `route:\n  group_wait: 1s\n${receivers}`, ['1:1 route: root route must specify a default receiver']],
    ['matchers on the root', `route:\n  receiver: default\n  matchers: [a=1]\n${receivers}`, ['1:1 route: root route must not have any matchers']],
    ['continue on the root', `route:\n  receiver: default\n  continue: true\n${receivers}`, ['3:3 route.continue: cannot have continue in root route']],
    ['an unknown field', `route:\n  receiver: default\n  mathcers: [a=1]\n${receivers}`, [expect.stringContaining('3:3 route.mathcers: unknown field')]],
    ['a zero group_interval', `route:\n  receiver: default\n  group_interval: 0s\n${receivers}`, ['3:3 route.group_interval: group_interval cannot be zero']],
    ['a bad duration', `route:\n  receiver: default\n  group_wait: 5 m\n${receivers}`, [expect.stringContaining('3:3 route.group_wait: not a valid duration string: "5 m"')]],
    ['... with other labels', `route:\n  receiver: default\n  group_by: ['...', a]\n${receivers}`, [expect.stringContaining('3:3 route.group_by: cannot have wildcard group_by')]],
    ['a duplicate group_by label', `route:\n  receiver: default\n  group_by: [a, a]\n${receivers}`, ['3:17 route.group_by[1]: duplicated label "a" in group_by']],
    ['an undefined time interval', `route:\n  receiver: default\n  routes:\n    - mute_time_intervals: [nights]\n${receivers}`, ['4:29 route.routes[0].mute_time_intervals[0]: undefined time interval "nights" used in route']],
    ['a duplicate receiver', 'route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n', ['5:5 receivers[1].name: notification config name "a" is not unique']],
    ['a receiver without name', 'route:\n  receiver: a\nreceivers:\n  - name: a\n  - webhook_configs: []\n', ['5:5 receivers[1]: missing name in receiver']],
    ['an unknown integration', 'route:\n  receiver: a\nreceivers:\n  - name: a\n    fax_configs: []\n', [expect.stringContaining('5:5 receivers[0].fax_configs: unknown field')]],
    ['a bad equal label', `route:\n  receiver: default\ninhibit_rules:\n  - equal: [a-b]\n${receivers}`, ['4:13 inhibit_rules[0].equal[0]: "a-b" is not a valid label name']],
    ['no route', receivers, ['1:1 : no routes provided (the config needs a `route` with a default receiver)']],
    ['an empty file', '', ['1:1 : no route provided in config']],
    ['a duplicate key', 'route:\n  receiver: a\n  receiver: b\n', ['3:3 : Map keys must be unique']],
    ['a route that contains itself', `route: &root\n  receiver: default\n  routes: [*root]\n${receivers}`, ['3:12 route.routes[0]: alias *root refers to a node that contains it (a loop)']],
  ])('rejects %s', (_name, yaml, expected) => {
    expect(problemsOf(yaml)).toEqual(expected);
  });

  it('reports every problem, not just the first', () => {
    expect(problemsOf(`route:\n  receiver: nope\n  routes:\n    - matchers: ['a="']\n    - receiver: gone\n${receivers}`)).toHaveLength(3);
  });
});

describe('readAlertmanagerConfig', () => {
  it('reads a plain value (JSON or an embedded section) and prefixes paths', () => {
    const result = readAlertmanagerConfig({ route: { receiver: 'x', routes: [{ matchers: ['a=1'], receiver: 'y' }] }, receivers: [{ name: 'x' }] }, ['alerting']);
    expect(result.problems).toEqual([{ path: ['alerting', 'route', 'routes', 0, 'receiver'], message: 'undefined receiver "y" used in route' }]);
  });
});
