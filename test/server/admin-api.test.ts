import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { MAX_CONNECTOR_JSON } from '../../src/contract/limits';
import type { CustomRule, OrgPolicy } from '../../src/core/policy';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import { openSqliteStore, SCHEMA_VERSION } from '../../src/server/store/sqlite';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';

/** The admin console's API: who am I, policy history and rollback, validation, connector import. */

const ADMIN = 'admin-api-admin-'.padEnd(48, 'a');
const admin = { authorization: `Bearer ${ADMIN}` };
const noProbe = { probe: () => Promise.reject(new Error('no probing in admin tests')) };

let config: Config;
let app: FastifyInstance;

beforeAll(async () => {
  config = testConfig({
    db: join(mkdtempSync(join(tmpdir(), 'tlsgate-admin-')), 'db.sqlite'),
    adminToken: ADMIN,
  });
  app = await buildApp(config, noProbe);
});
afterAll(async () => {
  await app.close();
});

interface PolicyDoc {
  policy: { forcedTlsDomains: string[]; trustedDomains: string[]; actions: Record<string, string> };
  version: number;
  updatedAt: string | null;
  updatedBy: string;
}
interface AuditEntry {
  version: number;
  actor: string;
  changes: Array<Record<string, unknown>>;
  note: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const errorOf = (response: { json: () => unknown }) => (response.json() as ErrorBody).error;
const etagOf = (version: number) => `"policy-v${version}"`;

async function current(): Promise<PolicyDoc> {
  return (await app.inject({ url: '/api/v1/policy' })).json<PolicyDoc>();
}
async function put(payload: object, version: number) {
  return app.inject({
    method: 'PUT',
    url: '/api/v1/admin/policy',
    headers: { ...admin, 'if-match': etagOf(version) },
    payload: payload as Record<string, unknown>,
  });
}
async function rollback(version: unknown, ifMatch?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/admin/policy/rollback',
    headers: { ...admin, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    payload: { version },
  });
}
async function validate(payload: unknown) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/admin/policy/validate',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
}
async function importConnectors(connectorsJson: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/admin/forced-tls/import',
    headers: admin,
    payload: { connectorsJson },
  });
}
async function audit(): Promise<AuditEntry[]> {
  return (await app.inject({ url: '/api/v1/admin/policy/audit', headers: admin })).json<{
    entries: AuditEntry[];
  }>().entries;
}

/** With `low: block`, a policy that blocks everyday mail. */
const COMMON_WORDS: CustomRule = {
  id: 'common',
  name: 'Common words',
  kind: 'keywords',
  keywords: ['the', 'de', 'het'],
  sensitivity: 'low',
};
const LOCKING = { actions: { low: 'block' }, detection: { customRules: [COMMON_WORDS] } };

/** Every admin route with a request that would succeed for an admin. */
const ROUTES: InjectOptions[] = [
  { method: 'GET', url: '/api/v1/admin/me' },
  { method: 'GET', url: '/api/v1/admin/policy/versions/1' },
  {
    method: 'POST',
    url: '/api/v1/admin/policy/rollback',
    headers: { 'if-match': '"policy-v1"' },
    payload: { version: 1 },
  },
  { method: 'POST', url: '/api/v1/admin/policy/validate', payload: {} },
  { method: 'POST', url: '/api/v1/admin/forced-tls/import', payload: { connectorsJson: '[]' } },
];

const CONNECTORS = JSON.stringify([
  {
    Name: 'Partners TLS',
    Enabled: true,
    TlsSettings: 'DomainValidation',
    TlsDomain: 'mx.partners.example',
    RecipientDomains: ['Bank.example', '*.insurer.example', 'known.example'],
  },
  {
    Name: 'Insurer',
    Enabled: true,
    TlsSettings: 'CertificateValidation',
    RecipientDomains: ['insurer.example'],
  },
  { Name: 'Old', Enabled: false, TlsSettings: 'EncryptionOnly', RecipientDomains: ['old.example'] },
  { Name: 'Plain', Enabled: true, TlsSettings: null, RecipientDomains: ['plain.example'] },
]);

describe('who is signed in', () => {
  it('GET /admin/me names the admin and how they signed in', async () => {
    const response = await app.inject({ url: '/api/v1/admin/me', headers: admin });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'Admin token', via: 'admin-token' });
  });

  it('refuses a missing or wrong token with 403 on every admin route', async () => {
    for (const headers of [{}, { authorization: `Bearer ${'wrong-token-'.padEnd(48, 'x')}` }])
      for (const route of ROUTES) {
        const response = await app.inject({ ...route, headers: { ...route.headers, ...headers } });
        expect([route.url, response.statusCode]).toEqual([route.url, 403]);
        expect(errorOf(response).code).toBe('FORBIDDEN');
      }
    expect((await current()).version).toBe(0);
  });
});

