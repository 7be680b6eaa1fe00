/**
 * An Alertmanager configuration (`route`, `receivers`, `inhibit_rules`, `time_intervals`,
 * `mute_time_intervals`, `templates`, `global`) read from its plain value (parsed YAML or JSON)
 * with Alertmanager's own checks, every problem reported with the path of its field. Receivers'
 * integration configs (`webhook_configs`, `slack_configs`, ...) are kept as given: the notifiers
 * validate them. `global` and `templates` are kept as given too.
 */
import {
  checkKnownKeys,
  isMapping,
  labelNamePattern,
  ProblemList,
  readList,
  readMapping,
  readString,
  readStringList,
  type ConfigPathProblem,
  type Mapping,
  type PathSegment,
} from './config-reader.js';
import type { LabelMatcher } from './label-matcher.js';
import { buildRouteTree, type Route, type RouteSpec } from './route-tree.js';
import { readLegacyMatchers, readMatcherLines, readRouteSpec } from './route-spec-reader.js';
import { readTimeInterval, type NamedTimeInterval } from './time-interval.js';

/**
 * Integration lists a receiver may have: Alertmanager's (0.25 and later versions) plus
 * sre-monitor's own `sms_configs` (a Twilio-style provider webhook).
 */
export const receiverIntegrationKeys = [
  'discord_configs', 'email_configs', 'incidentio_configs', 'jira_configs', 'mattermost_configs', 'msteams_configs',
  'msteamsv2_configs', 'opsgenie_configs', 'pagerduty_configs', 'pushover_configs', 'rocketchat_configs', 'slack_configs',
  'sms_configs', 'sns_configs', 'telegram_configs', 'victorops_configs', 'webex_configs', 'webhook_configs', 'wechat_configs',
] as const;

export interface Receiver {
  name: string;
  /** Integration lists by key (`webhook_configs` -> its entries), kept as written. */
  integrations: Record<string, Mapping[]>;
}

export interface InhibitRule {
  sourceMatchers: LabelMatcher[];
  targetMatchers: LabelMatcher[];
  /** Labels that must have equal values in source and target. */
  equal: string[];
}

export interface AlertmanagerConfig {
  global: Mapping;
  /** The effective routing tree (inheritance applied). */
  route: Route;
  /** The root route as written. */
  routeSpec: RouteSpec;
  receivers: Receiver[];
  inhibitRules: InhibitRule[];
  /** `time_intervals` and the older `mute_time_intervals`, one namespace. */
  timeIntervals: NamedTimeInterval[];
  templates: string[];
}

export interface AlertmanagerConfigResult {
  /** Present only when there are no problems. */
  config?: AlertmanagerConfig;
  problems: ConfigPathProblem[];
}

const topLevelKeys = ['global', 'route', 'receivers', 'inhibit_rules', 'templates', 'time_intervals', 'mute_time_intervals'];

function readReceivers(value: unknown, path: PathSegment[], problems: ProblemList): Receiver[] {
  const receivers: Receiver[] = [];
  (readList(value, path, problems) ?? []).forEach((item, index) => {
    const at = [...path, index];
    const mapping = readMapping(item, at, problems) ?? {};
    checkKnownKeys(mapping, ['name', ...receiverIntegrationKeys], at, problems);
    const name = readString(mapping.name, [...at, 'name'], problems);
    if (name === '') problems.add(at, 'missing name in receiver');
    else if (name !== undefined && receivers.some((receiver) => receiver.name === name)) {
      problems.add([...at, 'name'], `notification config name ${JSON.stringify(name)} is not unique`);
    }
    const integrations: Record<string, Mapping[]> = {};
    for (const key of receiverIntegrationKeys) {
      const entries = readList(mapping[key], [...at, key], problems);
      if (entries === undefined) continue;
      integrations[key] = entries.filter((entry, entryIndex): entry is Mapping => {
        if (isMapping(entry)) return true;
        problems.add([...at, key, entryIndex], `must be a mapping (the ${key.replace(/_configs$/, '')} settings)`);
        return false;
      });
    }
    if (name !== undefined && name !== '') receivers.push({ name, integrations });
  });
  return receivers;
}

function readInhibitRules(value: unknown, path: PathSegment[], problems: ProblemList): InhibitRule[] {
  return (readList(value, path, problems) ?? []).map((item, index) => {
    const at = [...path, index];
    const rule = readMapping(item, at, problems) ?? {};
    const sides = ['source', 'target'] as const;
    checkKnownKeys(rule, [...sides.flatMap((side) => [`${side}_match`, `${side}_match_re`, `${side}_matchers`]), 'equal'], at, problems);
    const [sourceMatchers, targetMatchers] = sides.map((side) => [
      ...readLegacyMatchers(rule[`${side}_match`], [...at, `${side}_match`], problems, false),
      ...readLegacyMatchers(rule[`${side}_match_re`], [...at, `${side}_match_re`], problems, true),
      ...readMatcherLines(rule[`${side}_matchers`], [...at, `${side}_matchers`], problems),
    ]);
    const equal = readStringList(rule.equal, [...at, 'equal'], problems) ?? [];
    equal.forEach((label, labelIndex) => {
      if (!labelNamePattern.test(label)) problems.add([...at, 'equal', labelIndex], `${JSON.stringify(label)} is not a valid label name`);
    });
    return { sourceMatchers: sourceMatchers ?? [], targetMatchers: targetMatchers ?? [], equal };
  });
}

