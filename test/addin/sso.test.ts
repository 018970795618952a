import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { createOfficeShim } from '../../addin/try/office-shim';
import { blankReport } from '../../src/core/report';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { startTestIssuer, testEntraConfig, type TestIssuer } from '../support/entra';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';

/**
 * An Entra deployment end to end: launchevent.js built for SSO gets the signed-in user's token from Office
 * (a stand-in for OfficeRuntime.auth, handing out tokens from the test issuer), and the real backend, which
 * verifies them, answers the lookups and takes the activity report.
 */

const ADMIN = 'sso-admin-'.padEnd(48, 's');
const ADDIN_CLIENT_ID = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';
const IBAN_BODY = 'Deposit to NL91 ABNA 0417 1643 00 please.';
let issuer: TestIssuer;
let app: FastifyInstance;
let bundle = '';

beforeAll(async () => {
  issuer = await startTestIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-sso-'));
  app = await buildApp(
    testConfig({
      db: join(dir, 'db.sqlite'),
      auth: 'entra',
      adminToken: ADMIN,
      entra: testEntraConfig(issuer, { audience: ['api://tlsgate-test', ADDIN_CLIENT_ID] }),
    }),
    { probe: (domain) => Promise.resolve(blankReport(domain, 'none', [])) },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bundle = await buildLaunchEventBundle(base, { sso: true });
}, 60_000);
afterAll(async () => {
  await app.close();
  await issuer.close();
});

/** One send with OfficeRuntime.auth answering `token`; resolves to what the handler completed with. */
async function send(token: () => Promise<string>): Promise<{ result: unknown; asked: unknown[] }> {
  const asked: unknown[] = [];
  const stub = createOfficeShim({ draft: { to: [{ emailAddress: 'ann@plain.example' }], body: IBAN_BODY } });
  const OfficeRuntime = {
    auth: {
      getAccessToken: (options: unknown) => {
        asked.push(options);
        return token();
      },
    },
  };
  const context = vm.createContext({ Office: stub.Office, OfficeRuntime, fetch, setTimeout, clearTimeout });
  vm.runInContext(bundle, context);
  const result = await stub.runLaunchEvent('onMessageSendHandler');
  return { result, asked };
}

async function blockedCount(): Promise<number> {
  const response = await app.inject({
    url: '/api/v1/admin/activity?days=1',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return response.json<{ days: Array<{ counts: Record<string, number> }> }>().days[0]?.counts.blocked ?? 0;
}

it("checks with the signed-in user's token, without prompting, and reports the decision", async () => {
  const { result, asked } = await send(() => issuer.token({}, { audience: ADDIN_CLIENT_ID }));
  // The backend answered: "No TLS" for plain.example, so the IBAN is blocked (not "could not check").
  expect(result).toMatchObject({ allowEvent: false });
  expect(JSON.stringify(result)).toContain('plain.example');
  expect(JSON.stringify(result)).not.toMatch(/could not (run|check)/i);
  expect(asked[0]).toEqual({ allowSignInPrompt: false, allowConsentPrompt: false, forMSGraphAccess: false });
  let blocked = 0;
  for (let i = 0; i < 50 && blocked === 0; i++) {
    blocked = await blockedCount();
    if (blocked === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(blocked).toBe(1);
});

it('falls back to the policy for unreachable checks when Office has no token for the user', async () => {
  const { result } = await send(() => Promise.reject(Object.assign(new Error('no'), { code: 13001 })));
  // Without a token the backend says 401: the recipients could not be checked, and onBackendError (warn) applies.
  expect(result).toMatchObject({ allowEvent: false, sendModeOverride: 'promptUser' });
  expect(JSON.stringify(result)).toMatch(/could not (run|check)/i);
});
