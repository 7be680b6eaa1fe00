/** The append-only audit log: who changed what, with the object's state before and after. */
import type { Selectable } from 'kysely';
import type { AuditLogTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import { fromJsonText, toJsonText } from './json-text.js';
import type { AuditEntry, AuditListQuery, AuditRepository } from './store.js';

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    // int8 arrives as a string from node-postgres; ids stay far below 2^53.
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    before: fromJsonText(row.before_json),
    after: fromJsonText(row.after_json),
    requestId: row.request_id,
  };
}

export function createAuditRepository(executor: StoreExecutor): AuditRepository {
  return {
    async append(entry) {
      await executor
        .insertInto('audit_log')
        .values({
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          object_type: entry.objectType,
          object_id: entry.objectId,
          before_json: toJsonText(entry.before),
          after_json: toJsonText(entry.after),
          request_id: entry.requestId,
        })
        .execute();
    },

    async list(query: AuditListQuery) {
      let select = executor.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(checkLimit(query.limit));
      if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
      if (query.action !== undefined) select = select.where('action', '=', query.action);
      if (query.objectType !== undefined) select = select.where('object_type', '=', query.objectType);
      if (query.objectId !== undefined) select = select.where('object_id', '=', query.objectId);
      if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
      return (await select.execute()).map(fromRow);
    },
  };
}
