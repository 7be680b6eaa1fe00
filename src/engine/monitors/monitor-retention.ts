/**
 * How long monitor data is kept: raw results after `resultsMs`, 1-minute roll-ups after
 * `minuteRollupsMs`, 1-hour roll-ups after `hourRollupsMs` (monitoring.retention in config).
 */
import type { Store } from '../../adapters/store/store.js';
import type { RetentionTask } from '../retention-job.js';

export interface RetentionSettings {
  resultsMs: number;
  minuteRollupsMs: number;
  hourRollupsMs: number;
}

export function monitorRetentionTasks(store: Store, settings: RetentionSettings): RetentionTask[] {
  return [
    { name: 'monitor_results', deleteBatch: (nowMs, limit) => store.monitorResults.deleteOlderThan(nowMs - settings.resultsMs, limit) },
    { name: 'monitor_rollups_1m', deleteBatch: (nowMs, limit) => store.monitorRollups.deleteOlderThan('1m', nowMs - settings.minuteRollupsMs, limit) },
    { name: 'monitor_rollups_1h', deleteBatch: (nowMs, limit) => store.monitorRollups.deleteOlderThan('1h', nowMs - settings.hourRollupsMs, limit) },
  ];
}
