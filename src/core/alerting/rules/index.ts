/**
 * src/core/alerting/rules: sre-monitor's own alerting rules with Prometheus semantics, pure (the
 * evaluation time is an argument). One concept per file:
 * - rule-document.ts: the TypeBox schema of a rule as written (`alerting.rules[]`)
 * - rule-spec.ts: document -> AlertRuleSpec (ms, parsed expression), problems naming the field
 * - rule-expression.ts: samples -> the series that are active (threshold, PromQL, absence)
 * - alerting-rule.ts: per-series state inactive/pending/firing/resolved, `for`,
 *   `keep_firing_for`, resolved retention, what to send with Prometheus' resend semantics
 * - template.ts, go-format.ts: the Go-template subset of labels and annotations, Go's number printing
 * - rule-fixture.ts: the `load` / `eval at` text format rule tests are written in
 */
export * from './rule-document.js';
export * from './rule-spec.js';
export * from './rule-expression.js';
export * from './alerting-rule.js';
export * from './template.js';
export * from './go-format.js';
