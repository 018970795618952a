import { sql } from 'kysely';
import { createSchemaSql, createTablesSql, versionsToApply } from './ddl';
import type { Db } from './schema';

/**
 * The PostgreSQL schema's history: the same tables and columns as SQLite's (ddl.ts), and the versions a
 * database has applied as rows of tlsgate_schema. A new database is created with the whole schema at the
 * latest version; one from an earlier TLS Gate takes the steps after its version. UPGRADES[n - 2] brings a
 * database from version n - 1 to n. A new step is appended, never edited.
 */
const UPGRADES: readonly string[] = [
  // 2 (SQLite's 9): warned and blocked counts per domain (connector proposals); forced-TLS health and the
  // alert outbox.
  createTablesSql(
    ['activity_domain_decisions', 'forced_tls_health', 'forced_tls_health_samples', 'alert_outbox'],
    'postgres',
    { ifNotExists: true },
  ),
];

export const POSTGRES_SCHEMA_VERSION = UPGRADES.length + 1;

/** The advisory lock every instance takes to migrate ("tlsg" in ASCII): one migrates, the others wait. */
export const MIGRATION_LOCK = 0x746c7367;

/**
 * Brings the database up to POSTGRES_SCHEMA_VERSION in one transaction under the migration lock, so any
 * number of instances starting at once on an empty database migrate it exactly once; the versions this
 * call applied (none when another instance got there first).
 */
export async function migratePostgres(db: Db): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS tlsgate_schema (
      version    INTEGER PRIMARY KEY,
      applied_at BIGINT NOT NULL
    )`.execute(trx);
    const row = await sql<{
      current: number | null;
    }>`SELECT MAX(version) AS current FROM tlsgate_schema`.execute(trx);
    const current = row.rows[0]?.current ?? 0;
    const applied = versionsToApply(current, POSTGRES_SCHEMA_VERSION);
    if (current === 0) await sql.raw(createSchemaSql('postgres')).execute(trx);
    for (const version of applied) {
      if (current > 0) await sql.raw(UPGRADES[version - 2] ?? '').execute(trx);
      await sql`INSERT INTO tlsgate_schema (version, applied_at) VALUES (${version}, ${Date.now()})`.execute(
        trx,
      );
    }
    return applied;
  });
}
