import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import {
  OTHER_TENANT,
  startTestIssuer,
  TEST_AUDIENCE,
  testEntraConfig,
  type TestIssuer,
} from '../support/entra';

/** Entra auth with real JWT verification (jose) against a JWKS server on loopback. */

let issuer: TestIssuer;
let app: FastifyInstance;
const ADMIN_TOKEN = 'automation-'.padEnd(48, 'k');
const ADDIN_CLIENT_ID = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await buildApp(
    testConfig({
      auth: 'entra',
      adminToken: ADMIN_TOKEN,
      entra: testEntraConfig(issuer, {
        adminGroupId: '5e0f5a5e-0000-4000-8000-00000000a0a0',
        // The add-in's Office SSO tokens name its client id as the audience.
        audience: [TEST_AUDIENCE, ADDIN_CLIENT_ID],
      }),
    }),
    { probe: () => Promise.reject(new Error('no probing in auth tests')) },
  );
});
afterAll(async () => {
  await app.close();
  await issuer.close();
});

async function policyWith(authorization?: string) {
  return app.inject({
    method: 'GET',
    url: '/api/v1/policy',
    headers: authorization ? { authorization } : {},
  });
}

function code(response: { json: () => unknown }): string {
  return (response.json() as { error: { code: string } }).error.code;
}

describe('entra auth', () => {
  it('accepts a valid token from the tenant for the audience', async () => {
    const response = await policyWith(`Bearer ${await issuer.token()}`);
    expect(response.statusCode).toBe(200);
  });

  it('refuses a missing token', async () => {
    const response = await policyWith();
    expect(response.statusCode).toBe(401);
    expect(code(response)).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await policyWith('Basic dXNlcjpwYXNz');
    expect(response.statusCode).toBe(401);
  });

  it('refuses an expired token, saying so', async () => {
    const token = await issuer.token({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const response = await policyWith(`Bearer ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.json<{ error: { message: string } }>().error.message).toContain('expired');
  });

  it('refuses a token from another tenant', async () => {
    const response = await policyWith(`Bearer ${await issuer.token({ tid: OTHER_TENANT })}`);
    expect(response.statusCode).toBe(401);
    expect(response.json<{ error: { message: string } }>().error.message).toContain('another tenant');
  });

  it("accepts every configured audience: the API's and the add-in's SSO tokens", async () => {
    expect((await policyWith(`Bearer ${await issuer.token()}`)).statusCode).toBe(200);
    expect(
      (await policyWith(`Bearer ${await issuer.token({}, { audience: ADDIN_CLIENT_ID })}`)).statusCode,
    ).toBe(200);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(
      (await policyWith(`Bearer ${await issuer.token({}, { audience: 'api://other' })}`)).statusCode,
    ).toBe(401);
    const foreignIssuer = `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`;
    expect((await policyWith(`Bearer ${await issuer.token({}, { issuer: foreignIssuer })}`)).statusCode).toBe(
      401,
    );
  });

  it('refuses a token signed with a key that is not in the JWKS', async () => {
    const response = await policyWith(`Bearer ${await issuer.token({}, { foreignKey: true })}`);
    expect(response.statusCode).toBe(401);
    expect(code(response)).toBe('UNAUTHENTICATED');
  });

  it('grants admin by app role, by group, or by the admin token; others get 403', async () => {
    const audit = (authorization: string) =>
      app.inject({ method: 'GET', url: '/api/v1/admin/policy/audit', headers: { authorization } });
    expect((await audit(`Bearer ${await issuer.token()}`)).statusCode).toBe(403);
    expect((await audit(`Bearer ${await issuer.token({ roles: ['TLSGate.Admin'] })}`)).statusCode).toBe(200);
    expect(
      (await audit(`Bearer ${await issuer.token({ groups: ['5E0F5A5E-0000-4000-8000-00000000A0A0'] })}`))
        .statusCode,
    ).toBe(200);
    expect((await audit(`Bearer ${ADMIN_TOKEN}`)).statusCode).toBe(200);
    expect((await audit(`Bearer ${ADMIN_TOKEN}x`)).statusCode).toBe(401);
  });

  it('records the signed-in subject as the policy author', async () => {
    const token = await issuer.token({ roles: ['TLSGate.Admin'], oid: 'admin-oid-7' });
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { authorization: `Bearer ${token}`, 'if-match': '"policy-v0"' },
      payload: { portal: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ updatedBy: 'user:admin-oid-7', policy: { portal: true } });
  });

  it('leaves health checks and the API document open', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(200);
  });
});
