/**
 * The slos table. The document is kept as written, JSON text, so the store needs no knowledge of
 * the SLO model. Deleting an SLO also deletes its counts, state and history, which have no
 * foreign key (see migrations/0003-slos.ts).
 */
import type { Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { SlosTable } from './database-schema.js';
import { atomically, checkLimit, type StoreExecutor } from './executor.js';
import { isUniqueViolation } from './sql-errors.js';
import type { SloListQuery, SloRepository, StoredSlo } from './store.js';

function toRow(slo: StoredSlo): SlosTable {
  return {
    name: slo.name,
    service: slo.service,
    document_json: JSON.stringify(slo.document),
    source: slo.source,
    created_at: slo.createdAt,
    updated_at: slo.updatedAt,
  };
}

function fromRow(row: Selectable<SlosTable>): StoredSlo {
  return {
    name: row.name,
    service: row.service,
    document: JSON.parse(row.document_json) as Record<string, unknown>,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function conflict(name: string): ConflictError {
  return new ConflictError(`SLO '${name}' already exists`, [{ field: 'name', message: 'already exists' }]);
}

export function createSloRepository(executor: StoreExecutor): SloRepository {
  return {
    async list(query: SloListQuery) {
      let select = executor.selectFrom('slos').selectAll().orderBy('name').limit(checkLimit(query.limit));
      if (query.afterName !== undefined) select = select.where('name', '>', query.afterName);
      if (query.service !== undefined) select = select.where('service', '=', query.service);
      return (await select.execute()).map(fromRow);
    },

    async all() {
      const rows = await executor.selectFrom('slos').selectAll().orderBy('name').execute();
      return rows.map(fromRow);
    },

    async get(name) {
      const row = await executor.selectFrom('slos').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async insert(slo) {
      try {
        // ON CONFLICT DO NOTHING keeps a surrounding PostgreSQL transaction usable after a
        // conflict the caller handles (see service-repository.ts).
        const result = await executor
          .insertInto('slos')
          .values(toRow(slo))
          .onConflict((onConflict) => onConflict.column('name').doNothing())
          .executeTakeFirst();
        if (result.numInsertedOrUpdatedRows === 0n) throw conflict(slo.name);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(slo.name);
        throw error;
      }
    },

    async update(slo) {
      const { name: _name, ...columns } = toRow(slo);
      const result = await executor.updateTable('slos').set(columns).where('name', '=', slo.name).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError('SLO', slo.name);
    },

    delete(name) {
      return atomically(executor, async (writer) => {
        // Rows left by an ingest batch that raced an earlier delete go too, so a new SLO reusing
        // the name never inherits them.
        await writer.deleteFrom('slo_counts_1m').where('slo', '=', name).execute();
        await writer.deleteFrom('slo_counts_1h').where('slo', '=', name).execute();
        await writer.deleteFrom('slo_states').where('slo', '=', name).execute();
        await writer.deleteFrom('slo_history').where('slo', '=', name).execute();
        await writer.deleteFrom('slo_checkpoints').where('slo', '=', name).execute();
        const result = await writer.deleteFrom('slos').where('name', '=', name).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async countByService(service) {
      const row = await executor
        .selectFrom('slos')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('service', '=', service)
        .executeTakeFirstOrThrow();
      // PostgreSQL's count(*) is int8, which node-postgres returns as a string.
      return Number(row.count);
    },
  };
}
