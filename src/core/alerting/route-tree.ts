/**
 * The routing tree, built and matched as Alertmanager's dispatcher does (dispatch/route.go):
 * - a route that leaves `receiver`, `group_by`, `group_wait`, `group_interval` or
 *   `repeat_interval` unset inherits its parent's effective value; the root inherits the
 *   defaults (group_wait 30s, group_interval 5m, repeat_interval 4h, no grouping);
 * - `group_by: ['...']` groups by all labels; an empty `group_by` list counts as unset;
 * - `mute_time_intervals` and `active_time_intervals` are the route's own, never inherited;
 * - matching is depth-first in tree order: a route matches when all its matchers do; its
 *   matching children are collected, stopping after the first one without `continue`; a route
 *   is itself a result only when none of its children matched. Results keep tree order and are
 *   not de-duplicated.
 */
import { compareMatchers, matchersMatch, type LabelMatcher, type LabelSet } from './label-matcher.js';

/** A route as written in the config (after parsing), before inheritance. */
export interface RouteSpec {
  receiver?: string;
  /** `match`, `match_re` and `matchers` together, in any order (the tree sorts them). */
  matchers: LabelMatcher[];
  continue: boolean;
  /** Label names of `group_by`, without `...`; undefined when no label name was given. */
  groupBy?: string[];
  /** `group_by` held `...`. */
  groupByAll: boolean;
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteSpec[];
}

/** A node of the built tree: effective options after inheritance. */
export interface Route {
  receiver: string;
  /** Sorted as Alertmanager sorts them (name, value, type), so printing matches amtool. */
  matchers: readonly LabelMatcher[];
  continue: boolean;
  groupBy: readonly string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  routes: readonly Route[];
  /** Position in the tree: `[]` for the root, `[2, 0]` for the first child of the third child. */
  position: readonly number[];
}

/** Alertmanager's `DefaultRouteOpts`. */
export const defaultRouteOptions = {
  receiver: '',
  groupBy: [] as readonly string[],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
} as const;

type InheritedOptions = Pick<Route, 'receiver' | 'groupBy' | 'groupByAll' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs'>;

function inheritOptions(spec: RouteSpec, parent: InheritedOptions): InheritedOptions {
  const options: InheritedOptions = { ...parent };
  if (spec.receiver !== undefined && spec.receiver !== '') options.receiver = spec.receiver;
  if (spec.groupBy !== undefined) {
    options.groupBy = [...spec.groupBy];
    options.groupByAll = false;
  } else if (spec.groupByAll) {
    options.groupByAll = true;
  }
  if (spec.groupWaitMs !== undefined) options.groupWaitMs = spec.groupWaitMs;
  if (spec.groupIntervalMs !== undefined) options.groupIntervalMs = spec.groupIntervalMs;
  if (spec.repeatIntervalMs !== undefined) options.repeatIntervalMs = spec.repeatIntervalMs;
  return options;
}

function buildRoute(spec: RouteSpec, parent: InheritedOptions, position: number[]): Route {
  const options = inheritOptions(spec, parent);
  return {
    ...options,
    matchers: [...spec.matchers].sort(compareMatchers),
    continue: spec.continue,
    muteTimeIntervals: [...spec.muteTimeIntervals],
    activeTimeIntervals: [...spec.activeTimeIntervals],
    routes: spec.routes.map((child, index) => buildRoute(child, options, [...position, index])),
    position,
  };
}

/** The effective tree for a root route spec (validated: the root has a receiver and no matchers). */
export function buildRouteTree(root: RouteSpec): Route {
  return buildRoute(root, defaultRouteOptions, []);
}

/** The routes an alert with `labels` is dispatched to, in tree order (see the file comment). */
export function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchersMatch(route.matchers, labels)) return [];
  const matched: Route[] = [];
  for (const child of route.routes) {
    const found = matchRoutes(child, labels);
    matched.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return matched.length > 0 ? matched : [route];
}

/** The receiver names of `matchRoutes`, as `amtool config routes test` lists them. */
export function matchReceivers(route: Route, labels: LabelSet): string[] {
  return matchRoutes(route, labels).map((matched) => matched.receiver);
}
