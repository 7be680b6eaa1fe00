/**
 * What the SLO engine keeps per SLO across restarts (alert state), written as one chunked
 * multi-row upsert per flush rather than a statement per SLO.
 */
import { lastPerKey, writeInChunks } from './batched-writes.js';
import type { StoreExecutor } from './executor.js';
import type { SloStateRepository } from './store.js';

const parametersPerRow = 2;

export function createSloStateRepository(executor: StoreExecutor): SloStateRepository {
  return {
    async upsert(states) {
      const rows = lastPerKey(states, (state) => state.slo).map((state) => ({
        slo: state.slo,
        state_json: JSON.stringify(state.state),
      }));
      await writeInChunks(executor, rows, parametersPerRow, async (writer, chunk) => {
        await writer
          .insertInto('slo_states')
          .values(chunk)
          .onConflict((onConflict) => onConflict.column('slo').doUpdateSet((eb) => ({ state_json: eb.ref('excluded.state_json') })))
          .execute();
      });
    },

    async all() {
      const rows = await executor.selectFrom('slo_states').selectAll().orderBy('slo').execute();
      return rows.map((row) => ({ slo: row.slo, state: JSON.parse(row.state_json) as Record<string, unknown> }));
    },
  };
}
