import { describe, expect, it } from 'vitest';
import { parseAlertmanagerYaml } from './alertmanager-yaml.js';
import { formatLabelSet, groupKey, groupLabelsFor, routeKey } from './group-key.js';
import { matchRoutes, type Route } from './route-tree.js';

function tree(yaml: string): Route {
  const parsed = parseAlertmanagerYaml(yaml);
  if (parsed.config === undefined) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.route;
}

const root = tree(`
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="db"', 'severity=~"critical|page"']
      receiver: db
      group_by: [service, alertname]
      routes:
        - matchers: [env="prod"]
          group_by: ['...']
    - matchers: [team="web"]
      receiver: web
receivers: [{ name: default }, { name: db }, { name: web }]
`);

describe('groupKey', () => {
  it.each([
    ['the root', { alertname: 'X' }, '{}:{alertname="X"}'],
    ['a child: matchers sorted by name', { alertname: 'X', team: 'db', severity: 'page', service: 'api' }, '{}/{severity=~"critical|page",team="db"}:{alertname="X", service="api"}'],
    ['a missing group label is left out', { alertname: 'X', team: 'db', severity: 'page' }, '{}/{severity=~"critical|page",team="db"}:{alertname="X"}'],
    ['`...` groups by every label', { b: '2', team: 'db', severity: 'page', env: 'prod' }, '{}/{severity=~"critical|page",team="db"}/{env="prod"}:{b="2", env="prod", severity="page", team="db"}'],
    ['a child inherits group_by', { alertname: 'Y', team: 'web', service: 'api' }, '{}/{team="web"}:{alertname="Y"}'],
  ])('%s', (_name, labels, expected) => {
    const [route] = matchRoutes(root, labels);
    if (route === undefined) throw new Error('no route');
    expect(groupKey(routeKey(root, route), groupLabelsFor(route, labels))).toBe(expected);
  });

  it('correlates alerts of one service raised by different rules into one group', () => {
    const a = { alertname: 'HighLatency', team: 'db', severity: 'page', service: 'orders' };
    const b = { alertname: 'HighLatency', team: 'db', severity: 'critical', service: 'orders', instance: 'x' };
    const [ra] = matchRoutes(root, a);
    const [rb] = matchRoutes(root, b);
    if (ra === undefined || rb === undefined) throw new Error('no route');
    expect(groupKey(routeKey(root, ra), groupLabelsFor(ra, a))).toBe(groupKey(routeKey(root, rb), groupLabelsFor(rb, b)));
  });

  it.each<[string, Record<string, string>, string[], Record<string, string>]>([
    ['correlate_by wins over group_by when the alert has its labels', { alertname: 'Y', team: 'web', service: 'api' }, ['service'], { service: 'api' }],
    ['without them group_by applies', { alertname: 'Y', team: 'web' }, ['service'], { alertname: 'Y' }],
    ['all correlate_by labels are needed', { alertname: 'Y', team: 'web', service: 'api' }, ['service', 'cluster'], { alertname: 'Y' }],
    ['`...` is left alone', { b: '2', team: 'db', severity: 'page', env: 'prod', service: 'api' }, ['service'], { b: '2', team: 'db', severity: 'page', env: 'prod', service: 'api' }],
  ])('%s', (_name, labels, correlateBy, expected) => {
    const [route] = matchRoutes(root, labels);
    if (route === undefined) throw new Error('no route');
    expect(groupLabelsFor(route, labels, correlateBy)).toEqual(expected);
  });

  it('quotes values as Go does and sorts names by bytes', () => {
    expect(formatLabelSet({ b: 'say "hi"\n', B: 'x', a: '' })).toBe('{B="x", a="", b="say \\"hi\\"\\n"}');
  });

  it('rejects a position outside the tree', () => {
    expect(() => routeKey(root, { position: [7] })).toThrow(RangeError);
  });
});
