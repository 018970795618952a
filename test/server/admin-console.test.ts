import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app';
import { ConfigError, loadConfig, testConfig } from '../../src/server/config';

/** How /admin is served: its sign-in facts, and a page that cannot be framed and talks only where it must. */

const TENANT = '8f3c2f39-1d0e-4a43-9b6e-2f7d1b2a6c11';
const CLIENT = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';
const ENTRA = {
  TLSGATE_HTTP: '1',
  TLSGATE_AUTH: 'entra',
  TLSGATE_ENTRA_TENANT_ID: TENANT,
  TLSGATE_ENTRA_AUDIENCE: 'api://tlsgate',
  TLSGATE_ADMIN_CLIENT_ID: CLIENT,
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('admin console configuration', () => {
  it('derives Microsoft sign-in from the tenant and the API audience', () => {
    expect(loadConfig(ENTRA).adminConsole).toEqual({
      authority: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      clientId: CLIENT,
      scope: 'api://tlsgate/.default',
    });
    expect(
      loadConfig({
        ...ENTRA,
        TLSGATE_ENTRA_AUTHORITY: 'https://login.microsoftonline.us/x/v2.0/',
        TLSGATE_ADMIN_SCOPE: 'api://tlsgate/Admin',
      }).adminConsole,
    ).toEqual({
      authority: 'https://login.microsoftonline.us/x/v2.0',
      clientId: CLIENT,
      scope: 'api://tlsgate/Admin',
    });
    expect(loadConfig({ TLSGATE_HTTP: '1' }).adminConsole).toBeNull();
  });

  it('refuses sign-in settings that cannot work', () => {
    expect(problems({ TLSGATE_HTTP: '1', TLSGATE_ADMIN_CLIENT_ID: CLIENT })).toEqual([
      'TLSGATE_ADMIN_CLIENT_ID needs TLSGATE_AUTH=entra.',
    ]);
    expect(problems({ ...ENTRA, TLSGATE_ADMIN_CLIENT_ID: 'tlsgate-console' })[0]).toMatch(
      /TLSGATE_ADMIN_CLIENT_ID.*GUID/,
    );
    expect(problems({ ...ENTRA, TLSGATE_ENTRA_AUTHORITY: 'http://login.example/v2.0' })[0]).toMatch(
      /TLSGATE_ENTRA_AUTHORITY/,
    );
  });
});

describe('GET /admin and /admin/config.json', () => {
  const distDir = mkdtempSync(join(tmpdir(), 'tlsgate-admin-dist-'));
  writeFileSync(join(distDir, 'admin.html'), '<!doctype html><title>TLS Gate admin</title>');

  it('tells the console how to sign in, without authentication and without secrets', async () => {
    const app = await buildApp(
      { ...loadConfig({ ...ENTRA, TLSGATE_DB: ':memory:' }), distDir, logLevel: 'silent' },
      {
        probe: () => Promise.reject(new Error('unused')),
      },
    );
    try {
      const response = await app.inject({ url: '/admin/config.json' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        auth: 'entra',
        signIn: {
          authority: `https://login.microsoftonline.com/${TENANT}/v2.0`,
          clientId: CLIENT,
          scope: 'api://tlsgate/.default',
        },
      });

      const page = await app.inject({ url: '/admin' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('TLS Gate admin');
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' https://login.microsoftonline.com;");
      expect(csp).toContain("script-src 'self';");
      expect(page.headers['x-frame-options']).toBe('DENY');

      // The console's data is behind the admin routes, which want a token.
      expect((await app.inject({ url: '/api/v1/admin/me' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('has no page when the console is not built, and no Microsoft sign-in with open auth', async () => {
    const app = await buildApp(testConfig({ distDir: join(distDir, 'missing') }), {
      probe: () => Promise.reject(new Error('unused')),
    });
    try {
      expect((await app.inject({ url: '/admin' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/admin/config.json' })).json()).toEqual({
        auth: 'open',
        signIn: null,
      });
    } finally {
      await app.close();
    }
  });
});
