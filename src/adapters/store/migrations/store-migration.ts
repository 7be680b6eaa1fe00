/**
 * A numbered schema change. Unlike Kysely's own `Migration`, `up` is told which dialect it runs
 * on, because a few column definitions (autoincrement ids, collations) cannot be spelled the
 * same way in SQLite and PostgreSQL; everything else goes through the dialect-neutral schema
 * builder.
 */
import type { Kysely } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface StoreMigration {
  up(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void>;
  down(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void>;
}
