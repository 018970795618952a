import { isPostgresUrl, StoreOpenError } from './database-url';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './store';

export { describeDatabase, isPostgresUrl, StoreOpenError } from './database-url';

export interface OpenStoreOptions {
  /** PostgreSQL: connections this instance keeps at most (TLSGATE_DB_POOL); default 10. */
  poolSize?: number;
  /** Told which schema versions this open applied: none when the database was up to date. */
  onMigrated?: (applied: readonly number[]) => void;
}

/**
 * The store TLSGATE_DB names (config.db): PostgreSQL for a postgres:// or postgresql:// URL, else the SQLite
 * file at that path (or ':memory:'). Migrated to the current schema before it resolves. Throws
 * StoreOpenError, whose message is one line fit for the console, when the database cannot be used.
 */
export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(db)) return openPostgresStore(db, options);
  try {
    return openSqliteStore(db, options.onMigrated ? { onMigrated: options.onMigrated } : {});
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new StoreOpenError(`TLSGATE_DB: cannot use the SQLite database ${db}: ${reason}`);
  }
}
