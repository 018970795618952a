import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../../src/server/app';
import { ConfigError, describeConfig, loadConfig, testConfig } from '../../src/server/config';

const run = promisify(execFile);
const KEY = Buffer.alloc(32, 7).toString('base64');
const ADMIN = 'admin-token-'.padEnd(48, 'z');

function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('NODE_ENV=production', () => {
  it('refuses open auth unless TLSGATE_AUTH_OPEN_IN_PRODUCTION=1', () => {
    expect(problems({ NODE_ENV: 'production', TLSGATE_MASTER_KEY: KEY })).toContain('TLSGATE_AUTH=open');
    expect(
      problems({ NODE_ENV: 'production', TLSGATE_MASTER_KEY: KEY, TLSGATE_AUTH_OPEN_IN_PRODUCTION: '1' }),
    ).toBe('');
    expect(problems({ TLSGATE_AUTH: 'open' })).toBe('');
  });

  it('refuses to start without a master key', () => {
    expect(problems({ NODE_ENV: 'production', TLSGATE_AUTH_OPEN_IN_PRODUCTION: '1' })).toContain(
      'TLSGATE_MASTER_KEY is required in production',
    );
  });

  it('prints a one-screen summary with secrets hidden', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      TLSGATE_AUTH_OPEN_IN_PRODUCTION: '1',
      TLSGATE_MASTER_KEY: KEY,
      TLSGATE_ADMIN_TOKEN: ADMIN,
      TLSGATE_SMTP_URL: 'smtp://mailer:s3cret-pass@relay.example.test:587',
      TLSGATE_SMTP_FROM: 'TLS Gate <tlsgate@example.test>',
      TLSGATE_TRUSTED_PROXIES: '10.0.0.5, 192.168.0.0/24',
    });
    const summary = describeConfig(config).join('\n');
    expect(describeConfig(config).length).toBeLessThanOrEqual(24);
    expect(summary).toContain('production');
    expect(summary).toContain('10.0.0.5, 192.168.0.0/24');
    expect(summary).toContain('relay.example.test:587');
    expect(summary).toMatch(/Activity: +counts kept 180 days/);
    for (const secret of [ADMIN, KEY, 's3cret-pass']) expect(summary).not.toContain(secret);
  });

  it('exits with a clear message from npm start', async () => {
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '../../src/server/main.ts')],
      {
        cwd: join(__dirname, '../..'),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          TLSGATE_HTTP: '1',
          TLSGATE_DB: join(mkdtempSync(join(tmpdir(), 'tg-')), 'x.db'),
        },
      },
    ).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 2 });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toContain('TLSGATE_AUTH=open');
    expect(stderr).toContain('TLSGATE_MASTER_KEY is required');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('trusted proxies', () => {
  it.each(['proxy.example', '10.0.0.0/40', '::1/200'])('refuses %s', (value) => {
    expect(problems({ TLSGATE_TRUSTED_PROXIES: value })).toContain('TLSGATE_TRUSTED_PROXIES');
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    const seen = async (trustedProxies: string[], remoteAddress: string) => {
      const app = await buildApp(testConfig({ trustedProxies }), {
        probe: () => Promise.reject(new Error('unused')),
      });
      app.get('/whoami', (request) => ({ ip: request.ip }));
      const response = await app.inject({
        url: '/whoami',
        remoteAddress,
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      await app.close();
      return response.json<{ ip: string }>().ip;
    };
    expect(await seen(['10.0.0.5'], '10.0.0.5')).toBe('203.0.113.7');
    expect(await seen(['10.0.0.5'], '10.0.0.6')).toBe('10.0.0.6');
    expect(await seen([], '10.0.0.5')).toBe('10.0.0.5');
  });
});
