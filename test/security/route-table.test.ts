import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';
import { listenOnLoopback, rawRequest, spellings } from '../support/raw-http';

/**
 * Sign-in is the default for the whole API: walk every registered route under /api/v1 and check that,
 * in entra mode, none answers without a token, whatever the method and however the path is spelled.
 * Only the OpenAPI document is public.
 */

const PUBLIC = new Set(['/api/v1/openapi.json']);
const PARAMS: Record<string, string> = {
  domain: 'example.org',
  id: '3f2b8c1e-9d4a-4e6b-8f0c-1a2b3c4d5e6f',
  version: '1',
};

let issuer: TestIssuer;
let app: FastifyInstance;
let host: string;
let routes: Array<{ method: string; url: string }>;

/** Every route as [method, full path], from Fastify's own route tree (`printRoutes`). */
function registeredRoutes(instance: FastifyInstance): Array<{ method: string; url: string }> {
  const found: Array<{ method: string; url: string }> = [];
  const parents: string[] = [];
  for (const line of instance.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const url = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents[depth] = url;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()))
      if (method) found.push({ method, url });
  }
  return found;
}

function fill(url: string): string {
  return url.replace(/:(\w+)/g, (_all, name: string) => PARAMS[name] ?? 'x');
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await buildApp(testConfig({ auth: 'entra', entra: testEntraConfig(issuer) }), {
    probe: () => Promise.reject(new Error('no probing without sign-in')),
  });
  // A route added inside the /api/v1 scope with no auth code at all: it must be refused by default.
  await app.register(
    (scope, _options, done) => {
      scope.get('/forgot-auth', () => ({ secret: 'nobody may see this' }));
      scope.post('/forgot-auth/:id', () => ({ secret: 'nor this' }));
      done();
    },
    { prefix: '/api/v1' },
  );
  host = await listenOnLoopback(app);
  routes = registeredRoutes(app).filter((route) => route.url.startsWith('/api/'));
});
afterAll(async () => {
  await app.close();
  await issuer.close();
});

it('finds the API routes (the walk itself works)', () => {
  const urls = routes.map((route) => `${route.method} ${route.url}`);
  expect(urls).toEqual(
    expect.arrayContaining([
      'GET /api/v1/policy',
      'HEAD /api/v1/policy',
      'POST /api/v1/domains/lookup',
      'GET /api/v1/domains/:domain',
      'PUT /api/v1/admin/policy',
      'POST /api/v1/events',
      'POST /api/v1/portal/messages',
      'POST /api/v1/portal/messages/:id/revoke',
      'GET /api/v1/admin/activity.csv',
      'GET /api/v1/admin/forced-tls/health',
      'POST /api/v1/admin/forced-tls/health/check',
      'GET /api/v1/admin/forced-tls/proposals',
      'GET /api/v1/openapi.json',
      'GET /api/v1/forgot-auth',
    ]),
  );
  expect(routes.length).toBeGreaterThan(25);
});

it('refuses every API route but the OpenAPI document without a token, however it is spelled', async () => {
  const answered: string[] = [];
  for (const { method, url } of routes) {
    if (PUBLIC.has(url)) continue;
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
    for (const [how, target] of spellings(fill(url), host)) {
      const response = await rawRequest(host, method, target, body === undefined ? {} : { body });
      const code = method === 'HEAD' ? null : (JSON.parse(response.body) as { error?: { code?: string } });
      if (response.status !== 401 || (code && code.error?.code !== 'UNAUTHENTICATED'))
        answered.push(`${method} ${url} (${how}: ${target}) -> ${response.status}`);
    }
  }
  expect(answered).toEqual([]);
});

it('serves the OpenAPI document without a token', async () => {
  for (const [, target] of spellings('/api/v1/openapi.json', host)) {
    const response = await rawRequest(host, 'GET', target);
    expect(response.status).toBe(200);
  }
});

it('refuses a new route in the /api/v1 scope that has no auth code of its own', async () => {
  for (const [, target] of spellings('/api/v1/forgot-auth', host)) {
    const response = await rawRequest(host, 'GET', target);
    expect(response.status).toBe(401);
    expect(response.body).not.toContain('nobody may see this');
  }
  const post = await rawRequest(host, 'POST', '/api/v1/forgot-auth/1', { body: '{}' });
  expect(post.status).toBe(401);
});

it('lets a signed-in caller through to such a route (the guard keys on identity, not on the path)', async () => {
  const authorization = `Bearer ${await issuer.token()}`;
  const response = await rawRequest(host, 'GET', '/%61pi/v1/forgot-auth', { headers: { authorization } });
  expect(response.status).toBe(200);
});
