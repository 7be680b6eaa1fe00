/**
 * Silences by id. Matchers are stored as `{ type, name, value }` JSON and compiled again when
 * read (a compiled RE2 regex is not data); a stored regex was valid when written, so compiling
 * it again cannot fail unless the row was edited by hand.
 */
import type { Insertable, Selectable } from 'kysely';
import { createMatcher, type LabelMatcher, type MatchType } from '../../core/alerting/label-matcher.js';
import type { Silence } from '../../core/alerting/silence.js';
import type { SilenceRepository } from './alerting-repositories.js';
import type { SilencesTable } from './database-schema.js';
import { checkLimit, type StoreExecutor } from './executor.js';

interface StoredMatcher {
  type: MatchType;
  name: string;
  value: string;
}

function toRow(silence: Silence): Insertable<SilencesTable> {
  const matchers: StoredMatcher[] = silence.matchers.map(({ type, name, value }) => ({ type, name, value }));
  return {
    id: silence.id,
    matchers_json: JSON.stringify(matchers),
    starts_at_ms: silence.startsAtMs,
    ends_at_ms: silence.endsAtMs,
    created_by: silence.createdBy,
    comment: silence.comment,
    updated_at_ms: silence.updatedAtMs,
  };
}

function fromRow(row: Selectable<SilencesTable>): Silence {
  const matchers: LabelMatcher[] = (JSON.parse(row.matchers_json) as StoredMatcher[]).map((matcher) =>
    createMatcher(matcher.type, matcher.name, matcher.value),
  );
  return {
    id: row.id,
    matchers,
    // int8 arrives as a string from node-postgres.
    startsAtMs: Number(row.starts_at_ms),
    endsAtMs: Number(row.ends_at_ms),
    createdBy: row.created_by,
    comment: row.comment,
    updatedAtMs: Number(row.updated_at_ms),
  };
}

export function createSilenceRepository(executor: StoreExecutor): SilenceRepository {
  return {
    async upsert(silence) {
      const { id: _id, ...columns } = toRow(silence);
      await executor
        .insertInto('silences')
        .values(toRow(silence))
        .onConflict((onConflict) => onConflict.column('id').doUpdateSet(columns))
        .execute();
    },

    async get(id) {
      const row = await executor.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    async all() {
      const rows = await executor.selectFrom('silences').selectAll().orderBy('starts_at_ms').orderBy('id').execute();
      return rows.map(fromRow);
    },

    async deleteExpiredBefore(beforeMs, limit) {
      if (checkLimit(limit) === 0) return 0;
      const oldest = executor
        .selectFrom('silences')
        .select('id')
        .where('ends_at_ms', '<', beforeMs)
        .orderBy('ends_at_ms')
        .orderBy('id')
        .limit(limit);
      const result = await executor.deleteFrom('silences').where('id', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
