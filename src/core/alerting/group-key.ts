/**
 * Aggregation group identity as Alertmanager builds it (dispatch/route.go `Route.Key`,
 * dispatch.go `aggrGroup.GroupKey`): the route's key is the matchers of every route from the
 * root down to it, `{}/{team="db"}/{severity="critical"}`; the group key appends the group
 * labels, `{}/{team="db"}:{alertname="HighLatency", service="api"}`. Notification logs and
 * receivers (PagerDuty `dedup_key`, webhook `groupKey`) see the same string Alertmanager would
 * give, so a migrated setup keeps its keys.
 *
 * Correlation: alerts that share the values of the route's `group_by` labels land in one group.
 * With `group_by: [service]` every alert of a service raised within one group_wait is sent as
 * one notification, whatever rule raised it; that is how related alerts are correlated. The
 * optional `correlate_by` list (sre-monitor's, off by default) does the same across routes'
 * own group_by: an alert that has every `correlate_by` label is grouped by those labels alone,
 * so e.g. a latency alert and an error-rate alert of one service go out together even where the
 * route groups by alertname. Routes with `group_by: ['...']` are left alone.
 */
import { compareGoStrings, quoteGoString } from './go-quote.js';
import { formatMatchers, type LabelSet } from './label-matcher.js';
import type { Route } from './route-tree.js';

/** `{}/{team="db"}`: the matchers of each route on the path from `root` to `route`. */
export function routeKey(root: Route, route: Pick<Route, 'position'>): string {
  let node = root;
  let key = formatMatchers(root.matchers);
  for (const index of route.position) {
    const child = node.routes[index];
    if (child === undefined) throw new RangeError(`route position ${route.position.join('.')} is not in the tree`);
    node = child;
    key += `/${formatMatchers(node.matchers)}`;
  }
  return key;
}

/**
 * The labels an alert is grouped by on `route`: the `group_by` labels it has (a missing or
 * empty label is left out, as Alertmanager leaves it out), or all of its labels for `...`; or
 * the `correlateBy` labels when it has them all (see the file comment).
 */
export function groupLabelsFor(route: Pick<Route, 'groupBy' | 'groupByAll'>, labels: LabelSet, correlateBy: readonly string[] = []): LabelSet {
  const correlated = correlateBy.length > 0 && !route.groupByAll && correlateBy.every((name) => Object.hasOwn(labels, name) && labels[name] !== '');
  const names = correlated ? correlateBy : route.groupByAll ? Object.keys(labels) : route.groupBy;
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** Prometheus' `LabelSet.String()`: `{a="1", b="2"}`, names in byte order, values Go-quoted. */
export function formatLabelSet(labels: LabelSet): string {
  const names = Object.keys(labels).sort(compareGoStrings);
  return `{${names.map((name) => `${name}=${quoteGoString(labels[name] ?? '')}`).join(', ')}}`;
}

/** Alertmanager's group key: `routeKey:groupLabels`. */
export function groupKey(routeKeyText: string, groupLabels: LabelSet): string {
  return `${routeKeyText}:${formatLabelSet(groupLabels)}`;
}
