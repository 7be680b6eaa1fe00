/**
 * src/adapters/sources: where SLI events come from besides monitors. `prometheus`: the good and
 * total events of each step read with PromQL instant queries (`{{.window}}` = the step) from any
 * Prometheus-compatible HTTP API.
 */
export * from './prometheus-sli-source.js';
export { formatPrometheusDuration, hasWindowPlaceholder, renderWindowPlaceholder } from './promql-step-window.js';
