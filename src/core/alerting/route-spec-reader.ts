/**
 * Reads one `route:` mapping (and its nested `routes`) into a `RouteSpec`, with Alertmanager's
 * checks and messages: matchers that parse, regexes RE2 accepts, valid label names in `match`,
 * `match_re` and `group_by`, `...` alone in `group_by`, no duplicate `group_by` labels,
 * Prometheus durations, `group_interval` and `repeat_interval` not zero.
 */
import { parseDurationMs } from '../duration.js';
import {
  checkKnownKeys,
  labelNamePattern,
  readBoolean,
  readList,
  readMapping,
  readString,
  readStringList,
  type PathSegment,
  type ProblemList,
} from './config-reader.js';
import { compileAnchoredRegex, createMatcher, type LabelMatcher } from './label-matcher.js';
import { isMatcherError, parseMatchers } from './matcher-parser.js';
import type { RouteSpec } from './route-tree.js';

const routeKeys = [
  'receiver', 'group_by', 'match', 'match_re', 'matchers', 'continue', 'routes',
  'group_wait', 'group_interval', 'repeat_interval', 'mute_time_intervals', 'active_time_intervals',
];

/** Every matcher of `match` (equality), `match_re` (regex) and `matchers` (parsed lists). */
function readRouteMatchers(route: Readonly<Record<string, unknown>>, path: PathSegment[], problems: ProblemList): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  matchers.push(...readLegacyMatchers(route.match, [...path, 'match'], problems, false));
  matchers.push(...readLegacyMatchers(route.match_re, [...path, 'match_re'], problems, true));
  matchers.push(...readMatcherLines(route.matchers, [...path, 'matchers'], problems));
  return matchers;
}

/**
 * `match` / `match_re` maps. A `match_re` regex is anchored once when the config is read and
 * again when the matcher is built, and Alertmanager prints the anchored form (`^(?:re)$`):
 * kept here, so `route show` prints what amtool prints.
 */
export function readLegacyMatchers(value: unknown, path: PathSegment[], problems: ProblemList, regex: boolean): LabelMatcher[] {
  const mapping = readMapping(value, path, problems);
  if (mapping === undefined) return [];
  const matchers: LabelMatcher[] = [];
  for (const [name, raw] of Object.entries(mapping)) {
    const at = [...path, name];
    if (!labelNamePattern.test(name)) {
      problems.add(at, `invalid label name ${JSON.stringify(name)}`);
      continue;
    }
    const text = readString(raw, at, problems);
    if (text === undefined) continue;
    try {
      if (!regex) matchers.push(createMatcher('=', name, text));
      else {
        compileAnchoredRegex(text);
        matchers.push(createMatcher('=~', name, `^(?:${text})$`));
      }
    } catch (error) {
      problems.add(at, (error as Error).message);
    }
  }
  return matchers;
}

/** `matchers:` / `source_matchers:` lists: each entry may hold several matchers. */
export function readMatcherLines(value: unknown, path: PathSegment[], problems: ProblemList): LabelMatcher[] {
  const lines = readStringList(value, path, problems) ?? [];
  const matchers: LabelMatcher[] = [];
  lines.forEach((line, index) => {
    try {
      matchers.push(...parseMatchers(line));
    } catch (error) {
      if (!isMatcherError(error)) throw error;
      problems.add([...path, index], error.message);
    }
  });
  return matchers;
}

function readGroupBy(value: unknown, path: PathSegment[], problems: ProblemList): Pick<RouteSpec, 'groupBy' | 'groupByAll'> {
  const names = readStringList(value, path, problems) ?? [];
  const labels: string[] = [];
  let all = false;
  names.forEach((name, index) => {
    if (name === '...') all = true;
    else if (!labelNamePattern.test(name)) problems.add([...path, index], `invalid label name ${JSON.stringify(name)} in group_by list`);
    else if (labels.includes(name)) problems.add([...path, index], `duplicated label ${JSON.stringify(name)} in group_by`);
    else labels.push(name);
  });
  if (all && labels.length > 0) problems.add(path, 'cannot have wildcard group_by (`...`) and other labels at the same time');
  return labels.length > 0 ? { groupBy: labels, groupByAll: all } : { groupByAll: all };
}

function readDuration(value: unknown, path: PathSegment[], problems: ProblemList, nonZero: boolean): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = readString(value, path, problems);
  if (text === undefined) return undefined;
  if (text === '') return problems.add(path, 'empty duration string');
  const ms = parseDurationMs(text);
  if (ms === undefined) return problems.add(path, `not a valid duration string: ${JSON.stringify(text)} (use Prometheus durations such as 30s, 5m, 4h)`);
  if (nonZero && ms === 0) return problems.add(path, `${String(path[path.length - 1])} cannot be zero`);
  return ms;
}

/** Reads a route and its children; problems are collected, a best-effort spec is always returned. */
export function readRouteSpec(value: unknown, path: PathSegment[], problems: ProblemList): RouteSpec {
  const route = readMapping(value, path, problems) ?? {};
  checkKnownKeys(route, routeKeys, path, problems);
  const spec: RouteSpec = {
    matchers: readRouteMatchers(route, path, problems),
    continue: readBoolean(route.continue, [...path, 'continue'], problems) ?? false,
    ...readGroupBy(route.group_by, [...path, 'group_by'], problems),
    muteTimeIntervals: readStringList(route.mute_time_intervals, [...path, 'mute_time_intervals'], problems) ?? [],
    activeTimeIntervals: readStringList(route.active_time_intervals, [...path, 'active_time_intervals'], problems) ?? [],
    routes: (readList(route.routes, [...path, 'routes'], problems) ?? []).map((child, index) => readRouteSpec(child, [...path, 'routes', index], problems)),
  };
  const receiver = route.receiver === undefined ? undefined : readString(route.receiver, [...path, 'receiver'], problems);
  if (receiver !== undefined && receiver !== '') spec.receiver = receiver;
  const groupWaitMs = readDuration(route.group_wait, [...path, 'group_wait'], problems, false);
  if (groupWaitMs !== undefined) spec.groupWaitMs = groupWaitMs;
  const groupIntervalMs = readDuration(route.group_interval, [...path, 'group_interval'], problems, true);
  if (groupIntervalMs !== undefined) spec.groupIntervalMs = groupIntervalMs;
  const repeatIntervalMs = readDuration(route.repeat_interval, [...path, 'repeat_interval'], problems, true);
  if (repeatIntervalMs !== undefined) spec.repeatIntervalMs = repeatIntervalMs;
  return spec;
}
