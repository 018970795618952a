import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MailInternet } from '../support/mail-internet';
import { startTestApp, type TestApp } from '../support/server';

let net: MailInternet;
let test: TestApp;
let app: FastifyInstance;

const GOOD = 'api-good.test';
const PLAIN = 'api-plain.test';

beforeAll(async () => {
  net = await MailInternet.start();
  const good = await net.mailHost({ name: `mx.${GOOD}` });
  net.mx(GOOD, [[10, good.name]]);
  const plain = await net.mailHost({ name: `mx.${PLAIN}`, mode: 'plain' });
  net.mx(PLAIN, [[10, plain.name]]);
  test = await startTestApp(net, { publicUrl: 'https://tlsgate.example.test' });
  app = test.app;
});
afterAll(async () => {
  await app.close();
  await net.close();
});

interface Lookup {
  cached: boolean;
  stale: boolean;
  expiresAt: string;
  checkedAt: string;
  domain: string;
  status: string;
  enforcement: string[];
}

describe('GET /api/v1/domains/{domain}', () => {
  it('probes a cold domain, then answers from the cache', async () => {
    const first = await app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('application/json');
    const cold = first.json<Lookup>();
    expect(cold).toMatchObject({ cached: false, stale: false, domain: GOOD, status: 'opportunistic' });
    expect(Date.parse(cold.expiresAt) - Date.parse(cold.checkedAt)).toBe(86400 * 1000);

    const probes = test.probes();
    const second = (
      await app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD.toUpperCase()}.` })
    ).json<Lookup>();
    expect(second).toMatchObject({
      cached: true,
      domain: GOOD,
      status: 'opportunistic',
      checkedAt: cold.checkedAt,
    });
    expect(test.probes()).toBe(probes);
  });

  it('looks an address up by its domain', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/domains/${encodeURIComponent(`alice@${PLAIN}`)}`,
    });
    expect(response.json<Lookup>()).toMatchObject({ domain: PLAIN, status: 'none' });
  });

  it('re-probes with ?fresh=1', async () => {
    await app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}` });
    const before = test.probes();
    const fresh = (
      await app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}?fresh=1` })
    ).json<Lookup>();
    expect(fresh.cached).toBe(false);
    expect(test.probes()).toBe(before + 1);
  });

  it.each(['bad domain', 'a..b', '127.0.0.1', `${'x'.repeat(64)}.test`])(
    'refuses the malformed domain %j',
    async (domain) => {
      const response = await app.inject({
        method: 'GET',
        url: `/api/v1/domains/${encodeURIComponent(domain)}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'INVALID_DOMAIN', message: expect.any(String) as string },
      });
    },
  );

  it('refuses a bad fresh value', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}?fresh=yes` });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/v1/domains/lookup', () => {
  it('answers in input order, probing duplicates once, with invalid entries marked invalid', async () => {
    const domain = 'api-batch.test';
    const mx = await net.mailHost({ name: `mx.${domain}` });
    net.mx(domain, [[10, mx.name]]);
    const before = test.probes();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      payload: { domains: [`a@${domain}`, PLAIN, 'not a domain', `B@${domain.toUpperCase()}`, domain] },
    });
    expect(response.statusCode).toBe(200);
    const { reports } = response.json<{ reports: Lookup[] }>();
    expect(reports.map((report) => [report.domain, report.status])).toEqual([
      [domain, 'opportunistic'],
      [PLAIN, 'none'],
      ['not a domain', 'invalid'],
      [domain, 'opportunistic'],
      [domain, 'opportunistic'],
    ]);
    expect(test.probes() - before).toBeLessThanOrEqual(2);
    expect(test.probes() - before).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['101 domains', { domains: Array.from({ length: 101 }, (_, i) => `d${i}.test`) }],
    ['no domains', { domains: [] }],
    ['a string instead of a list', { domains: 'x.test' }],
    ['numbers', { domains: [1, 2] }],
    ['an extra field', { domains: ['x.test'], extra: true }],
    ['a missing field', {}],
    ['an overlong entry', { domains: ['a'.repeat(2000)] }],
  ])('refuses %s with VALIDATION_FAILED', async (_label, payload) => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/domains/lookup', payload });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toMatch(/body/);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ domains: ['x.test'], pad: 'x'.repeat(100_000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: expect.any(String) as string },
    });
  });

  it('refuses broken JSON and other media types', async () => {
    const broken = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      headers: { 'content-type': 'application/json' },
      payload: '{"domains": [',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    const text = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      headers: { 'content-type': 'text/plain' },
      payload: 'x.test',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json<{ error: { code: string } }>().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('single flight', () => {
  it('probes a cold domain once for 50 parallel requests', async () => {
    const domain = 'api-flight.test';
    const mx = await net.mailHost({ name: `mx.${domain}`, greetingDelayMs: 100 });
    net.mx(domain, [[10, mx.name]]);
    const before = test.probes();
    const connectionsBefore = mx.server.connections;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? app.inject({ method: 'GET', url: `/api/v1/domains/${domain}` })
          : app.inject({
              method: 'POST',
              url: '/api/v1/domains/lookup',
              payload: { domains: [domain, domain] },
            }),
      ),
    );
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect(test.probes() - before).toBe(1);
    expect(mx.server.connections - connectionsBefore).toBe(1);
  });
});

