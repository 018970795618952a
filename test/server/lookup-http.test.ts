import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { DomainReport } from '../../src/core/report';
import type { DomainStatus } from '../../src/core/status';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import { maskAddresses } from '../../src/server/http/request-log';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';
import { reportFor } from '../support/reports';

/**
 * The lookup routes over HTTP: the single-domain lookup as ready bytes with an ETag (conditional GETs,
 * an ETag that follows the report and the org policy, sign-in before any answer), the batch as the same
 * bytes, and the request log (one line, no secrets, masked addresses). Real SQLite files; the probe
 * answers from fixtures whose status each test sets.
 */

const ADMIN = 'etag-admin-'.padEnd(40, 'x');
const statuses = new Map<string, DomainStatus>();
const probe = (domain: string): Promise<DomainReport> =>
  // Stamped now: the cache's lifetimes count from checkedAt.
  Promise.resolve({
    ...reportFor(domain, statuses.get(domain) ?? 'opportunistic'),
    checkedAt: new Date().toISOString(),
  });

async function start(overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  const app = await buildApp(
    testConfig({
      db: join(mkdtempSync(join(tmpdir(), 'tlsgate-etag-')), 'tlsgate.db'),
      adminToken: ADMIN,
      logLevel: 'info',
      ...overrides,
    }),
    { probe, logStream: { write: (line: string) => logs.push(line) } },
  );
  await app.ready();
  return { app, logs };
}

const sha256 = (body: string): string => `"${createHash('sha256').update(body).digest('base64url')}"`;

let app: FastifyInstance;
let logs: string[];
beforeAll(async () => {
  ({ app, logs } = await start());
});
afterAll(async () => {
  await app.close();
});

function get(domain: string, headers: Record<string, string> = {}, query = '') {
  return app.inject({ method: 'GET', url: `/api/v1/domains/${domain}${query}`, headers });
}

describe('GET /api/v1/domains/{domain} with an ETag', () => {
  it('sends the SHA-256 of its bytes as a strong ETag, kept privately and revalidated on every use', async () => {
    const probed = await get('etag-one.example');
    const cached = await get('etag-one.example');
    const again = await get('etag-one.example');
    expect(probed.json()).toMatchObject({ cached: false });
    expect(cached.json()).toMatchObject({ cached: true });
    // The ETag is derived from the body alone: nothing in it the caller does not already receive.
    for (const response of [probed, cached, again]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe(sha256(response.body));
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.body)));
    }
    expect(cached.headers.etag).not.toBe(probed.headers.etag);
    expect(again.body).toBe(cached.body);
    expect(again.headers.etag).toBe(cached.headers.etag);
  });

  it('answers If-None-Match naming the current ETag with 304 and no body, in every spelling', async () => {
    await get('etag-cond.example');
    const current = await get('etag-cond.example');
    const etag = String(current.headers.etag);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await get('etag-cond.example', { 'if-none-match': ifNoneMatch });
      expect(response.statusCode).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers.etag).toBe(etag);
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers['content-length']).toBeUndefined();
    }
    for (const ifNoneMatch of ['"other"', etag.slice(0, -2) + '"', `${etag}x`]) {
      const response = await get('etag-cond.example', { 'if-none-match': ifNoneMatch });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(current.body);
    }
  });

  it('changes the ETag with the report: a re-probe with a new status answers the old ETag in full', async () => {
    statuses.set('etag-change.example', 'enforced');
    await get('etag-change.example');
    const before = await get('etag-change.example');
    statuses.set('etag-change.example', 'none');
    const reprobed = await get('etag-change.example', {}, '?fresh=1');
    expect(reprobed.json()).toMatchObject({ status: 'none' });
    const after = await get('etag-change.example', { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'none', cached: true });
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('changes the ETag with the org policy: a domain newly under forced TLS is never answered 304', async () => {
    statuses.set('etag-forced.example', 'none');
    await get('etag-forced.example');
    const before = await get('etag-forced.example');
    expect(before.json()).toMatchObject({ status: 'none' });
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { authorization: `Bearer ${ADMIN}`, 'if-match': '"policy-v0"' },
      payload: { forcedTlsDomains: ['etag-forced.example'] },
    });
    expect(put.statusCode).toBe(200);
    const after = await get('etag-forced.example', { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'enforced', enforcement: ['policy'] });
    expect(after.headers.etag).toBe(sha256(after.body));
    // The forced answer is kept too, and revalidates like any other.
    const conditional = await get('etag-forced.example', { 'if-none-match': String(after.headers.etag) });
    expect(conditional.statusCode).toBe(304);
  });

  it('sends a batch as the same bytes as the single lookups, in input order', async () => {
    const domains = ['etag-b1.example', 'etag-b2.example', 'not a domain', 'etag-b1.example'];
    await app.inject({ method: 'POST', url: '/api/v1/domains/lookup', payload: { domains } });
    const batch = await app.inject({ method: 'POST', url: '/api/v1/domains/lookup', payload: { domains } });
    expect(batch.statusCode).toBe(200);
    expect(batch.headers['content-type']).toBe('application/json; charset=utf-8');
    const { reports } = batch.json<{ reports: Array<{ status: string }> }>();
    expect(reports.map((report) => report.status)).toEqual([
      'opportunistic',
      'opportunistic',
      'invalid',
      'opportunistic',
    ]);
    expect(reports[0]).toEqual((await get('etag-b1.example')).json());
    expect(reports[1]).toEqual((await get('etag-b2.example')).json());
    // All of them fresh hits: the same bytes again.
    const hits = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      payload: { domains: ['etag-b2.example', 'ETAG-B1.example.'] },
    });
    expect(hits.json()).toEqual({ reports: [reports[1], reports[0]] });
  });
});

