/**
 * The sender's API for the secure portal: creating messages (multipart, limits, validation, policy),
 * listing them with their status, the audit log, extending and revoking.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MAX_UPLOAD_BYTES } from '../../src/server/portal/api';
import {
  createMessage,
  linkPath,
  markersOnDisk,
  multipart,
  PortalClient,
  startPortalApp,
  upload,
  type PortalApp,
} from '../support/portal';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';

const MiB = 1024 * 1024;
const SUBJECT = `ApiSubject-${randomUUID()}`;
const BODY = `ApiBody-${randomUUID()}`;

let inbox: SmtpInbox;
let portal: PortalApp;
let app: FastifyInstance;

const valid = (overrides: Record<string, unknown> = {}) => ({
  senderEmail: 'alice@sender.test',
  subject: SUBJECT,
  body: `<p>${BODY}</p>`,
  recipients: ['bob@rcpt.test'],
  ...overrides,
});

interface ErrorBody {
  error: { code: string; message: string };
}

interface Summary {
  id: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  maxExpiresAt: string;
  subject: string | null;
  recipients: Array<{ address: string | null; firstOpenedAt: string | null; lastOpenedAt: string | null }>;
}

beforeAll(async () => {
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox });
  app = portal.app;
});

afterAll(async () => {
  await app.close();
  await inbox.close();
});

describe('POST /api/v1/portal/messages', () => {
  it('stores the message and returns a link with a 128-bit token, expiring after 14 days by default', async () => {
    const response = await upload(app, {
      message: valid(),
      files: [{ name: 'report.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7 ...') }],
    });
    expect(response.statusCode).toBe(201);
    const created = response.json<{ id: string; link: string; expiresAt: string; verification: string }>();
    expect(created.link).toMatch(/^https:\/\/tlsgate\.example\.test\/portal\/m\/[A-Za-z0-9_-]{22}$/);
    expect(created.verification).toBe('email-code');
    expect(response.headers.location).toBe(`/api/v1/portal/messages/${created.id}`);
    const days = (Date.parse(created.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.99);
    expect(days).toBeLessThanOrEqual(14);
  });

  it('takes an expiry of up to 90 days, and no more', async () => {
    const ninety = await createMessage(app, { message: valid({ expiresInDays: 90 }) });
    expect(Date.parse(ninety.expiresAt) - Date.now()).toBeGreaterThan(89.99 * 86_400_000);
    const tooLong = await upload(app, { message: valid({ expiresInDays: 91 }) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    expect(tooLong.json<ErrorBody>().error.message).toContain('message.expiresInDays');
  });

  it.each([
    ['a sender address that is not one', { senderEmail: 'not an address' }, 'message.senderEmail'],
    ['no recipients', { recipients: [] }, 'message.recipients'],
    ['a recipient that is not an address', { recipients: ['bob'] }, 'message.recipients.0'],
    ['an unknown method', { verification: { method: 'carrier-pigeon' } }, 'message.verification'],
    ['a short access code', { verification: { method: 'access-code', accessCode: '123' } }, 'at least 6'],
    [
      'sms-code without phone numbers',
      { verification: { method: 'sms-code' } },
      'message.recipients.0.phone',
    ],
    ['an unknown field', { cc: ['x@y.test'] }, 'message'],
  ])('refuses %s', async (_name, overrides, where) => {
    const response = await upload(app, { message: valid(overrides) });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.json<ErrorBody>().error.message).toContain(where);
  });

  it('wants the message field first, then the files', async () => {
    const response = await upload(app, {
      message: valid(),
      files: [{ name: 'a.txt', data: Buffer.from('a') }],
      filesFirst: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.message).toContain('"message" field first');
  });

  it('takes multipart only: JSON is a 415 before the body is read', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/portal/messages',
      payload: JSON.stringify(valid()),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json<ErrorBody>().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a declared size over the limit with 413 without waiting for the body', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const { contentType } = await multipart({ message: valid() });
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/portal/messages',
        headers: { 'content-type': contentType, 'content-length': String(MAX_UPLOAD_BYTES + 1) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      // A few bytes of the promised 29 MiB, and then nothing: only an early answer ends this.
      req.write('--x\r\n');
    });
    expect(answer.status).toBe(413);
    const error = (JSON.parse(answer.body) as ErrorBody).error;
    expect(error.code).toBe('BODY_TOO_LARGE');
    expect(error.message).toContain('25 MiB');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses attachments over 25 MiB in total with 413, counting as they stream', async () => {
    const response = await upload(app, {
      message: valid(),
      files: [
        { name: 'one.bin', data: Buffer.alloc(13 * MiB, 1) },
        { name: 'two.bin', data: Buffer.alloc(12 * MiB + 1, 2) },
      ],
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<ErrorBody>()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'Attachments may total at most 25 MiB.' },
    });
    // Exactly 25 MiB is fine.
    const exact = await upload(app, {
      message: valid(),
      files: [
        { name: 'one.bin', data: Buffer.alloc(13 * MiB, 1) },
        { name: 'two.bin', data: Buffer.alloc(12 * MiB, 2) },
      ],
    });
    expect(exact.statusCode).toBe(201);
  });

  it('caps the number of attachments and the length of their names', async () => {
    const many = await upload(app, {
      message: valid(),
      files: Array.from({ length: 21 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })),
    });
    expect(many.statusCode).toBe(413);
    expect(many.json<ErrorBody>().error.message).toContain('at most 20 attachments');
    const long = await upload(app, {
      message: valid(),
      files: [{ name: `${'n'.repeat(201)}.txt`, data: Buffer.from('x') }],
    });
    expect(long.statusCode).toBe(400);
    expect(long.json<ErrorBody>().error.message).toContain('at most 200 characters');
  });

  it('keeps the 64 KiB body limit everywhere else, and multipart stays unsupported there', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      payload: JSON.stringify({ domains: ['x'.repeat(70 * 1024)] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json<ErrorBody>().error.code).toBe('BODY_TOO_LARGE');
    const { payload, contentType } = await multipart({ message: valid() });
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/v1/domains/lookup',
      payload,
      headers: { 'content-type': contentType },
    });
    expect(elsewhere.statusCode).toBe(415);
  });

  it('is 403 PORTAL_DISABLED while the org policy has the portal off', async () => {
    const off = await startPortalApp({ inbox, portalOn: false });
    try {
      const response = await upload(off.app, { message: valid() });
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('PORTAL_DISABLED');
    } finally {
      await off.app.close();
    }
  });

  it('is 503 PORTAL_NOT_CONFIGURED for email codes without a relay, and for SMS without a provider', async () => {
    const bare = await startPortalApp();
    try {
      const email = await upload(bare.app, { message: valid() });
      expect(email.statusCode).toBe(503);
      expect(email.json<ErrorBody>().error.code).toBe('PORTAL_NOT_CONFIGURED');
      const sms = await upload(bare.app, {
        message: valid({
          recipients: [{ email: 'b@c.test', phone: '+31612345678' }],
          verification: { method: 'sms-code' },
        }),
      });
      expect(sms.json<ErrorBody>().error.code).toBe('PORTAL_NOT_CONFIGURED');
      const access = await upload(bare.app, {
        message: valid({ verification: { method: 'access-code', accessCode: 'correct horse' } }),
      });
      expect(access.statusCode).toBe(201);
    } finally {
      await bare.app.close();
    }
  });

  it('needs a signed-in sender', async () => {
    const entra = await startPortalApp({
      env: {
        TLSGATE_AUTH: 'entra',
        TLSGATE_ENTRA_TENANT_ID: '11111111-2222-3333-4444-555555555555',
        TLSGATE_ENTRA_AUDIENCE: 'api://tlsgate',
      },
    });
    try {
      const response = await upload(entra.app, { message: valid() });
      expect(response.statusCode).toBe(401);
      expect((await entra.app.inject({ method: 'GET', url: '/api/v1/portal/messages' })).statusCode).toBe(
        401,
      );
    } finally {
      await entra.app.close();
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/portal/messages',
        '/api/v1/portal/messages/{id}',
        '/api/v1/portal/messages/{id}/audit',
        '/api/v1/portal/messages/{id}/replies',
        '/api/v1/portal/messages/{id}/replies/{reply}/attachments/{index}',
        '/api/v1/portal/messages/{id}/revoke',
        '/api/v1/portal/messages/{id}/extend',
      ]),
    );
  });
});

describe("the sender's messages", () => {
  it('lists them with status delivered, then opened by which recipient and when', async () => {
    const sender = '198.51.100.20';
    const created = await (async () => {
      const { payload, contentType } = await multipart({
        message: valid({ recipients: ['bob@rcpt.test', 'carol@rcpt.test'] }),
      });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/portal/messages',
        payload,
        headers: { 'content-type': contentType },
        remoteAddress: sender,
      });
      return response.json<{ id: string; link: string }>();
    })();
    const list = async () =>
      (await app.inject({ method: 'GET', url: '/api/v1/portal/messages', remoteAddress: sender })).json<{
        messages: Summary[];
      }>().messages;
    expect(await list()).toEqual([
      expect.objectContaining({
        id: created.id,
        status: 'delivered',
        subject: SUBJECT,
        recipients: [
          { address: 'bob@rcpt.test', firstOpenedAt: null, lastOpenedAt: null },
          { address: 'carol@rcpt.test', firstOpenedAt: null, lastOpenedAt: null },
        ],
      }),
    ]);

    const client = new PortalClient(app, linkPath(created.link));
    const since = inbox.mails.length;
    await client.start('carol@rcpt.test');
    const mail = await inbox.waitFor(
      (m) => inbox.mails.indexOf(m) >= since && m.to.includes('carol@rcpt.test'),
    );
    await client.verify(codeFrom(mail));
    await client.get();
    await app.services.portal!.idle();

    const [opened] = await list();
    expect(opened?.status).toBe('opened');
    expect(opened?.recipients[0]?.firstOpenedAt).toBeNull();
    expect(Date.now() - Date.parse(opened!.recipients[1]!.firstOpenedAt!)).toBeLessThan(10_000);

    // Another sender sees none of it.
    const other = await app.inject({
      method: 'GET',
      url: '/api/v1/portal/messages',
      remoteAddress: '198.51.100.21',
    });
    expect(other.json<{ messages: Summary[] }>().messages.map((m) => m.id)).not.toContain(created.id);
    const peek = await app.inject({
      method: 'GET',
      url: `/api/v1/portal/messages/${created.id}`,
      remoteAddress: '198.51.100.21',
    });
    expect(peek.statusCode).toBe(404);
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/v1/portal/messages/${created.id}/revoke`,
      remoteAddress: '198.51.100.21',
    });
    expect(revoke.statusCode).toBe(404);

    const audit = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/portal/messages/${created.id}/audit`,
        remoteAddress: sender,
      })
    ).json<{
      events: Array<{ kind: string; participant: number | null; address: string | null; detail: unknown }>;
    }>();
    expect(audit.events).toEqual([
      expect.objectContaining({ kind: 'opened', participant: 2, address: 'carol@rcpt.test' }),
      expect.objectContaining({ kind: 'code-sent', participant: 2, address: 'carol@rcpt.test' }),
      expect.objectContaining({ kind: 'created', participant: 0, address: 'alice@sender.test' }),
    ]);
  });

  it('extends the expiry up to 90 days after creation, and not beyond', async () => {
    const created = await createMessage(app, { message: valid() });
    const extend = (expiresAt: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/portal/messages/${created.id}/extend`,
        payload: { expiresAt },
      });
    const summary = (
      await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}` })
    ).json<Summary>();
    const max = Date.parse(summary.maxExpiresAt);
    expect(max - Date.parse(summary.createdAt)).toBe(90 * 86_400_000);

    const beyond = await extend(new Date(max + 1000).toISOString());
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json<ErrorBody>().error.message).toContain('at most 90 days');
    const past = await extend(new Date(Date.now() - 1000).toISOString());
    expect(past.statusCode).toBe(400);
    const ok = await extend(new Date(max).toISOString());
    expect(ok.statusCode).toBe(200);
    expect(ok.json<Summary>().expiresAt).toBe(new Date(max).toISOString());
    const audit = (
      await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
    ).json<{
      events: Array<{ kind: string; detail: unknown }>;
    }>();
    expect(audit.events[0]).toMatchObject({
      kind: 'extended',
      detail: { expiresAt: new Date(max).toISOString() },
    });

    await app.inject({ method: 'POST', url: `/api/v1/portal/messages/${created.id}/revoke` });
    const closed = await extend(new Date(max).toISOString());
    expect(closed.statusCode).toBe(409);
    expect(closed.json<ErrorBody>().error.code).toBe('MESSAGE_CLOSED');
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/replies` })).statusCode,
    ).toBe(409);
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const unknown = await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${randomUUID()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorBody>().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/v1/portal/messages/nope' })).statusCode).toBe(400);
  });
});

describe('disk', () => {
  it('holds no subject or body in clear', () => {
    expect(
      markersOnDisk(join(portal.dir, 'data'), [SUBJECT, BODY, 'bob@rcpt.test', 'alice@sender.test']),
    ).toEqual([]);
  });
});
