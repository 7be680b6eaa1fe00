/**
 * src/core/oncall: people, teams and layered on-call schedules, pure (no I/O, no clock; instants
 * are ms passed in; luxon only for IANA zone offsets).
 * - oncall-model.ts: the model (people, teams, schedules, layers, restrictions, overrides)
 * - local-time.ts: local wall time -> instants, with the DST rule (a skipped time happens at the
 *   jump, a repeated one the first time round)
 * - zone-offsets.ts: UTC offsets per zone-year, read from Intl once (asking per instant is slow)
 * - layer-shifts.ts: one layer's rotation shifts and restriction windows
 * - schedule-timeline.ts: layers stacked plus overrides: `whoIsOnCall`, `rotationShifts`
 */
export * from './oncall-model.js';
export * from './local-time.js';
export * from './layer-shifts.js';
export * from './schedule-timeline.js';