describe('the request log', () => {
  it('writes one line per request, with its id, and never the Authorization header or cookies', async () => {
    logs.length = 0;
    await get('etag-log.example', {
      authorization: 'Bearer not-a-real-token-1234567890',
      cookie: 'session=cookie-secret-0987654321',
    });
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        reqId: expect.any(String) as unknown,
        req: { method: 'GET', url: '/api/v1/domains/etag-log.example' },
        res: { statusCode: 200 },
      }),
    ]);
    expect(logs.join('')).not.toMatch(/not-a-real-token|cookie-secret|authorization|cookie/i);
  });

  it('masks recipient addresses exactly as the former pattern did, in linear time', () => {
    expect(maskAddresses('/api/v1/domains/bob@x.example')).toBe('/api/v1/domains/***@x.example');
    expect(maskAddresses('/api/v1/domains/bob.smith%40x.example?fresh=1')).toBe(
      '/api/v1/domains/***%40x.example?fresh=1',
    );
    // The pattern this replaced is the oracle; it backtracks (quadratic), so only short strings are fed.
    const former = (text: string): string => text.replace(/[^/?&=@\s]+(@|%40)/gi, '***$1');
    const piece = fc.constantFrom(
      'a',
      'B',
      '.',
      '@',
      '%',
      '4',
      '0',
      '%40',
      '/',
      '?',
      '&',
      '=',
      ' ',
      '\t',
      '-',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const text = pieces.join('');
        expect(maskAddresses(text)).toBe(former(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("stamps a route's own log lines with the request id of its access line", async () => {
    logs.length = 0;
    const current = await app.inject({ method: 'GET', url: '/api/v1/policy' });
    logs.length = 0;
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { authorization: `Bearer ${ADMIN}`, 'if-match': String(current.headers.etag) },
      payload: { forcedTlsDomains: ['etag-forced.example', 'etag-log.example'] },
    });
    expect(put.statusCode).toBe(200);
    const lines = logs.map((line) => JSON.parse(line) as { msg: string; reqId?: string });
    const replaced = lines.find((line) => line.msg === 'policy replaced');
    const completed = lines.find((line) => line.msg === 'request completed');
    expect(replaced?.reqId).toEqual(expect.any(String));
    expect(replaced?.reqId).toBe(completed?.reqId);
  });
});

describe('a conditional lookup with Entra sign-in', () => {
  let issuer: TestIssuer;
  let entra: FastifyInstance;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    ({ app: entra } = await start({ auth: 'entra', entra: testEntraConfig(issuer) }));
  });
  afterAll(async () => {
    await entra.close();
    await issuer.close();
  });

  it('is answered, 304 included, only after sign-in', async () => {
    const authorization = `Bearer ${await issuer.token()}`;
    const url = '/api/v1/domains/etag-entra.example';
    await entra.inject({ method: 'GET', url, headers: { authorization } });
    const cached = await entra.inject({ method: 'GET', url, headers: { authorization } });
    const etag = String(cached.headers.etag);
    const anonymous = await entra.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers.etag).toBeUndefined();
    const forged = await entra.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': etag, authorization: 'Bearer forged.token.value' },
    });
    expect(forged.statusCode).toBe(401);
    const signedIn = await entra.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': etag, authorization },
    });
    expect(signedIn.statusCode).toBe(304);
  });
});