describe('policy', () => {
  const ADMIN = 'a'.repeat(40);

  it('serves the default policy with an ETag, and 304 for If-None-Match', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/policy' });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"policy-v0"');
    expect(response.json()).toMatchObject({
      version: 0,
      policy: {
        actions: { high: 'block', medium: 'warn', low: 'allow' },
        unknownAs: 'warn',
        onBackendError: 'warn',
      },
    });
    const cached = await app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { 'if-none-match': '"policy-v0"' },
    });
    expect(cached.statusCode).toBe(304);
  });

  it('replaces the policy with If-Match, audits the change, and refuses a stale or missing If-Match', async () => {
    const local = await startTestApp(net, { adminToken: ADMIN });
    const auth = { authorization: `Bearer ${ADMIN}` };
    const body = {
      forcedTlsDomains: ['Partner.TEST', '*.bank.test', 'partner.test'],
      actions: { medium: 'block' },
    };

    const missing = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: auth,
      payload: body,
    });
    expect(missing.statusCode).toBe(428);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('PRECONDITION_REQUIRED');

    const ok = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { ...auth, 'if-match': '"policy-v0"' },
      payload: body,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"policy-v1"');
    expect(ok.json()).toMatchObject({
      version: 1,
      updatedBy: 'admin-token',
      policy: {
        // Plain strings, as clients wrote them before levels, are kept as encryption-only entries.
        forcedTlsDomains: [
          { domain: '*.bank.test', level: 'encryption-only' },
          { domain: 'partner.test', level: 'encryption-only' },
        ],
        actions: { high: 'block', medium: 'block', low: 'allow' },
      },
    });

    const stale = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { ...auth, 'if-match': '"policy-v0"' },
      payload: {},
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('VERSION_CONFLICT');

    const audit = await local.app.inject({ method: 'GET', url: '/api/v1/admin/policy/audit', headers: auth });
    expect(audit.json()).toEqual({
      entries: [
        {
          version: 1,
          at: expect.any(String) as string,
          actor: 'admin-token',
          note: null,
          changes: [
            { path: 'actions.medium', before: 'warn', after: 'block' },
            {
              path: 'forcedTlsDomains',
              added: [
                { domain: '*.bank.test', level: 'encryption-only' },
                { domain: 'partner.test', level: 'encryption-only' },
              ],
              removed: [],
            },
          ],
        },
      ],
    });

    // Without the admin token, callers are users, not admins.
    const user = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { 'if-match': '"policy-v1"' },
      payload: {},
    });
    expect(user.statusCode).toBe(403);
    expect(user.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
    expect((await local.app.inject({ method: 'GET', url: '/api/v1/admin/policy/audit' })).statusCode).toBe(
      403,
    );
    await local.app.close();
  });

  it.each([
    ['an unknown action', { actions: { high: 'explode' } }],
    ['a bad domain', { forcedTlsDomains: ['not a domain'] }],
    ['an address as a domain', { internalDomains: ['bob@example.test'] }],
    ['an unknown field', { colour: 'red' }],
    [
      'a regex with a backreference',
      {
        detection: {
          customRules: [{ id: 'r1', name: 'R', kind: 'regex', pattern: '(a)\\1', sensitivity: 'high' }],
        },
      },
    ],
    [
      'a regex that backtracks polynomially',
      {
        detection: {
          customRules: [{ id: 'r1', name: 'R', kind: 'regex', pattern: '\\d+\\d+x', sensitivity: 'high' }],
        },
      },
    ],
    [
      'a broken regex',
      {
        detection: {
          customRules: [{ id: 'r1', name: 'R', kind: 'regex', pattern: '([a-z', sensitivity: 'high' }],
        },
      },
    ],
    [
      'a duplicate rule id',
      {
        detection: {
          customRules: [
            { id: 'r1', name: 'A', kind: 'keywords', keywords: ['alpha'], sensitivity: 'low' },
            { id: 'r1', name: 'B', kind: 'keywords', keywords: ['beta'], sensitivity: 'low' },
          ],
        },
      },
    ],
    [
      'a bad label id',
      { detection: { labels: [{ labelId: 'secret', name: 'Secret', sensitivity: 'high' }] } },
    ],
  ])('refuses a policy with %s', async (_label, payload) => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { 'if-match': '"policy-v0"' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a policy that would block ordinary mail for everyone', async () => {
    const everyday = {
      actions: { low: 'block' },
      detection: {
        customRules: [
          {
            id: 'common',
            name: 'Common words',
            kind: 'keywords',
            keywords: ['the', 'de', 'het'],
            sensitivity: 'low',
          },
        ],
      },
    };
    const refused = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { 'if-match': '"policy-v0"' },
      payload: everyday,
    });
    expect(refused.statusCode).toBe(400);
    const error = refused.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('POLICY_LOCKOUT');
    expect(error.message).toMatch(/would block \d+ of 10 ordinary test emails/);

    // A strict rule for a rare word is the organisation's choice, and is accepted.
    const strict = {
      ...everyday,
      detection: {
        customRules: [
          {
            id: 'proj',
            name: 'Project Nightjar',
            kind: 'keywords',
            keywords: ['nightjar'],
            sensitivity: 'low',
          },
        ],
      },
    };
    const local = await startTestApp(net);
    const accepted = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { 'if-match': '"policy-v0"' },
      payload: strict,
    });
    expect(accepted.statusCode).toBe(200);
    await local.app.close();
  });

  it('reports forced-TLS domains as enforced (policy), on top of the probe result', async () => {
    const local = await startTestApp(net);
    const put = await local.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { 'if-match': '"policy-v0"' },
      payload: { forcedTlsDomains: [GOOD] },
    });
    expect(put.statusCode).toBe(200);
    const forced = (await local.app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}` })).json<Lookup>();
    expect(forced).toMatchObject({ status: 'enforced', enforcement: ['policy'] });
    const other = (await local.app.inject({ method: 'GET', url: `/api/v1/domains/${PLAIN}` })).json<Lookup>();
    expect(other.status).toBe('none');
    await local.app.close();
  });
});

describe('health, documents and headers', () => {
  it('reports liveness and readiness', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
      probes: { running: 0, queued: 0, capacity: 16, queueLimit: 200 },
    });
  });

  it('reports not ready when the database does not answer', async () => {
    const local = await startTestApp(net);
    await local.app.services.store.close();
    const response = await local.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('NOT_READY');
  });

  it('serves an OpenAPI document generated from the validating schemas', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/domains/{domain}',
        '/api/v1/domains/lookup',
        '/api/v1/policy',
        '/api/v1/admin/policy',
      ]),
    );
    const lookupBody = JSON.stringify(doc.paths['/api/v1/domains/lookup']?.post?.requestBody);
    expect(lookupBody).toContain('"maxItems":100');
  });

  it('lists launchevent.js in microsoft-officeaddins-allowed.json for the classic Outlook runtime', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/.well-known/microsoft-officeaddins-allowed.json',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ allowed: ['https://tlsgate.example.test/launchevent.js'] });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
  });

  it('allows CORS only from TLSGATE_PUBLIC_URL', async () => {
    const allowed = await app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { origin: 'https://tlsgate.example.test' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tlsgate.example.test');
    const refused = await app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { origin: 'https://evil.test' },
    });
    expect(refused.headers['access-control-allow-origin']).not.toBe('https://evil.test');
  });

  it('sets security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain(
      "frame-ancestors 'self' https://*.office.com",
    );
    expect(response.headers['strict-transport-security']).toBeDefined();
  });

  it('logs no full recipient addresses', async () => {
    await app.inject({
      method: 'GET',
      url: `/api/v1/domains/${encodeURIComponent(`secret.person@${GOOD}`)}`,
    });
    await app.inject({ method: 'GET', url: `/api/v1/domains/carol@${GOOD}` });
    const logs = test.logs.join('');
    expect(logs).toContain(GOOD);
    expect(logs).not.toContain('secret.person');
    expect(logs).not.toContain('carol');
  });
});

describe('rate limits', () => {
  it('limits forced re-probes per client more strictly than lookups', async () => {
    const local = await startTestApp(net);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await local.app.inject({ method: 'GET', url: `/api/v1/domains/${PLAIN}?fresh=1` })).statusCode,
      );
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const limited = await local.app.inject({ method: 'GET', url: `/api/v1/domains/${PLAIN}?fresh=1` });
    expect(limited.json<{ error: { code: string } }>().error.code).toBe('RATE_LIMITED');
    // Cached lookups by the same client are still allowed.
    expect((await local.app.inject({ method: 'GET', url: `/api/v1/domains/${PLAIN}` })).statusCode).toBe(200);
    // Another client is not affected.
    const other = await local.app.inject({
      method: 'GET',
      url: `/api/v1/domains/${PLAIN}?fresh=1`,
      remoteAddress: '127.0.0.9',
    });
    expect(other.statusCode).toBe(200);
    await local.app.close();
  });
});

describe('persistence', () => {
  it('keeps the cache across a restart (a real SQLite file in WAL mode)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-db-'));
    const db = join(dir, 'tlsgate.db');
    const first = await startTestApp(net, { db });
    const cold = (await first.app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}` })).json<Lookup>();
    expect(cold.cached).toBe(false);
    await first.app.close();
    expect(statSync(db).size).toBeGreaterThan(0);

    const second = await startTestApp(net, { db });
    const warm = (await second.app.inject({ method: 'GET', url: `/api/v1/domains/${GOOD}` })).json<Lookup>();
    expect(warm).toMatchObject({ cached: true, checkedAt: cold.checkedAt, status: 'opportunistic' });
    expect(second.probes()).toBe(0);
    await second.app.close();
  });
});
