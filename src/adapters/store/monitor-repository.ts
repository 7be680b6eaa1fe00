/**
 * The monitors table. As with services, `monitor_tags` mirrors each monitor's tags in the same
 * transaction as the monitor row. Deleting a monitor also deletes its state, results and
 * roll-ups, which have no foreign key (see migrations/0002-monitors.ts).
 */
import type { Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Monitor, MonitorSpec } from '../../core/monitors/monitor.js';
import type { MonitorsTable } from './database-schema.js';
import { atomically, checkLimit, type StoreExecutor } from './executor.js';
import { parseStringArray } from './json-text.js';
import { isUniqueViolation } from './sql-errors.js';
import type { MonitorListQuery, MonitorRepository } from './store.js';

/** The spec fields kept together in `spec_json`: everything no query filters or orders on. */
type StoredSpec = Omit<MonitorSpec, 'name' | 'service' | 'kind' | 'description' | 'tags'>;

function toRow(monitor: Monitor): MonitorsTable {
  // The rest spread (not a list of picked fields) keeps a spec field added later from being
  // silently dropped on the way to the database.
  const { name, service, kind, description, tags, source, paused, createdAt, updatedAt, ...spec } = monitor;
  const storedSpec: StoredSpec = spec;
  return {
    name,
    service,
    kind,
    description,
    tags_json: JSON.stringify(tags),
    spec_json: JSON.stringify(storedSpec),
    source,
    paused: paused ? 1 : 0,
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

function fromRow(row: Selectable<MonitorsTable>): Monitor {
  const spec = JSON.parse(row.spec_json) as StoredSpec;
  return {
    name: row.name,
    service: row.service,
    kind: row.kind,
    description: row.description,
    tags: parseStringArray(row.tags_json),
    ...spec,
    source: row.source,
    paused: row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function conflict(name: string): ConflictError {
  return new ConflictError(`monitor '${name}' already exists`, [{ field: 'name', message: 'already exists' }]);
}

async function writeTags(executor: StoreExecutor, monitor: Monitor): Promise<void> {
  // A repeated tag is legal in the user's list but must appear once in the index table.
  const tags = [...new Set(monitor.tags)];
  if (tags.length === 0) return;
  await executor
    .insertInto('monitor_tags')
    .values(tags.map((tag) => ({ monitor_name: monitor.name, tag })))
    .execute();
}

export function createMonitorRepository(executor: StoreExecutor): MonitorRepository {
  return {
    async list(query: MonitorListQuery) {
      let select = executor.selectFrom('monitors').selectAll().orderBy('name').limit(checkLimit(query.limit));
      if (query.afterName !== undefined) select = select.where('name', '>', query.afterName);
      if (query.service !== undefined) select = select.where('service', '=', query.service);
      if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
      if (query.tag !== undefined) {
        const tagged = executor.selectFrom('monitor_tags').select('monitor_name').where('tag', '=', query.tag);
        select = select.where('name', 'in', tagged);
      }
      return (await select.execute()).map(fromRow);
    },

    async all() {
      const rows = await executor.selectFrom('monitors').selectAll().orderBy('name').execute();
      return rows.map(fromRow);
    },

    async get(name) {
      const row = await executor.selectFrom('monitors').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(monitor) {
      try {
        await atomically(executor, async (writer) => {
          // ON CONFLICT DO NOTHING keeps a surrounding PostgreSQL transaction usable after a
          // conflict the caller handles (see service-repository.ts).
          const result = await writer
            .insertInto('monitors')
            .values(toRow(monitor))
            .onConflict((onConflict) => onConflict.column('name').doNothing())
            .executeTakeFirst();
          if (result.numInsertedOrUpdatedRows === 0n) throw conflict(monitor.name);
          await writeTags(writer, monitor);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(monitor.name);
        throw error;
      }
    },

    async update(monitor) {
      await atomically(executor, async (writer) => {
        const { name: _name, ...columns } = toRow(monitor);
        const result = await writer
          .updateTable('monitors')
          .set(columns)
          .where('name', '=', monitor.name)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new NotFoundError('monitor', monitor.name);
        await writer.deleteFrom('monitor_tags').where('monitor_name', '=', monitor.name).execute();
        await writeTags(writer, monitor);
      });
    },

    delete(name) {
      return atomically(executor, async (writer) => {
        // Rows left by a result batch that raced an earlier delete go too, so a new monitor
        // reusing the name never inherits them.
        await writer.deleteFrom('monitor_results').where('monitor', '=', name).execute();
        await writer.deleteFrom('monitor_rollups').where('monitor', '=', name).execute();
        await writer.deleteFrom('monitor_states').where('monitor', '=', name).execute();
        // monitor_tags rows go with the monitor through ON DELETE CASCADE.
        const result = await writer.deleteFrom('monitors').where('name', '=', name).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async setPaused(name, paused, updatedAt) {
      const result = await executor
        .updateTable('monitors')
        .set({ paused: paused ? 1 : 0, updated_at: updatedAt })
        .where('name', '=', name)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async countByService(service) {
      const row = await executor
        .selectFrom('monitors')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('service', '=', service)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async count() {
      const row = await executor
        .selectFrom('monitors')
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      // PostgreSQL's count(*) is int8, which node-postgres returns as a string.
      return Number(row.count);
    },
  };
}
