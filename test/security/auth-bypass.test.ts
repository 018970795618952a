import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { listenOnLoopback, rawRequest } from '../support/raw-http';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';
import { reportFor } from '../support/reports';

/**
 * Finding 1: sign-in and rate limits were decided on the raw URL (`request.url.startsWith('/api/')`),
 * while the router decodes %-escapes and accepts absolute-form request lines. Every spelling of an API
 * path must need a token, and count against the same limits.
 */

let issuer: TestIssuer;
let app: FastifyInstance;
let host: string;
let probes = 0;

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await buildApp(
    testConfig({
      auth: 'entra',
      entra: testEntraConfig(issuer),
      rateLimit: { perMinute: 1000, freshPerMinute: 2 },
    }),
    {
      probe: (domain) => {
        probes++;
        return Promise.resolve(reportFor(domain, 'enforced'));
      },
    },
  );
  host = await listenOnLoopback(app);
});
afterAll(async () => {
  await app.close();
  await issuer.close();
});

const code = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('an API path spelled another way still needs sign-in', () => {
  it.each([
    ['/%61pi/v1/policy'],
    ['/api/v1/%70olicy'],
    ['/%61%70%69/v1/policy'],
    ['/api/v1/policy?x=/healthz'],
  ])('GET %s without a token is 401', async (target) => {
    const response = await rawRequest(host, 'GET', target);
    expect(response.status).toBe(401);
    expect(code(response.body)).toBe('UNAUTHENTICATED');
    expect(response.body).not.toContain('forcedTlsDomains');
  });

  it('refuses an absolute-form request line without a token', async () => {
    const response = await rawRequest(host, 'GET', `http://${host}/api/v1/policy`);
    expect(response.status).toBe(401);
    expect(code(response.body)).toBe('UNAUTHENTICATED');
  });

  it('refuses an absolute-form request line naming another host', async () => {
    const response = await rawRequest(host, 'GET', 'http://tlsgate.example/api/v1/policy');
    expect(response.status).toBe(401);
  });

  it('accepts no fake activity at POST /%61pi/v1/events', async () => {
    const body = JSON.stringify({ decision: 'blocked', riskyDomains: ['fake.example'] });
    const response = await rawRequest(host, 'POST', '/%61pi/v1/events', { body });
    expect(response.status).toBe(401);
    expect(code(response.body)).toBe('UNAUTHENTICATED');
  });

  it('probes nothing for an escaped lookup without a token', async () => {
    const before = probes;
    const response = await rawRequest(host, 'GET', '/%61pi/v1/domains/bypass.example?fresh=1');
    expect(response.status).toBe(401);
    expect(probes).toBe(before);
  });

  it('still serves the policy to a signed-in caller, however the path is spelled', async () => {
    const authorization = `Bearer ${await issuer.token()}`;
    for (const target of ['/api/v1/policy', '/%61pi/v1/policy', `http://${host}/api/v1/policy`]) {
      const response = await rawRequest(host, 'GET', target, { headers: { authorization } });
      expect(response.status).toBe(200);
    }
  });
});

describe('rate limits key on the matched route', () => {
  it('gives ?fresh=1 on an escaped path the strict limit', async () => {
    const authorization = `Bearer ${await issuer.token({ oid: 'fresh-limit-user' })}`;
    const statuses: number[] = [];
    for (const target of [
      '/%61pi/v1/domains/fresh.example?fresh=1',
      '/api/v1/%64omains/fresh.example?fresh=1',
      `http://${host}/api/v1/domains/fresh.example?fresh=1`,
      '/%61pi/v1/domains/fresh.example?fresh=1',
    ]) {
      const response = await rawRequest(host, 'GET', target, { headers: { authorization } });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(code(response.body)).toBe('RATE_LIMITED');
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});
