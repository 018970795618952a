/**
 * `npm start` with TLSGATE_DB=postgres://…: the server process as deployed (src/server/main.ts through tsx)
 * against a throwaway PostgreSQL cluster. A database it cannot use (nothing listening, a wrong password, a
 * TLS check that fails) stops it at start with one plain line and exit 2; a good one is migrated, shown
 * without its password, and reported by /readyz.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { POSTGRES_SCHEMA_VERSION } from '../../src/server/store/postgres-migrations';
import { usePostgres } from '../support/postgres';
import { startServer, type ServerRun } from '../support/server-start';
import { freshDatabase } from '../support/stores';

interface Run extends ServerRun {
  /** /readyz's answer, fetched once the server listened. */
  ready?: unknown;
}

/** The server with `env`; asks /readyz once it listens, then stops it (or it exits by itself). */
async function start(env: NodeJS.ProcessEnv): Promise<Run> {
  let ready: unknown;
  const run = await startServer(env, {
    whenUp: (port) =>
      fetch(`http://127.0.0.1:${port}/readyz`)
        .then((response) => response.json())
        .then((body: unknown) => (ready = body))
        .catch((error: unknown) => (ready = String(error))),
  });
  return { ...run, ready };
}

/** A loopback port with nothing listening on it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 1);
      });
    });
  });
}

/** Exit 2 and exactly one line on stderr, which is returned; never the password. */
function refused(run: Run): string {
  expect(run.code).toBe(2);
  expect(run.stdout).not.toContain('listening');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(run.stderr).not.toContain('secret-pw');
  return lines[0] ?? '';
}

const cluster = usePostgres();

describe('npm start on PostgreSQL', () => {
  it('migrates the database, shows it without the password, and reports it in /readyz', async () => {
    const url = (await freshDatabase(cluster(), 'start')).replace('postgres@', 'postgres:secret-pw@');
    const run = await start({ TLSGATE_DB: url });
    expect(run.stdout).toContain(`Database:      ${url.replace('secret-pw', '***')}`);
    expect(run.stdout).not.toContain('secret-pw');
    expect(run.ready).toMatchObject({ status: 'ready', database: 'postgres' });
    expect(
      cluster()
        .run('psql', [url.replace('secret-pw@', '@'), '-tAc', 'SELECT max(version) FROM tlsgate_schema'])
        .trim(),
    ).toBe(String(POSTGRES_SCHEMA_VERSION));
  }, 40_000);

  it('stops with one line when nothing listens at the address', async () => {
    const port = await closedPort();
    const run = await start({ TLSGATE_DB: `postgres://tlsgate:secret-pw@127.0.0.1:${port}/tlsgate` });
    expect(refused(run)).toBe(
      `tlsgate: TLSGATE_DB: cannot use PostgreSQL at 127.0.0.1:${port}/tlsgate: connection refused (is the server running, and on that port?).`,
    );
  }, 40_000);

  it('stops with one line when the TLS check fails (sslmode=verify-full, a server without TLS)', async () => {
    const url = await freshDatabase(cluster(), 'tls');
    const run = await start({ TLSGATE_DB: `${url}?sslmode=verify-full` });
    expect(refused(run)).toMatch(
      /^tlsgate: TLSGATE_DB: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/\w+: TLS check failed: the server does not offer TLS/,
    );
  }, 40_000);

  it('stops with one line when the password is wrong', async () => {
    const url = await freshDatabase(cluster(), 'auth');
    cluster().run('psql', [url, '-qc', "CREATE ROLE locked LOGIN PASSWORD 'right-pw'"]);
    // This role, and only it, must give a password (the rest of the throwaway cluster trusts loopback).
    const hba = join(cluster().dataDir, 'pg_hba.conf');
    writeFileSync(hba, `host all locked 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    cluster().run('pg_ctl', ['-D', cluster().dataDir, 'reload']);
    const run = await start({ TLSGATE_DB: url.replace('postgres@', 'locked:secret-pw@') });
    expect(refused(run)).toMatch(
      /^tlsgate: TLSGATE_DB: cannot use PostgreSQL at .*: authentication failed: password authentication failed for user "locked"\.$/,
    );
  }, 40_000);

  it('stops with one line for a URL that would not check the server', async () => {
    const run = await start({
      TLSGATE_DB: 'postgres://tlsgate:secret-pw@db.example.net/tlsgate?sslmode=require',
    });
    expect(refused(run)).toMatch(
      /^tlsgate: Invalid configuration: TLSGATE_DB: sslmode=require is not accepted/,
    );
  }, 40_000);
});
