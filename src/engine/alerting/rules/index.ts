/**
 * src/engine/alerting/rules: running sre-monitor's alerting rules against the clock.
 * - rule-evaluator.ts: groups by interval, aligned to the epoch; health; reload keeps state
 * - rule-sample-source.ts: the RuleSampleSource interface (one method) and RuleSourceError
 * - metric-sample-source.ts: threshold/absence rules over monitor and SLO readings
 * - promql-sample-source.ts: PromQL rules against any Prometheus HTTP API
 * - readings.ts: adapters from the monitors and SLO features to those readings
 * - firing-alert-keeper.ts: keeps transition-driven alerts (SLO, monitor bridges) alive
 */
export * from './rule-evaluator.js';
export * from './rule-sample-source.js';
export * from './metric-sample-source.js';
export * from './promql-sample-source.js';
export * from './readings.js';
export * from './firing-alert-keeper.js';
export * from './prometheus-rules-format.js';
