/**
 * The service catalog table. `service_tags` mirrors each service's tags and is rewritten in the
 * same transaction as the service row, so the tag filter never sees a half-written service.
 */
import type { Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Service, ServiceLinks } from '../../core/services/service.js';
import type { ServicesTable } from './database-schema.js';
import { atomically, checkLimit, type StoreExecutor } from './executor.js';
import { parseStringArray } from './json-text.js';
import { isUniqueViolation } from './sql-errors.js';
import type { ServiceListQuery, ServiceRepository } from './store.js';

function toRow(service: Service): ServicesTable {
  return {
    name: service.name,
    display_name: service.displayName,
    team: service.team,
    criticality: service.criticality,
    tags_json: JSON.stringify(service.tags),
    dependencies_json: JSON.stringify(service.dependencies),
    links_json: JSON.stringify(service.links),
    source: service.source,
    created_at: service.createdAt,
    updated_at: service.updatedAt,
  };
}

function fromRow(row: Selectable<ServicesTable>): Service {
  return {
    name: row.name,
    displayName: row.display_name,
    team: row.team,
    criticality: row.criticality,
    tags: parseStringArray(row.tags_json),
    dependencies: parseStringArray(row.dependencies_json),
    links: JSON.parse(row.links_json) as ServiceLinks,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function conflict(name: string): ConflictError {
  return new ConflictError(`service '${name}' already exists`, [{ field: 'name', message: 'already exists' }]);
}

async function writeTags(executor: StoreExecutor, service: Service): Promise<void> {
  // A repeated tag is legal in the user's list but must appear once in the index table.
  const tags = [...new Set(service.tags)];
  if (tags.length === 0) return;
  await executor
    .insertInto('service_tags')
    .values(tags.map((tag) => ({ service_name: service.name, tag })))
    .execute();
}

export function createServiceRepository(executor: StoreExecutor): ServiceRepository {
  return {
    async list(query: ServiceListQuery) {
      let select = executor.selectFrom('services').selectAll().orderBy('name').limit(checkLimit(query.limit));
      if (query.afterName !== undefined) select = select.where('name', '>', query.afterName);
      if (query.team !== undefined) select = select.where('team', '=', query.team);
      if (query.criticality !== undefined) select = select.where('criticality', '=', query.criticality);
      if (query.tag !== undefined) {
        const tagged = executor.selectFrom('service_tags').select('service_name').where('tag', '=', query.tag);
        select = select.where('name', 'in', tagged);
      }
      return (await select.execute()).map(fromRow);
    },

    async all() {
      const rows = await executor.selectFrom('services').selectAll().orderBy('name').execute();
      return rows.map(fromRow);
    },

    async dependencyGraph() {
      const rows = await executor.selectFrom('services').select(['name', 'dependencies_json']).orderBy('name').execute();
      return rows.map((row) => ({ name: row.name, dependencies: parseStringArray(row.dependencies_json) }));
    },

    async get(name) {
      const row = await executor.selectFrom('services').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(service) {
      try {
        await atomically(executor, async (writer) => {
          // ON CONFLICT DO NOTHING rather than catching the violation: in PostgreSQL a failed
          // statement aborts the surrounding transaction, and a caller that handles the
          // ConflictError (config reconcile) must be able to carry on in it.
          const result = await writer
            .insertInto('services')
            .values(toRow(service))
            .onConflict((onConflict) => onConflict.column('name').doNothing())
            .executeTakeFirst();
          if (result.numInsertedOrUpdatedRows === 0n) throw conflict(service.name);
          await writeTags(writer, service);
        });
      } catch (error) {
        // Backstop for a violation the ON CONFLICT clause does not cover.
        if (isUniqueViolation(error)) throw conflict(service.name);
        throw error;
      }
    },

    async update(service) {
      await atomically(executor, async (writer) => {
        const { name: _name, ...columns } = toRow(service);
        const result = await writer
          .updateTable('services')
          .set(columns)
          .where('name', '=', service.name)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new NotFoundError('service', service.name);
        await writer.deleteFrom('service_tags').where('service_name', '=', service.name).execute();
        await writeTags(writer, service);
      });
    },

    async delete(name) {
      // service_tags rows go with it through ON DELETE CASCADE.
      const result = await executor.deleteFrom('services').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async count() {
      const row = await executor
        .selectFrom('services')
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      // PostgreSQL's count(*) is int8, which node-postgres returns as a string.
      return Number(row.count);
    },
  };
}
