import { describe, expect, it } from 'vitest';
import { parseAlertmanagerYaml } from './alertmanager-yaml.js';
import { matchReceivers, matchRoutes, type Route } from './route-tree.js';

function tree(routeYaml: string): Route {
  const receivers = ['default', 'a', 'b', 'c', 'd', 'e'].map((name) => `  - name: ${name}`).join('\n');
  const parsed = parseAlertmanagerYaml(`route:\n${routeYaml}\nreceivers:\n${receivers}\n`);
  if (parsed.config === undefined) throw new Error(parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
  return parsed.config.route;
}

const nested = tree(`
  receiver: default
  routes:
    - matchers: [team="db"]
      receiver: a
      continue: true
      routes:
        - matchers: [severity="critical"]
          receiver: b
        - matchers: [severity=~"critical|warning"]
          receiver: c
    - matchers: ['team=~"db|web"']
      receiver: d
      routes:
        - matchers: [env="prod"]
    - matchers: [team="db"]
      receiver: a
`);

describe('matchRoutes', () => {
  it.each([
    ['nothing matches: the root', {}, ['default']],
    ['a leaf without continue stops its siblings', { team: 'db', severity: 'critical' }, ['b', 'd']],
    ['a parent is used only when no child matched', { team: 'db' }, ['a', 'd']],
    ['continue goes on to later siblings', { team: 'db', severity: 'warning' }, ['c', 'd']],
    ['a child without receiver inherits its parent', { team: 'web', env: 'prod' }, ['d']],
    ['an empty value is the same as a missing label', { team: 'web', env: '' }, ['d']],
  ])('%s', (_name, labels, receivers) => {
    expect(matchReceivers(nested, labels)).toEqual(receivers);
  });

  it('does not de-duplicate receivers that several routes reach', () => {
    const twice = tree(`
  receiver: default
  routes:
    - { matchers: [x=~".*"], receiver: a, continue: true }
    - { matchers: [x=""], receiver: a }
`);
    expect(matchReceivers(twice, {})).toEqual(['a', 'a']);
  });

  it('returns the route objects in tree order, with their positions', () => {
    expect(matchRoutes(nested, { team: 'db', severity: 'warning' }).map((route) => route.position)).toEqual([[0, 1], [1]]);
  });
});

describe('inheritance', () => {
  const options = tree(`
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: [a="1"]
      group_by: ['...']
      repeat_interval: 1h
      mute_time_intervals: [nights]
      routes:
        - matchers: [b="1"]
          group_by: []
          active_time_intervals: [days]
        - matchers: [b="2"]
          group_by: [cluster, service]
          group_interval: 1m
time_intervals:
  - name: nights
  - name: days
`);
  const [child] = options.routes;
  const [inheritsAll, regroups] = child?.routes ?? [];

  it('gives the root Alertmanager\'s defaults where unset', () => {
    expect(options).toMatchObject({ receiver: 'default', groupBy: ['alertname'], groupByAll: false, groupWaitMs: 10_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
  });

  it('passes unset options down, ... groups by all labels, an empty group_by is unset', () => {
    expect(child).toMatchObject({ receiver: 'default', groupByAll: true, groupWaitMs: 10_000, repeatIntervalMs: 3_600_000 });
    expect(inheritsAll).toMatchObject({ groupByAll: true, repeatIntervalMs: 3_600_000 });
    expect(regroups).toMatchObject({ groupBy: ['cluster', 'service'], groupByAll: false, groupIntervalMs: 60_000, repeatIntervalMs: 3_600_000 });
  });

  it('never inherits mute or active time intervals', () => {
    expect(child?.muteTimeIntervals).toEqual(['nights']);
    expect(inheritsAll?.muteTimeIntervals).toEqual([]);
    expect(inheritsAll?.activeTimeIntervals).toEqual(['days']);
    expect(regroups?.activeTimeIntervals).toEqual([]);
  });
});
