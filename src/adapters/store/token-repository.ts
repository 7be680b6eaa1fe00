/** API tokens: only the SHA-256 of a token is stored, looked up by hash on every request. */
import type { Selectable } from 'kysely';
import { ConflictError } from '../../core/errors.js';
import type { ApiTokensTable } from './database-schema.js';
import type { StoreExecutor } from './executor.js';
import { isUniqueViolation } from './sql-errors.js';
import type { ApiToken, TokenRepository } from './store.js';

function fromRow(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    name: row.name,
    role: row.role,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

async function conflictFor(executor: StoreExecutor, token: ApiToken): Promise<ConflictError> {
  const sameName = await executor.selectFrom('api_tokens').select('name').where('name', '=', token.name).executeTakeFirst();
  return sameName === undefined
    ? new ConflictError('another token has the same hash; generate a new token', [
        { field: 'tokenHash', message: 'already in use' },
      ])
    : new ConflictError(`token '${token.name}' already exists`, [{ field: 'name', message: 'already exists' }]);
}

export function createTokenRepository(executor: StoreExecutor): TokenRepository {
  return {
    async insert(token) {
      let inserted: boolean;
      try {
        // No conflict target: covers both the name key and the unique hash, and (unlike a
        // caught violation) leaves a surrounding PostgreSQL transaction usable.
        const result = await executor
          .insertInto('api_tokens')
          .values({
            name: token.name,
            role: token.role,
            token_hash: token.tokenHash,
            created_at: token.createdAt,
            last_used_at: token.lastUsedAt,
          })
          .onConflict((onConflict) => onConflict.doNothing())
          .executeTakeFirst();
        inserted = result.numInsertedOrUpdatedRows !== 0n;
      } catch (error) {
        // Backstop only; a PostgreSQL transaction is aborted by now, so no follow-up query.
        if (isUniqueViolation(error)) throw new ConflictError(`token '${token.name}' conflicts with an existing token`);
        throw error;
      }
      if (!inserted) throw await conflictFor(executor, token);
    },

    async findByHash(tokenHash) {
      const row = await executor
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async list() {
      const rows = await executor.selectFrom('api_tokens').selectAll().orderBy('name').execute();
      return rows.map(fromRow);
    },

    async revoke(name) {
      const result = await executor.deleteFrom('api_tokens').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async touch(name, at) {
      // A token revoked between authentication and this write simply has nothing to touch.
      await executor.updateTable('api_tokens').set({ last_used_at: at }).where('name', '=', name).execute();
    },
  };
}
