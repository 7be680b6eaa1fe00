/**
 * Runbook runs by id. The run is JSON text (the engine's plain data: plan snapshot and step
 * states); incident, status and times are copied into columns for the queries.
 */
import type { Insertable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { RunbookRun } from '../../core/runbooks/runbook-run.js';
import type { RunbookRunsTable } from './database-schema.js';
import type { StoreExecutor } from './executor.js';
import type { RunbookRunRepository } from './store.js';

function toRow(run: RunbookRun): Insertable<RunbookRunsTable> {
  return {
    id: run.id,
    incident_id: run.incidentId,
    runbook: run.runbook,
    status: run.status,
    run_json: JSON.stringify(run),
    started_at_ms: run.startedAtMs,
    updated_at_ms: run.updatedAtMs,
    finished_at_ms: run.finishedAtMs,
  };
}

function fromRow(row: { run_json: string }): RunbookRun {
  return JSON.parse(row.run_json) as RunbookRun;
}

export function createRunbookRunRepository(executor: StoreExecutor): RunbookRunRepository {
  return {
    async insert(run) {
      await executor.insertInto('runbook_runs').values(toRow(run)).execute();
    },

    async update(run) {
      const { id, ...rest } = toRow(run);
      const result = await executor.updateTable('runbook_runs').set(rest).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('runbook run', run.id);
    },

    async get(id) {
      const row = await executor.selectFrom('runbook_runs').select('run_json').where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async listByIncident(incidentId) {
      const rows = await executor.selectFrom('runbook_runs').select('run_json').where('incident_id', '=', incidentId).orderBy('started_at_ms').orderBy('id').execute();
      return rows.map(fromRow);
    },

    async listUnfinished() {
      const rows = await executor.selectFrom('runbook_runs').select('run_json').where('finished_at_ms', 'is', null).orderBy('started_at_ms').orderBy('id').execute();
      return rows.map(fromRow);
    },
  };
}
