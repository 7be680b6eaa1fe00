/**
 * src/core/slo: the SLO domain, pure (no I/O, no wall clock; times are ms since the epoch and
 * passed in). The pieces, one per file:
 * - objective.ts: `0.999` / `99.9` / `"99.9%"` -> ratio; budget b = 1 - objective as PromQL has it
 * - slo-window.ts: rolling (1h..90d) and calendar (month/week in a time zone) windows
 * - sli-count-buffer.ts: (good, total) per minute and per hour, O(1) window sums, late data
 * - timeslice-counts.ts, slo-counts.ts: per-SLO counts in budgeting units (events or slices)
 * - slo-checkpoint-codec.ts: a ring snapshot as compact bytes (restart checkpoints)
 * - burn-rate.ts, burn-rate-alerting.ts, slo-alert-state.ts: burn rates, multi-window alert
 *   tables (SRE workbook defaults) and the firing/resolved state machine
 * - error-budget.ts, budget-policy.ts: budget total/consumed/remaining/exhaustion; level; policy
 * - evaluate-slo.ts: `evaluateSlo`, the one entry point the server and `slo replay` share
 * - slo.ts, slo-document.ts, slo-spec.ts, openslo.ts, good-event-rule.ts: the model, its
 *   written form (TypeBox), OpenSLO v1 documents, and the events SLI's good_when rule
 */
export * from './objective.js';
export * from './slo-window.js';
export * from './sli-count-buffer.js';
export * from './timeslice-counts.js';
export * from './slo-counts.js';
export * from './slo-checkpoint-codec.js';
export * from './burn-rate.js';
export * from './burn-rate-alerting.js';
export * from './slo-alert-state.js';
export * from './error-budget.js';
export * from './budget-policy.js';
export * from './evaluate-slo.js';
export * from './slo.js';
export * from './slo-document.js';
export * from './slo-spec.js';
export * from './openslo.js';
export * from './good-event-rule.js';
