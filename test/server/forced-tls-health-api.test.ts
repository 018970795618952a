/**
 * The forced-TLS health API's refusals: domains "Check now" cannot check, and callers who may not ask.
 * No probe runs here; the monitoring itself is in forced-tls-health.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { startTestIssuer, testEntraConfig } from '../support/entra';
import { listForcedTls } from '../support/server';

const ADMIN = 'forced-tls-health-api-admin-'.padEnd(48, 'h');
const admin = { authorization: `Bearer ${ADMIN}` };
const noProbe = { probe: () => Promise.reject(new Error('no probing in these tests')) };

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp(testConfig({ adminToken: ADMIN }), {
    ...noProbe,
    health: { tickMs: 0, deliveryPollMs: 0 },
  });
});
afterAll(async () => {
  await app.close();
});

const checkNow = (domain: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/admin/forced-tls/health/check',
    headers: admin,
    payload: { domain },
  });

describe('"Check now" refusals and sign-in', () => {
  it('refuses a domain that is not listed, a *. entry and a non-domain with catalogued errors', async () => {
    await listForcedTls(app, [{ domain: '*.wild.example', level: 'encryption-only' }]);
    const cases: Array<[string, number, string]> = [
      ['unlisted.example', 404, 'FORCED_TLS_NOT_LISTED'],
      ['*.wild.example', 400, 'FORCED_TLS_NOT_CHECKABLE'],
      ['*.other.example', 404, 'FORCED_TLS_NOT_LISTED'],
      ['not a domain', 400, 'INVALID_DOMAIN'],
    ];
    for (const [domain, status, code] of cases) {
      const response = await checkNow(domain);
      expect([domain, response.statusCode, response.json<{ error: { code: string } }>().error.code]).toEqual([
        domain,
        status,
        code,
      ]);
    }
    const extra = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/forced-tls/health/check',
      headers: admin,
      payload: { domain: 'x.example', also: 1 },
    });
    expect(extra.statusCode).toBe(400);
  });

  it('answers 401 without sign-in and 403 without the admin role', async () => {
    const issuer = await startTestIssuer();
    const entra = await buildApp(testConfig({ auth: 'entra', entra: testEntraConfig(issuer) }), {
      ...noProbe,
      health: { tickMs: 0, deliveryPollMs: 0 },
    });
    try {
      const reader = { authorization: `Bearer ${await issuer.token({ roles: ['TLSGate.Reader'] })}` };
      for (const route of [
        { method: 'GET' as const, url: '/api/v1/admin/forced-tls/health' },
        {
          method: 'POST' as const,
          url: '/api/v1/admin/forced-tls/health/check',
          payload: { domain: 'a.example' },
        },
      ]) {
        const anonymous = await entra.inject(route);
        expect([route.url, anonymous.statusCode]).toEqual([route.url, 401]);
        const user = await entra.inject({ ...route, headers: reader });
        expect([route.url, user.statusCode]).toEqual([route.url, 403]);
      }
    } finally {
      await entra.close();
      await issuer.close();
    }
    // And with the admin token guarding open auth: no token, no health.
    expect((await app.inject({ url: '/api/v1/admin/forced-tls/health' })).statusCode).toBe(403);
  });
});
