import { isAbsolute, resolve } from 'node:path';
import { parseCommand, UsageError, type CliIo } from './cli-io';
import { isPostgresUrl, postgresUrlProblems, StoreOpenError } from './server/store/database-url';
import { copySqliteToPostgres, TargetNotEmptyError } from './server/store/migrate-store';

/** `tlsgate migrate-store`: an existing SQLite deployment's data into PostgreSQL (docs/deploy.md). */

export const MIGRATE_STORE_USAGE = `  tlsgate migrate-store --from SQLITE_FILE --to postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full

Copies every row of a SQLite store (TLSGATE_DB, e.g. ./data/tlsgate.db) into an empty PostgreSQL database,
in one transaction: all or nothing. Stop TLS Gate first. Prints the rows copied per table, never their
content. Portal messages stay sealed under the master key: give the new instances the same TLSGATE_MASTER_KEY.

Options:
  --from FILE                the SQLite database (brought to the current schema first)
  --to URL                   the PostgreSQL database; its tables must be empty
`;

export async function runMigrateStore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    from: { type: 'string' },
    to: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0] ?? ''}".`);
  const { from, to } = values;
  if (!from || !to) throw new UsageError('Give both --from (a SQLite file) and --to (a postgres:// URL).');
  if (!isPostgresUrl(to)) throw new UsageError('--to must be a postgres:// or postgresql:// URL.');
  const problems = postgresUrlProblems(to).map((problem) => problem.replace(/^TLSGATE_DB/, '--to'));
  if (problems.length > 0) {
    io.stderr.write(problems.map((problem) => `tlsgate: ${problem}\n`).join(''));
    return 2;
  }
  try {
    const counts = await copySqliteToPostgres(isAbsolute(from) ? from : resolve(from), to);
    const width = Math.max(...counts.map((count) => count.table.length));
    for (const { table, rows } of counts) io.stdout.write(`${table.padEnd(width)}  ${rows}\n`);
    const total = counts.reduce((sum, count) => sum + count.rows, 0);
    io.stdout.write(`Copied ${total} rows in ${counts.length} tables.\n`);
    return 0;
  } catch (error) {
    if (error instanceof StoreOpenError || error instanceof TargetNotEmptyError) {
      io.stderr.write(`tlsgate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
