import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { describePostgresError, StoreOpenError } from './database-url';
import { openPostgresDb } from './postgres';
import { TABLES, type Tx } from './schema';
import { openSqliteFile } from './sqlite';
import { migrateSqlite } from './sqlite-migrations';

/**
 * `tlsgate migrate-store`: copies every row of a SQLite store into an empty PostgreSQL store, in one
 * transaction, table by table. Rows are copied as they are (portal contents stay sealed, hashes stay
 * hashes); only counts are reported.
 */

export interface TableCount {
  table: (typeof TABLES)[number];
  rows: number;
}

/** A target that already holds data: nothing was copied. */
export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

/** Rows per INSERT, and bytes: portal chunks are up to 1 MiB each. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

type Row = Record<string, unknown>;

function rowBytes(row: Row): number {
  let size = 0;
  for (const value of Object.values(row))
    size += Buffer.isBuffer(value) ? value.length : typeof value === 'string' ? value.length : 8;
  return size;
}

async function insertBatch(trx: Tx, table: TableCount['table'], rows: Row[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto(table).values(rows).execute();
}

/**
 * Copies `from` (a SQLite file, brought to the current schema first) into `to` (a postgres:// URL, migrated
 * first, and refused unless every table is empty). The rows copied per table.
 */
export async function copySqliteToPostgres(from: string, to: string): Promise<TableCount[]> {
  if (!existsSync(from)) throw new StoreOpenError(`--from: there is no SQLite database at ${from}.`);
  let source;
  try {
    source = openSqliteFile(from);
    migrateSqlite(source);
  } catch (error) {
    source?.close();
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new StoreOpenError(`--from: cannot use the SQLite database ${from}: ${reason}`);
  }
  let target;
  try {
    target = await openPostgresDb(to, { poolSize: 1 }, '--to');
  } catch (error) {
    source.close();
    throw error;
  }
  try {
    return await target.transaction().execute(async (trx) => {
      for (const table of TABLES) {
        const row = await trx
          .selectFrom(table)
          .select(sql<number>`COUNT(*)`.as('n'))
          .executeTakeFirst();
        if ((row?.n ?? 0) > 0)
          throw new TargetNotEmptyError(
            `--to: the PostgreSQL database already holds data (${table}); give an empty database.`,
          );
      }
      const counts: TableCount[] = [];
      for (const table of TABLES) {
        let rows = 0;
        let batch: Row[] = [];
        let bytes = 0;
        // Read a row at a time, so a store with gigabytes of attachments is never in memory at once.
        for (const row of source.prepare(`SELECT * FROM ${table}`).iterate() as IterableIterator<Row>) {
          batch.push(row);
          bytes += rowBytes(row);
          rows++;
          if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
            await insertBatch(trx, table, batch);
            batch = [];
            bytes = 0;
          }
        }
        await insertBatch(trx, table, batch);
        counts.push({ table, rows });
      }
      // Audit events and queued alerts keep their ids; new ones continue after them.
      await sql`SELECT setval(pg_get_serial_sequence('portal_events', 'id'), COALESCE(MAX(id), 0) + 1, false)
        FROM portal_events`.execute(trx);
      await sql`SELECT setval(pg_get_serial_sequence('alert_outbox', 'id'), COALESCE(MAX(id), 0) + 1, false)
        FROM alert_outbox`.execute(trx);
      return counts;
    });
  } catch (error) {
    if (error instanceof TargetNotEmptyError) throw error;
    throw new StoreOpenError(describePostgresError(error, to, '--to'));
  } finally {
    source.close();
    await target.destroy();
  }
}
