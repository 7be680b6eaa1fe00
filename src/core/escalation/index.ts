/**
 * src/core/escalation: escalation policies, pure (no I/O, no clock; times are ms passed in).
 * One mechanism for alert groups and incidents:
 * - escalation-policy.ts: the model (levels with `afterMs` and targets, repeat), fire-time math,
 *   severity -> policy lookup with P1/critical aliases
 * - escalation-document.ts: the written form (TypeBox) under `escalation_policies:` and
 *   `severity_policies:`, conversion and field-naming checks (unknown targets, duplicates)
 * - escalation-state.ts: one running escalation and its steps: start, due, advance (with
 *   catch-up after a restart), acknowledge, resolve
 * The engine side (timers, persistence, notifying) is src/engine/escalation/escalation-runner.ts.
 */
export * from './escalation-policy.js';
export * from './escalation-document.js';
export * from './escalation-state.js';
