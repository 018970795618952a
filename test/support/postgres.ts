import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temp dir and `pg_ctl` on a free loopback
 * port, run as the `postgres` user because the server refuses to run as root. No mock database.
 * `.ci/run` installs Debian's postgresql package; the binaries live in PG_BIN.
 */
export const PG_BIN = process.env.TLSGATE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  readonly host: string;
  readonly port: number;
  /** The cluster's data directory (WAL included), for tests that search what reached the disk. */
  readonly dataDir: string;
  /** A connection URL for a database in this cluster (user `postgres`, trust auth on loopback). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs a pg_* program (pg_dump, psql …) of this cluster's version, as the postgres user. */
  run(program: string, args: readonly string[]): string;
  stop(): Promise<void>;
}

export const postgresAvailable = (): boolean => existsSync(join(PG_BIN, 'initdb'));

const asPostgres = (program: string, args: readonly string[]): string[] =>
  process.getuid?.() === 0
    ? ['runuser', '-u', 'postgres', '--', join(PG_BIN, program), ...args]
    : [join(PG_BIN, program), ...args];

function exec(program: string, args: readonly string[]): string {
  const [cmd, ...rest] = asPostgres(program, args);
  return execFileSync(cmd ?? program, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  if (!postgresAvailable())
    throw new Error(`PostgreSQL is not installed (${PG_BIN}); apt-get install -y postgresql`);
  const root = mkdtempSync(join(tmpdir(), 'tlsgate-pg-'));
  const dataDir = join(root, 'data');
  if (process.getuid?.() === 0) {
    chmodSync(root, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const host = '127.0.0.1';
  const port = await freePort(host);
  exec('pg_ctl', [
    ...['-D', dataDir, '-l', join(root, 'log'), '-w', '-t', '30', 'start'],
    ...['-o', `-h ${host} -p ${port} -k ${dataDir} -c fsync=off -c max_connections=200`],
  ]);
  const url = (database = 'postgres') => `postgres://postgres@${host}:${port}/${database}`;
  let stopped = false;
  return {
    host,
    port,
    dataDir,
    url,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        return Promise.reject(new Error(`bad database name ${name}`));
      exec('psql', ['-h', host, '-p', String(port), '-U', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
      return Promise.resolve(url(name));
    },
    run: exec,
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      const [cmd, ...rest] = asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      spawnSync(cmd ?? 'pg_ctl', rest, { stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/**
 * A cluster for the tests of the enclosing file or describe block: started before them, stopped after them.
 * Returns a getter, since the cluster exists only once beforeAll has run.
 */
export function usePostgres(): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the PostgreSQL cluster is started in beforeAll');
    return cluster;
  };
}