describe('policy history and rollback', () => {
  it('serves a historic version, restores it as a new version and notes the rollback', async () => {
    expect((await put({ trustedDomains: ['partner.example'] }, 0)).statusCode).toBe(200);
    expect(
      (await put({ trustedDomains: ['other.example'], actions: { medium: 'block' } }, 1)).statusCode,
    ).toBe(200);

    const v1 = await app.inject({ url: '/api/v1/admin/policy/versions/1', headers: admin });
    expect(v1.statusCode).toBe(200);
    expect(v1.headers.etag).toBe(etagOf(1));
    const old = v1.json<PolicyDoc>();
    expect(old).toMatchObject({ version: 1, updatedBy: 'admin-token' });
    expect(old.policy.trustedDomains).toEqual(['partner.example']);
    expect(Date.parse(old.updatedAt ?? '')).not.toBeNaN();

    const response = await rollback(1, etagOf(2));
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe(etagOf(3));
    const restored = response.json<PolicyDoc>();
    expect(restored.version).toBe(3);
    expect(restored.policy).toEqual(old.policy);
    expect((await current()).policy).toEqual(old.policy);

    const [latest, previous] = await audit();
    expect(latest).toMatchObject({ version: 3, actor: 'admin-token', note: 'Rolled back to version 1' });
    expect(latest?.changes).toEqual(
      expect.arrayContaining([
        { path: 'trustedDomains', added: ['partner.example'], removed: ['other.example'] },
        { path: 'actions.medium', before: 'block', after: 'warn' },
      ]),
    );
    expect(previous?.note).toBeNull();
  });

  it('refuses a rollback that would change nothing', async () => {
    const { version } = await current();
    for (const target of [version, 1]) {
      const response = await rollback(target, etagOf(version));
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('NOTHING_TO_ROLL_BACK');
    }
    expect((await current()).version).toBe(version);
  });

  it('needs a current If-Match', async () => {
    const missing = await rollback(2);
    expect(missing.statusCode).toBe(428);
    expect(errorOf(missing).code).toBe('PRECONDITION_REQUIRED');
    for (const stale of [etagOf(1), '"something-else"']) {
      const response = await rollback(2, stale);
      expect(response.statusCode).toBe(412);
      expect(errorOf(response)).toMatchObject({ code: 'VERSION_CONFLICT' });
      expect(errorOf(response).message).toContain('now version 3');
    }
  });

  it('answers 404 for an unknown version and 400 for a malformed one', async () => {
    for (const response of [
      await app.inject({ url: '/api/v1/admin/policy/versions/99', headers: admin }),
      await rollback(99, etagOf(3)),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(errorOf(response)).toEqual({
        code: 'POLICY_VERSION_NOT_FOUND',
        message: 'The policy history has no version 99.',
      });
    }
    for (const bad of ['0', '-1', '1.5', 'abc'])
      expect([
        bad,
        errorOf(await app.inject({ url: `/api/v1/admin/policy/versions/${bad}`, headers: admin })).code,
      ]).toEqual([bad, 'VALIDATION_FAILED']);
    for (const payload of [0, 1.5, '1']) {
      const response = await rollback(payload, etagOf(3));
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('VALIDATION_FAILED');
    }
    const extra = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/policy/rollback',
      headers: { ...admin, 'if-match': etagOf(3) },
      payload: { version: 1, force: true },
    });
    expect(errorOf(extra).code).toBe('VALIDATION_FAILED');
  });

  it('refuses to roll back to a version that today would lock everyone out', async () => {
    // Such a version can only exist from before the lockout check, so it is written to the store directly.
    const { version, policy } = await app.services.policy.current();
    const locking: OrgPolicy = {
      ...policy,
      actions: { ...policy.actions, low: 'block' },
      detection: { ...policy.detection, customRules: [COMMON_WORDS] },
    };
    const written = await app.services.store.putPolicy(locking, version, 'older-tlsgate', []);
    expect(written.ok).toBe(true);
    expect((await put(policy, version + 1)).statusCode).toBe(200);

    const response = await rollback(version + 1, etagOf(version + 2));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('POLICY_LOCKOUT');
    expect(errorOf(response).message).toMatch(/would block \d+ of 10 ordinary test emails/);
    expect((await current()).version).toBe(version + 2);
  });

  it('keeps the rollback note across a restart', async () => {
    const before = await audit();
    await app.close();
    app = await buildApp(config, noProbe);
    const after = await audit();
    expect(after).toEqual(before);
    expect(after.find((entry) => entry.version === 3)?.note).toBe('Rolled back to version 1');
  });

  it('upgrades a database from before notes (migration 4), old entries without a note', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-admin-old-')), 'db.sqlite');
    const fresh = openSqliteStore(path);
    await fresh.putPolicy({ ...(await app.services.policy.current()).policy }, 0, 'admin-token', []);
    await fresh.close();
    // Back to schema 3, as a TLS Gate from before notes left it; later migrations are safe to run again.
    const db = new Database(path);
    db.exec('ALTER TABLE policy_audit DROP COLUMN note');
    db.pragma('user_version = 3');
    db.close();

    const upgraded = openSqliteStore(path);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
    expect(await upgraded.policyAudit(10)).toEqual([expect.objectContaining({ version: 1, note: null })]);
    const written = await upgraded.putPolicy(
      (await app.services.policy.current()).policy,
      1,
      'admin-token',
      [],
      'Rolled back to version 1',
    );
    expect(written.ok).toBe(true);
    expect((await upgraded.policyAudit(1))[0]?.note).toBe('Rolled back to version 1');
    expect((await upgraded.policyVersion(1))?.updatedBy).toBe('admin-token');
    await upgraded.close();
  });
});

