import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { createKyselyStore } from './kysely-store';
import type { Database as Tables, DialectHooks } from './schema';
import { migrateSqlite } from './sqlite-migrations';
import type { Store } from './store';

export { SCHEMA_VERSION } from './sqlite-migrations';

/** Statements kept prepared: Kysely writes the same SQL for a query each time, so preparing once is enough. */
const STATEMENT_CACHE = 200;

/** better-sqlite3 as Kysely's SQLite database, with its prepared statements reused. */
function cachingDatabase(db: Database.Database): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => {
      db.close();
    },
    prepare(sql) {
      let statement = prepared.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        if (prepared.size >= STATEMENT_CACHE) prepared.clear();
        prepared.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Opens the raw SQLite file as the store keeps it: WAL, foreign keys, deleted rows overwritten. */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten, not just unlinked: a closed portal message's wrapped key must not linger.
  db.pragma('secure_delete = ON');
  return db;
}

export interface SqliteStoreOptions {
  /** Told which schema versions this open applied (none when the file was up to date). */
  onMigrated?: (applied: readonly number[]) => void;
}

/** The store on a SQLite file (or ':memory:'), migrated to the current schema before it returns. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const file = openSqliteFile(path);
  try {
    const applied = migrateSqlite(file);
    options.onMigrated?.(applied);
  } catch (error) {
    file.close();
    throw error;
  }
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingDatabase(file) }) });
  const hooks: DialectHooks = {
    dialect: 'sqlite',
    lockMessage: () => Promise.resolve(),
    afterClose: async () => {
      // secure_delete zeroes the freed pages; truncating the WAL drops its older copies of them too. Through
      // Kysely, so that it waits for any transaction in progress on the one connection.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    },
    release: () => {
      if (file.open) file.close();
    },
  };
  return createKyselyStore(db, hooks);
}
