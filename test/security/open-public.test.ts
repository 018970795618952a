import { ConfigError, loadConfig } from '../../src/server/config';
import { startServer, type ServerRun } from '../support/server-start';

/**
 * Finding 9: open auth with no admin token makes every caller an admin. On loopback that is the person
 * at the machine; on any other interface it is everyone on the network, so it is refused unless
 * TLSGATE_AUTH_OPEN_PUBLIC=1 says it is meant, and then announced loudly.
 */

const ADMIN_TOKEN = 'automation-'.padEnd(48, 'k');

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, '/srv/tlsgate');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10', 'tlsgate.example', '[::]'])(
    'refuses open auth on HOST=%s without an admin token',
    (host) => {
      const found = problems({ HOST: host });
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(`HOST=${host}`);
      expect(found[0]).toContain('TLSGATE_AUTH_OPEN_PUBLIC=1');
    },
  );

  it.each(['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])(
    'allows open auth on loopback (%s)',
    (host) => {
      expect(problems({ HOST: host })).toEqual([]);
    },
  );

  it('allows a public interface with an admin token, with entra, or with TLSGATE_AUTH_OPEN_PUBLIC=1', () => {
    expect(problems({ HOST: '0.0.0.0', TLSGATE_ADMIN_TOKEN: ADMIN_TOKEN })).toEqual([]);
    expect(
      problems({
        HOST: '0.0.0.0',
        TLSGATE_AUTH: 'entra',
        TLSGATE_ENTRA_TENANT_ID: '11111111-2222-3333-4444-555555555555',
        TLSGATE_ENTRA_AUDIENCE: 'api://tlsgate',
      }),
    ).toEqual([]);
    expect(problems({ HOST: '0.0.0.0', TLSGATE_AUTH_OPEN_PUBLIC: '1' })).toEqual([]);
    expect(problems({ HOST: '0.0.0.0', TLSGATE_AUTH_OPEN_PUBLIC: '0' })).toHaveLength(1);
  });
});

/** `npm start` with `env`; stopped once it prints its banner (or when it exits by itself). */
const start = (env: NodeJS.ProcessEnv): Promise<ServerRun> => startServer(env, { timeoutMs: 15_000 });

describe('npm start', () => {
  it('refuses HOST=0.0.0.0 with open auth and no admin token: exit 2, one clear line', async () => {
    const run = await start({ HOST: '0.0.0.0', TLSGATE_AUTH: 'open', TLSGATE_AUTH_OPEN_PUBLIC: undefined });
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('listening');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tlsgate: Invalid configuration: HOST=0\.0\.0\.0 with TLSGATE_AUTH=open/);
    expect(lines[0]).toContain('TLSGATE_AUTH_OPEN_PUBLIC=1');
  }, 20_000);

  it('starts with TLSGATE_AUTH_OPEN_PUBLIC=1, warning loudly that everyone is an admin', async () => {
    const run = await start({ HOST: '0.0.0.0', TLSGATE_AUTH: 'open', TLSGATE_AUTH_OPEN_PUBLIC: '1' });
    expect(run.stdout).toContain('TLS Gate is listening on http://0.0.0.0:');
    expect(run.stderr).toContain('WARNING');
    expect(run.stderr).toContain('Everyone who can reach this server (HOST=0.0.0.0) is an admin');
    // And in the log, for whoever reads logs rather than the console.
    expect(run.stdout).toContain('"msg":"open auth on a public interface: every caller is an admin"');
  }, 20_000);
});
