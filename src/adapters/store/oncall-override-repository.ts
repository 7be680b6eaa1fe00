/** On-call overrides created through the API, by schedule (src/engine/oncall/oncall-overrides.ts). */
import type { StoreExecutor } from './executor.js';
import type { OncallOverrideRepository } from './store.js';

export function createOncallOverrideRepository(executor: StoreExecutor): OncallOverrideRepository {
  return {
    async insert(override) {
      await executor
        .insertInto('oncall_overrides')
        .values({
          id: override.id,
          schedule: override.schedule,
          person: override.person,
          start_ms: override.startMs,
          end_ms: override.endMs,
          created_by: override.createdBy,
          created_at_ms: override.createdAtMs,
        })
        .execute();
    },

    async all() {
      const rows = await executor.selectFrom('oncall_overrides').selectAll().orderBy('schedule').orderBy('start_ms').orderBy('id').execute();
      return rows.map((row) => ({
        id: row.id,
        schedule: row.schedule,
        person: row.person,
        startMs: Number(row.start_ms),
        endMs: Number(row.end_ms),
        createdBy: row.created_by,
        createdAtMs: Number(row.created_at_ms),
      }));
    },

    async delete(id) {
      const result = await executor.deleteFrom('oncall_overrides').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
