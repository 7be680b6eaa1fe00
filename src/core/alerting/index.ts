/**
 * src/core/alerting: alert routing compatible with Alertmanager, pure (no I/O, no clock; times
 * are passed in). An `alertmanager.yml` routes here exactly as Alertmanager routes it. One
 * concept per file:
 * - label-matcher.ts: `=`, `!=`, `=~`, `!~` on label sets; RE2 regexes (re2js), fully anchored
 * - matcher-parser.ts: Alertmanager's matcher syntax (`a=1, b=~"x"`, `{...}`, quoting, escapes)
 * - go-quote.ts: Go's `%q` and string order, so matchers print and sort as amtool's do
 * - route-tree.ts: the routing tree with inheritance, and `matchRoutes` (depth-first, `continue`)
 * - route-spec-reader.ts, alertmanager-config.ts: reading and validating a config's value
 * - time-interval.ts: `time_intervals` / `mute_time_intervals`, parsing and containment
 * - alertmanager-yaml.ts: YAML text -> config, read as Alertmanager's YAML 1.1 decoder reads it
 * - config-reader.ts: typed reads of plain values that collect problems with their paths
 * - alert.ts, alert-input.ts: alerts, their fingerprint and merge; checking what senders post
 * - group-key.ts, aggregation-group.ts: aggregation group identity and flush timing
 * - inhibition.ts, dedup-decision.ts, throttle.ts: what mutes or holds back a notification, with reasons
 * - notification.ts, notification-builder.ts, stable-hash.ts: what notifiers get, with idempotency keys
 * - silence.ts: silences and whether one mutes an alert
 */
export * from './label-matcher.js';
export * from './matcher-parser.js';
export * from './go-quote.js';
export * from './route-tree.js';
export * from './route-spec-reader.js';
export * from './alertmanager-config.js';
export * from './time-interval.js';
export * from './alertmanager-yaml.js';
export * from './config-reader.js';
export * from './alert.js';
export * from './alert-input.js';
export * from './alert-persistence.js';
export * from './group-key.js';
export * from './aggregation-group.js';
export * from './inhibition.js';
export * from './dedup-decision.js';
export * from './throttle.js';
export * from './notification.js';
export * from './notification-builder.js';
export * from './stable-hash.js';
export * from './silence.js';
