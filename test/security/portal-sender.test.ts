/**
 * Finding 6: the portal sender's "From" was whatever the client said. With entra auth it is the address the
 * token vouches for (`preferred_username`, else `upn`); any other is refused with 403 SENDER_MISMATCH. The
 * real app on a real SQLite file, tokens signed by a loopback stand-in for Entra ID.
 */
import type { ErrorBody } from '../../src/server/errors';
import { startTestIssuer, TEST_AUDIENCE, TEST_TENANT, type TestIssuer } from '../support/entra';
import {
  linkPath,
  PortalClient,
  startPortalApp,
  upload,
  type Created,
  type PortalApp,
} from '../support/portal';

const ACCESS_CODE = 'correct horse battery';
const RECIPIENT = 'bob@rcpt.test';
const SIGNED_IN = 'ann.jansen@sender.test';
const SPOOFED = 'ceo@sender.test';

let issuer: TestIssuer;
let portal: PortalApp;

beforeAll(async () => {
  issuer = await startTestIssuer();
  portal = await startPortalApp({
    env: {
      TLSGATE_AUTH: 'entra',
      TLSGATE_ENTRA_TENANT_ID: TEST_TENANT,
      TLSGATE_ENTRA_AUDIENCE: TEST_AUDIENCE,
      TLSGATE_ENTRA_JWKS_URL: issuer.jwksUrl,
      TLSGATE_ENTRA_ISSUER: issuer.issuer,
    },
  });
});
afterAll(async () => {
  await portal.app.close();
  await issuer.close();
});

function message(senderEmail?: string) {
  return {
    ...(senderEmail !== undefined ? { senderEmail } : {}),
    subject: 'Contract',
    body: '<p>Hello</p>',
    recipients: [RECIPIENT],
    verification: { method: 'access-code', accessCode: ACCESS_CODE },
  };
}

async function send(claims: Record<string, unknown>, senderEmail?: string) {
  const token = await issuer.token(claims);
  return upload(portal.app, { message: message(senderEmail) }, { authorization: `Bearer ${token}` });
}

/** What the recipient sees as From after signing in. */
async function fromShown(created: Created): Promise<string> {
  const client = new PortalClient(portal.app, linkPath(created.link));
  await client.start(RECIPIENT);
  expect((await client.verify(ACCESS_CODE, RECIPIENT)).statusCode).toBe(303);
  const page = (await client.get()).body;
  const from = /<dd>([^<]*@[^<]*)<\/dd>/.exec(page);
  return from?.[1] ?? '';
}

describe('the portal sender with entra sign-in', () => {
  it('refuses a senderEmail other than the signed-in address', async () => {
    const response = await send({ preferred_username: SIGNED_IN }, SPOOFED);
    expect(response.statusCode).toBe(403);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('SENDER_MISMATCH');
    expect(body.error.message).not.toContain(SPOOFED);
    // Nothing was stored for it.
    const token = await issuer.token({ preferred_username: SIGNED_IN });
    const list = await portal.app.inject({
      method: 'GET',
      url: '/api/v1/portal/messages',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.json<{ messages: unknown[] }>().messages).toEqual([]);
  });

  it('takes the From shown to recipients from the token', async () => {
    // The same address in other capitals, or none at all, is the signed-in one.
    for (const given of [SIGNED_IN.toUpperCase(), undefined]) {
      const response = await send({ preferred_username: SIGNED_IN }, given);
      expect(response.statusCode).toBe(201);
      expect(await fromShown(response.json<Created>())).toBe(SIGNED_IN);
    }
  });

  it('falls back to the upn claim, and refuses a token that names no address', async () => {
    const byUpn = await send({ upn: SIGNED_IN }, undefined);
    expect(byUpn.statusCode).toBe(201);
    expect(await fromShown(byUpn.json<Created>())).toBe(SIGNED_IN);
    expect((await send({ upn: SIGNED_IN }, SPOOFED)).statusCode).toBe(403);

    const none = await send({ preferred_username: 'not an address' }, SIGNED_IN);
    expect(none.statusCode).toBe(403);
    expect(none.json<ErrorBody>().error.code).toBe('SENDER_MISMATCH');
  });
});

describe('the portal sender with open auth', () => {
  it('still takes the address the client gives, and needs one', async () => {
    const open = await startPortalApp();
    try {
      const given = await upload(open.app, { message: message(SPOOFED) });
      expect(given.statusCode).toBe(201);
      const missing = await upload(open.app, { message: message() });
      expect(missing.statusCode).toBe(400);
      expect(missing.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    } finally {
      await open.app.close();
    }
  });
});
