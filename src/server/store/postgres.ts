import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describePostgresError, StoreOpenError } from './database-url';
import { createKyselyStore } from './kysely-store';
import { migratePostgres } from './postgres-migrations';
import type { Db, DialectHooks, Database as Tables } from './schema';
import type { Store } from './store';

export interface PostgresStoreOptions {
  /** Connections this instance keeps at most (TLSGATE_DB_POOL); default 10. */
  poolSize?: number;
  /** Told which schema versions this open applied (none when another instance, or an earlier start, did). */
  onMigrated?: (applied: readonly number[]) => void;
  /** How long a connection attempt may take; default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Times (BIGINT) and counts (COUNT, SUM) come back as numbers, as they do from SQLite; pg's default is
 * strings, since an int8 may exceed 2^53, which ms timestamps and counts never do.
 */
const NUMBERS = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const getTypeParser: pg.CustomTypesConfig['getTypeParser'] = (oid, format) =>
  NUMBERS.has(oid) ? Number : (pg.types.getTypeParser(oid, format) as unknown);

/** A pool on the URL (sslmode and sslrootcert as libpq reads them), numbers read as numbers. */
export function createPostgresPool(url: string, options: PostgresStoreOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    // Keepalive probes on an idle connection after 30 s rather than the system's two hours, so one whose
    // peer vanished is found out and replaced.
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
    application_name: 'tlsgate',
    types: { getTypeParser },
  });
  // An idle connection the server dropped (a restart, a failover): the next query opens a new one, and a
  // query that fails in the meantime reports it. Without a listener this event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Kysely on a pool for the URL, the schema migrated; a StoreOpenError (one plain line) if that fails. */
export async function openPostgresDb(
  url: string,
  options: PostgresStoreOptions = {},
  setting = 'TLSGATE_DB',
): Promise<Db> {
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: createPostgresPool(url, options) }) });
  try {
    const applied = await migratePostgres(db);
    options.onMigrated?.(applied);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreOpenError(describePostgresError(error, url, setting));
  }
  return db;
}

/**
 * The store on PostgreSQL: connects, migrates under an advisory lock (so instances starting together
 * migrate once), and returns. Any failure (unreachable, authentication, TLS) is a StoreOpenError with one
 * plain line.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const db = await openPostgresDb(url, options);
  const hooks: DialectHooks = {
    dialect: 'postgres',
    async lockMessage(trx, messageId) {
      await trx.selectFrom('portal_messages').select('id').where('id', '=', messageId).forUpdate().execute();
    },
    afterClose: () => Promise.resolve(),
    // Kysely ends the pool: migrating used it.
    release: () => undefined,
  };
  return createKyselyStore(db, hooks);
}
