/**
 * Postmortems by incident id. The version check of `replaceIfVersion` sits in the UPDATE's
 * WHERE clause, so two editors racing on the same version cannot both win, on either dialect.
 */
import type { Selectable } from 'kysely';
import { ConflictError } from '../../core/errors.js';
import type { Postmortem } from '../../core/postmortems/postmortem.js';
import type { PostmortemsTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import type { PostmortemRepository } from './postmortem-repositories.js';
import { isUniqueViolation } from './sql-errors.js';

function toRow(postmortem: Postmortem) {
  return {
    incident_id: postmortem.incidentId,
    markdown: postmortem.markdown,
    status: postmortem.status,
    author: postmortem.author,
    created_at_ms: postmortem.createdAtMs,
    updated_at_ms: postmortem.updatedAtMs,
    version: postmortem.version,
  };
}

function fromRow(row: Selectable<PostmortemsTable>): Postmortem {
  return {
    incidentId: row.incident_id,
    markdown: row.markdown,
    status: row.status,
    author: row.author,
    // int8 arrives as a string from node-postgres.
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    version: Number(row.version),
  };
}

export function createPostmortemRepository(executor: StoreExecutor): PostmortemRepository {
  return {
    async get(incidentId) {
      const row = await executor.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(postmortem) {
      try {
        await executor.insertInto('postmortems').values(toRow(postmortem)).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`incident '${postmortem.incidentId}' already has a postmortem`);
        throw error;
      }
    },

    async replaceIfVersion(postmortem, expectedVersion) {
      const { incident_id: incidentId, ...columns } = toRow(postmortem);
      const result = await executor
        .updateTable('postmortems')
        .set(columns)
        .where('incident_id', '=', incidentId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async list(query) {
      let select = executor.selectFrom('postmortems').selectAll().orderBy('incident_id').limit(checkLimit(query.limit));
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      if (query.afterIncidentId !== undefined) select = select.where('incident_id', '>', query.afterIncidentId);
      return (await select.execute()).map(fromRow);
    },
  };
}