describe('POST /admin/policy/validate', () => {
  it('accepts a valid policy and lists what it would change, without saving', async () => {
    const before = await current();
    const response = await validate({ ...before.policy, trustedDomains: ['NEW.example'] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      valid: true,
      changes: [{ path: 'trustedDomains', added: ['new.example'], removed: before.policy.trustedDomains }],
    });
    expect(await current()).toEqual(before);
  });

  it('checks forced-TLS entries: a level, and TlsDomain exactly with domain validation', async () => {
    const response = await validate({
      forcedTlsDomains: [
        { domain: 'a.example', level: 'domain-validation' },
        { domain: 'b.example', level: 'encryption-only', tlsDomain: 'mx.b.example' },
        { domain: 'c.example', level: 'strict' },
        { domain: 'd.example', level: 'domain-validation', tlsDomain: 'not a name' },
        { domain: 'e.example', level: 'domain-validation', tlsDomain: '*.E.example' },
        'f.example',
      ],
    });
    const body = response.json<{ problems: Array<{ path: string; message: string }> }>();
    expect(body.problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['forcedTlsDomains.0.tlsDomain', 'domain-validation needs the certificate name (TlsDomain)'],
      ['forcedTlsDomains.1.tlsDomain', 'TlsDomain is used only with domain-validation, not encryption-only'],
      ['forcedTlsDomains.2.level', expect.stringContaining('encryption-only') as string],
      ['forcedTlsDomains.3.tlsDomain', expect.stringContaining('is not a domain') as string],
    ]);
  });

  it('reports every problem with a dotted path', async () => {
    const response = await validate({
      actions: { high: 'explode' },
      forcedTlsDomains: ['good.example', 'not a domain'],
      colour: 'red',
      detection: {
        customRules: [{ id: 'r1', name: 'R', kind: 'regex', pattern: '(a)\\1', sensitivity: 'high' }],
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      valid: boolean;
      problems: Array<{ path: string; message: string; code: string }>;
    }>();
    expect(body.valid).toBe(false);
    expect(body.problems.map((problem) => problem.path).sort()).toEqual([
      'actions.high',
      'colour',
      'detection.customRules.0.pattern',
      'forcedTlsDomains.1.domain',
    ]);
    expect(body.problems.every((problem) => problem.code === 'VALIDATION_FAILED')).toBe(true);
    expect(body.problems.find((problem) => problem.path === 'colour')?.message).toBe(
      'unknown field "colour"',
    );
    expect(body.problems.find((problem) => problem.path === 'forcedTlsDomains.1.domain')?.message).toContain(
      '"not a domain" is not a domain',
    );
  });

  it('caps the problems at 20 and explains a non-object', async () => {
    const many = await validate({ forcedTlsDomains: Array.from({ length: 50 }, (_, i) => `bad ${i}`) });
    expect(many.json<{ problems: unknown[] }>().problems).toHaveLength(20);
    const list = await validate([1, 2]);
    expect(list.json()).toMatchObject({ valid: false, problems: [{ path: '', code: 'VALIDATION_FAILED' }] });
  });

  it('reports a policy that would lock everyone out, and PUT refuses it', async () => {
    const response = await validate(LOCKING);
    expect(response.json()).toEqual({
      valid: false,
      problems: [
        {
          path: '',
          code: 'POLICY_LOCKOUT',
          message: expect.stringMatching(/would block \d+ of 10 ordinary test emails/) as unknown,
        },
      ],
    });
    const { version } = await current();
    const refused = await put(LOCKING, version);
    expect(refused.statusCode).toBe(400);
    expect(errorOf(refused).code).toBe('POLICY_LOCKOUT');
  });
});

describe('POST /admin/forced-tls/import', () => {
  it('previews what the connectors add and keep without changing the policy, then applies by PUT', async () => {
    const before = await current();
    expect(
      (await put({ ...before.policy, forcedTlsDomains: ['known.example'] }, before.version)).statusCode,
    ).toBe(200);
    const based = await current();

    const response = await importConnectors(`\uFEFF${CONNECTORS}`);
    expect(response.statusCode).toBe(200);
    const preview = response.json<{
      add: unknown[];
      resultingForcedTlsDomains: unknown[];
      basedOnVersion: number;
    }>();
    const validated = (domain: string) => ({
      domain,
      level: 'domain-validation',
      tlsDomain: 'mx.partners.example',
    });
    const insurer = { domain: 'insurer.example', level: 'certificate-validation' };
    expect(preview).toEqual({
      connectors: [
        {
          name: 'Partners TLS',
          tls: 'domain-validation',
          tlsDomain: 'mx.partners.example',
          domains: ['*.insurer.example', 'bank.example', 'known.example'],
        },
        { name: 'Insurer', tls: 'certificate-validation', tlsDomain: null, domains: ['insurer.example'] },
      ],
      skipped: ['Old: disabled', 'Plain: TlsSettings is not set, so TLS is not required'],
      add: [validated('*.insurer.example'), validated('bank.example'), insurer],
      // Listed as a plain string (encryption-only), the connector says domain validation: an update.
      update: [validated('known.example')],
      keep: [],
      resultingForcedTlsDomains: [
        validated('*.insurer.example'),
        validated('bank.example'),
        insurer,
        validated('known.example'),
      ],
      basedOnVersion: based.version,
    });
    expect(await current()).toEqual(based);

    const applied = await put(
      { ...based.policy, forcedTlsDomains: preview.resultingForcedTlsDomains },
      preview.basedOnVersion,
    );
    expect(applied.statusCode).toBe(200);
    expect((await current()).policy.forcedTlsDomains).toEqual(preview.resultingForcedTlsDomains);
    expect((await importConnectors(CONNECTORS)).json()).toMatchObject({
      add: [],
      update: [],
      keep: ['*.insurer.example', 'bank.example', 'insurer.example', 'known.example'],
    });
  });

  it.each([
    ['empty text', '  \n', 'Paste the output of Get-OutboundConnector | ConvertTo-Json'],
    ['text that is not JSON', 'Name : Partners TLS', 'This is not JSON'],
    ['JSON that is not connectors', '{"Name": "x"}', 'is this Get-OutboundConnector output?'],
    ['a list of numbers', '[1, 2]', 'Expected one connector object'],
    ['text over the limit', `[${' '.repeat(MAX_CONNECTOR_JSON)}]`, 'over 2 MB'],
  ])('refuses %s with CONNECTOR_JSON_INVALID', async (_label, text, message) => {
    const response = await importConnectors(text);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('CONNECTOR_JSON_INVALID');
    expect(errorOf(response).message).toContain(message);
  });

  it('refuses a body far over the limit with 413, and a malformed body with VALIDATION_FAILED', async () => {
    const huge = await importConnectors('"'.repeat(MAX_CONNECTOR_JSON + 1));
    expect(huge.statusCode).toBe(413);
    expect(errorOf(huge).code).toBe('BODY_TOO_LARGE');
    for (const payload of [{}, { connectorsJson: 42 }, { connectorsJson: '[]', apply: true }]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/forced-tls/import',
        headers: admin,
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('entra roles', () => {
  let issuer: TestIssuer;
  let entra: FastifyInstance;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    entra = await buildApp(
      testConfig({
        auth: 'entra',
        entra: testEntraConfig(issuer),
      }),
      noProbe,
    );
  });
  afterAll(async () => {
    await entra.close();
    await issuer.close();
  });

  it('lets a token with the admin role in', async () => {
    const token = await issuer.token({ roles: ['TLSGate.Admin'], name: 'Ada Admin' });
    const response = await entra.inject({
      url: '/api/v1/admin/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'Ada Admin', via: 'entra' });
  });

  it('refuses a token without it on every admin route, and no token at all with 401', async () => {
    const token = await issuer.token({ roles: ['TLSGate.Reader'] });
    for (const route of ROUTES) {
      const user = await entra.inject({
        ...route,
        headers: { ...route.headers, authorization: `Bearer ${token}` },
      });
      expect([route.url, user.statusCode, errorOf(user).code]).toEqual([route.url, 403, 'FORBIDDEN']);
      const anonymous = await entra.inject(route);
      expect([route.url, anonymous.statusCode, errorOf(anonymous).code]).toEqual([
        route.url,
        401,
        'UNAUTHENTICATED',
      ]);
    }
  });
});
