/**
 * Postmortem action items by id, listed in creation order with keyset pages.
 */
import type { Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { ActionItem } from '../../core/postmortems/action-item.js';
import type { ActionItemsTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';
import type { ActionItemRepository } from './postmortem-repositories.js';
import { isUniqueViolation } from './sql-errors.js';

function toRow(item: ActionItem) {
  return {
    id: item.id,
    incident_id: item.incidentId,
    title: item.title,
    owner: item.owner,
    due_at_ms: item.dueAtMs,
    priority: item.priority,
    status: item.status,
    created_at_ms: item.createdAtMs,
    updated_at_ms: item.updatedAtMs,
    completed_at_ms: item.completedAtMs,
    overdue_alerted_at_ms: item.overdueAlertedAtMs,
  };
}

const optionalMs = (value: number | string | null) => (value === null ? null : Number(value));

function fromRow(row: Selectable<ActionItemsTable>): ActionItem {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    owner: row.owner,
    // int8 arrives as a string from node-postgres.
    dueAtMs: Number(row.due_at_ms),
    priority: row.priority,
    status: row.status,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    completedAtMs: optionalMs(row.completed_at_ms),
    overdueAlertedAtMs: optionalMs(row.overdue_alerted_at_ms),
  };
}

export function createActionItemRepository(executor: StoreExecutor): ActionItemRepository {
  return {
    async get(id) {
      const row = await executor.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(item) {
      try {
        await executor.insertInto('action_items').values(toRow(item)).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`action item '${item.id}' already exists`);
        throw error;
      }
    },

    async update(item) {
      const { id, ...columns } = toRow(item);
      const result = await executor.updateTable('action_items').set(columns).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('action item', id);
    },

    async delete(id) {
      const result = await executor.deleteFrom('action_items').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async list(query) {
      let select = executor.selectFrom('action_items').selectAll().orderBy('created_at_ms').orderBy('id').limit(checkLimit(query.limit));
      if (query.incidentId !== undefined) select = select.where('incident_id', '=', query.incidentId);
      if (query.status !== undefined) {
        if (query.status.length === 0) return [];
        select = select.where('status', 'in', [...query.status]);
      }
      if (query.owner !== undefined) select = select.where('owner', '=', query.owner);
      if (query.dueBeforeMs !== undefined) select = select.where('due_at_ms', '<', query.dueBeforeMs);
      const after = query.after;
      if (after !== undefined) {
        select = select.where((eb) => eb.or([eb('created_at_ms', '>', after.createdAtMs), eb.and([eb('created_at_ms', '=', after.createdAtMs), eb('id', '>', after.id)])]));
      }
      return (await select.execute()).map(fromRow);
    },

    async overdueCandidates(nowMs) {
      const rows = await executor
        .selectFrom('action_items')
        .selectAll()
        .where((eb) => eb.or([eb.and([eb('status', 'in', ['open', 'in_progress']), eb('due_at_ms', '<', nowMs)]), eb('overdue_alerted_at_ms', 'is not', null)]))
        .orderBy('due_at_ms')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async setOverdueAlerted(id, atMs) {
      const result = await executor.updateTable('action_items').set({ overdue_alerted_at_ms: atMs }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
