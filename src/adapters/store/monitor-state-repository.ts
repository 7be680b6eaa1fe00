/**
 * What the scheduler keeps per monitor across restarts (status damping, breaker, last result),
 * written as one chunked multi-row upsert per flush rather than a statement per monitor.
 */
import type { Selectable } from 'kysely';
import type { CircuitBreakerState } from '../../core/monitors/circuit-breaker.js';
import type { MonitorRuntimeState } from '../../core/monitors/monitor.js';
import type { MonitorStatusState } from '../../core/monitors/monitor-status.js';
import { lastPerKey, writeInChunks } from './batched-writes.js';
import type { MonitorStatesTable } from './database-schema.js';
import type { StoreExecutor } from './executor.js';
import type { MonitorStateRepository } from './store.js';

const parametersPerRow = 5;

function toRow(state: MonitorRuntimeState) {
  return {
    monitor: state.monitor,
    status_json: JSON.stringify(state.status),
    breaker_json: state.breaker === null ? null : JSON.stringify(state.breaker),
    last_result_at_ms: state.lastResultAtMs,
    last_heartbeat_at_ms: state.lastHeartbeatAtMs,
  };
}

function fromRow(row: Selectable<MonitorStatesTable>): MonitorRuntimeState {
  return {
    monitor: row.monitor,
    status: JSON.parse(row.status_json) as MonitorStatusState,
    breaker: row.breaker_json === null ? null : (JSON.parse(row.breaker_json) as CircuitBreakerState),
    // int8 arrives as a string from node-postgres.
    lastResultAtMs: row.last_result_at_ms === null ? null : Number(row.last_result_at_ms),
    lastHeartbeatAtMs: row.last_heartbeat_at_ms === null ? null : Number(row.last_heartbeat_at_ms),
  };
}

export function createMonitorStateRepository(executor: StoreExecutor): MonitorStateRepository {
  return {
    async upsert(states) {
      const rows = lastPerKey(states, (state) => state.monitor).map(toRow);
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunk) => {
        await writer
          .insertInto('monitor_states')
          .values(chunk)
          .onConflict((onConflict) =>
            onConflict.column('monitor').doUpdateSet((eb) => ({
              status_json: eb.ref('excluded.status_json'),
              breaker_json: eb.ref('excluded.breaker_json'),
              last_result_at_ms: eb.ref('excluded.last_result_at_ms'),
              last_heartbeat_at_ms: eb.ref('excluded.last_heartbeat_at_ms'),
            })),
          )
          .execute();
      });
    },

    async all() {
      const rows = await executor.selectFrom('monitor_states').selectAll().orderBy('monitor').execute();
      return rows.map(fromRow);
    },
  };
}