function readTimeIntervals(config: Mapping, path: PathSegment[], problems: ProblemList): NamedTimeInterval[] {
  const named: NamedTimeInterval[] = [];
  for (const key of ['mute_time_intervals', 'time_intervals'] as const) {
    (readList(config[key], [...path, key], problems) ?? []).forEach((item, index) => {
      const at = [...path, key, index];
      const entry = readMapping(item, at, problems) ?? {};
      checkKnownKeys(entry, ['name', 'time_intervals'], at, problems);
      const name = readString(entry.name, [...at, 'name'], problems);
      const intervals = (readList(entry.time_intervals, [...at, 'time_intervals'], problems) ?? []).map((interval, intervalIndex) =>
        readTimeInterval(interval, [...at, 'time_intervals', intervalIndex], problems),
      );
      if (name === '') problems.add(at, 'missing name in time interval');
      else if (name !== undefined && named.some((other) => other.name === name)) problems.add([...at, 'name'], `time interval ${JSON.stringify(name)} is not unique`);
      else if (name !== undefined) named.push({ name, intervals });
    });
  }
  return named;
}

function checkRoot(root: RouteSpec, path: PathSegment[], problems: ProblemList): void {
  if (root.receiver === undefined) problems.add(path, 'root route must specify a default receiver');
  if (root.matchers.length > 0) problems.add(path, 'root route must not have any matchers');
  if (root.continue) problems.add([...path, 'continue'], 'cannot have continue in root route');
  if (root.muteTimeIntervals.length > 0) problems.add([...path, 'mute_time_intervals'], 'root route must not have any mute time intervals');
  if (root.activeTimeIntervals.length > 0) problems.add([...path, 'active_time_intervals'], 'root route must not have any active time intervals');
}

/** Every receiver and time interval a route names must exist. */
function checkReferences(spec: RouteSpec, path: PathSegment[], names: { receivers: Set<string>; timeIntervals: Set<string> }, problems: ProblemList): void {
  if (spec.receiver !== undefined && !names.receivers.has(spec.receiver)) {
    problems.add([...path, 'receiver'], `undefined receiver ${JSON.stringify(spec.receiver)} used in route`);
  }
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
    const list = key === 'mute_time_intervals' ? spec.muteTimeIntervals : spec.activeTimeIntervals;
    list.forEach((name, index) => {
      if (!names.timeIntervals.has(name)) problems.add([...path, key, index], `undefined time interval ${JSON.stringify(name)} used in route`);
    });
  }
  spec.routes.forEach((child, index) => checkReferences(child, [...path, 'routes', index], names, problems));
}

/**
 * Reads an Alertmanager configuration from its plain value. `path` prefixes every problem's
 * path (e.g. `['alerting']` when the config is embedded in sre-monitor's own file).
 */
export function readAlertmanagerConfig(value: unknown, path: PathSegment[] = []): AlertmanagerConfigResult {
  const problems = new ProblemList();
  if (value === null || value === undefined) {
    problems.add(path, 'no route provided in config');
    return { problems: problems.problems };
  }
  const config = readMapping(value, path, problems);
  if (config === undefined) return { problems: problems.problems };
  checkKnownKeys(config, topLevelKeys, path, problems);
  const global = readMapping(config.global, [...path, 'global'], problems) ?? {};
  const templates = readStringList(config.templates, [...path, 'templates'], problems) ?? [];
  const receivers = readReceivers(config.receivers, [...path, 'receivers'], problems);
  const timeIntervals = readTimeIntervals(config, path, problems);
  const inhibitRules = readInhibitRules(config.inhibit_rules, [...path, 'inhibit_rules'], problems);
  if (config.route === undefined || config.route === null) {
    problems.add(path, 'no routes provided (the config needs a `route` with a default receiver)');
    return { problems: problems.problems };
  }
  const routeSpec = readRouteSpec(config.route, [...path, 'route'], problems);
  checkRoot(routeSpec, [...path, 'route'], problems);
  const names = { receivers: new Set(receivers.map((receiver) => receiver.name)), timeIntervals: new Set(timeIntervals.map((named) => named.name)) };
  checkReferences(routeSpec, [...path, 'route'], names, problems);
  if (problems.problems.length > 0) return { problems: problems.problems };
  return { config: { global, route: buildRouteTree(routeSpec), routeSpec, receivers, inhibitRules, timeIntervals, templates }, problems: [] };
}
