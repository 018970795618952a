/**
 * The recipient's path through the secure portal, against the real app on a real SQLite file, with code
 * mails going through the real relay client to a real SMTP server on loopback (STARTTLS, test CA).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { SmsProvider } from '../../src/server/portal/sms';
import {
  createMessage,
  csrfOf,
  filesUnder,
  linkPath,
  markersOnDisk,
  PortalClient,
  startPortalApp,
  type Created,
  type PortalApp,
} from '../support/portal';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';

const marker = (label: string) => `${label}-${randomUUID()}`;
const SUBJECT = marker('SubjectMarker');
const BODY = marker('BodyMarker');
const FILE_NAME = `${marker('NameMarker')}.bin`;
const FILE_TEXT = marker('FileMarker');
const REPLY = marker('ReplyMarker');
const REPLY_FILE_NAME = `${marker('ReplyNameMarker')}.txt`;
const REPLY_FILE_TEXT = marker('ReplyFileMarker');
const SENDER = `sender.${randomUUID().slice(0, 8)}@sender.test`;
const BOB = `bob.${randomUUID().slice(0, 8)}@rcpt.test`;
const CAROL = `carol.${randomUUID().slice(0, 8)}@rcpt.test`;
// Several chunks (1 MiB each), not on a chunk boundary, with a marker inside.
const FILE = Buffer.concat([randomBytes(2.5 * 1024 * 1024), Buffer.from(FILE_TEXT)]);

let inbox: SmtpInbox;
let portal: PortalApp;
let app: FastifyInstance;
let main: Created;
const dirs: string[] = [];
const tokens: string[] = [];

function message(overrides: Record<string, unknown> = {}) {
  return {
    senderEmail: SENDER,
    subject: SUBJECT,
    body: `<p>${BODY}</p>`,
    recipients: [BOB, CAROL],
    ...overrides,
  };
}

async function create(
  overrides: Record<string, unknown> = {},
  files = [] as Array<{ name: string; data: Buffer }>,
) {
  const created = await createMessage(app, { message: message(overrides), files });
  tokens.push(linkPath(created.link).split('/').pop()!);
  return created;
}

/** The code in the first mail to `email` after the inbox held `since` mails. */
async function codeTo(email: string, since: number): Promise<string> {
  const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= since && m.to.includes(email));
  // The `code-sent` audit entry follows the relay's acceptance.
  await app.services.portal!.idle();
  return codeFrom(mail);
}

/** Opens the link as `email`, reads the code from the inbox and enters it. */
async function signIn(
  link: string,
  email: string,
  headers: Record<string, string> = {},
): Promise<PortalClient> {
  const client = new PortalClient(app, linkPath(link), headers);
  const before = inbox.mails.length;
  const page = await client.start(email);
  expect(page.statusCode).toBe(200);
  const verified = await client.verify(await codeTo(email, before), email);
  expect(verified.statusCode).toBe(303);
  return client;
}

function db(): Database.Database {
  return new Database(join(portal.dir, 'data', 'tlsgate.db'), { readonly: true });
}

beforeAll(async () => {
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox });
  dirs.push(portal.dir);
  app = portal.app;
  main = await create({}, [{ name: FILE_NAME, data: FILE }]);
});

let closed = false;
afterAll(async () => {
  if (!closed) await app.close();
  await inbox.close();
});

describe('opening a message', () => {
  it('mails a code over STARTTLS, opens the message, downloads the attachment byte for byte, and replies', async () => {
    const client = new PortalClient(app, linkPath(main.link));
    const landing = await client.get();
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('name="email"');
    // Nothing about the message shows before sign-in.
    expect(landing.body).not.toContain(SUBJECT);

    const codePage = await client.start(BOB.toUpperCase());
    expect(codePage.body).toContain('6-digit code');
    // The code goes to the address as the sender gave it, not as typed.
    const mail = await inbox.waitFor((m) => m.to.includes(BOB));
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('portal');
    expect(mail.raw).toMatch(/^From: TLS Gate <portal@tlsgate\.example\.test>/m);
    // The code mail carries nothing of the message.
    expect(mail.raw).not.toContain(SUBJECT);
    const code = codeFrom(mail);

    const verified = await client.verify(code, BOB);
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe(linkPath(main.link));

    const page = await client.get();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<h1>${SUBJECT}</h1>`);
    expect(page.body).toContain(`<p>${BODY}</p>`);
    expect(page.body).toContain(SENDER);
    expect(page.body).toContain(FILE_NAME);
    const csrf = client.csrf();

    const download = await client.get('/attachments/0');
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(FILE)).toBe(true);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="${FILE_NAME}"; filename*=UTF-8''${FILE_NAME}`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-length']).toBe(String(FILE.length));
    expect(download.headers['cache-control']).toBe('no-store');

    const replied = await client.post('/reply', { text: REPLY, _csrf: csrf });
    expect(replied.statusCode).toBe(303);
    const after = await client.get('?replied=1');
    expect(after.body).toContain('Your reply was sent securely.');
    expect(after.body).toContain(REPLY);

    // The sender is told, with a link of their own, and reads the reply after verifying their own address.
    const notice = await inbox.waitFor(
      (m) => m.to.includes(SENDER) && m.subject === 'Reply to your secure message',
    );
    expect(notice.text).toContain(`${BOB} replied`);
    expect(notice.text).not.toContain(REPLY);
    const senderLink = /https:\/\/tlsgate\.example\.test\/portal\/m\/[A-Za-z0-9_-]{22}/.exec(
      notice.text,
    )?.[0];
    expect(senderLink).toBeDefined();
    expect(senderLink).not.toBe(main.link);
    tokens.push(senderLink!.split('/').pop()!);
    // A recipient cannot use the sender's link.
    const intruder = new PortalClient(app, linkPath(senderLink!));
    await intruder.start(CAROL);
    await app.services.portal!.idle();
    expect(inbox.mails.some((m) => m.to.includes(CAROL))).toBe(false);

    const sender = await signIn(senderLink!, SENDER);
    const senderView = await sender.get();
    expect(senderView.body).toContain(SUBJECT);
    expect(senderView.body).toContain(REPLY);
    expect(senderView.body).toContain(BOB);
    expect(senderView.body).not.toContain('action="' + linkPath(senderLink!) + '/reply"');

    const api = await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${main.id}/replies` });
    const { replies } = api.json<{ replies: Array<{ from: string; participant: number; text: string }> }>();
    expect(replies).toMatchObject([{ from: BOB, participant: 1, text: REPLY }]);
  });

  it('answers an address that is not a recipient exactly as one that is, and sends it nothing', async () => {
    const strip = (html: string, email: string) =>
      html.replaceAll(email, 'EMAIL').replace(/name="_csrf" value="[^"]+"/g, 'CSRF');
    const right = new PortalClient(app, linkPath(main.link));
    const wrong = new PortalClient(app, linkPath(main.link));
    await right.get();
    await wrong.get();
    const stranger = `mallory.${randomUUID().slice(0, 8)}@evil.test`;
    const a = await right.start(CAROL);
    const b = await wrong.start(stranger);
    expect(b.statusCode).toBe(a.statusCode);
    expect(strip(b.body, stranger)).toBe(strip(a.body, CAROL));
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort());
    await inbox.waitFor((m) => m.to.includes(CAROL));
    await app.services.portal!.idle();
    expect(inbox.mails.some((m) => m.to.includes(stranger))).toBe(false);
    // Whatever code the stranger tries, it fails like a wrong code.
    const tried = await wrong.verify('123456', stranger);
    expect(tried.statusCode).toBe(400);
    expect(tried.body).toContain('That code is not right');
  });

  it('refuses a code that was already used, and a code after 5 wrong tries', async () => {
    const client = new PortalClient(app, linkPath(main.link));
    const since = inbox.mails.length;
    await client.start(CAROL);
    const code = await codeTo(CAROL, since);
    const flow = client.cookies.get('tgp_flow')!;
    const csrf = client.csrf();
    expect((await client.verify(code, CAROL)).statusCode).toBe(303);

    // Replayed with the same sign-in cookie and form, as someone who captured both would.
    const replay = new PortalClient(app, linkPath(main.link));
    replay.cookies.set('tgp_flow', flow);
    const again = await replay.post('/verify', { code, email: CAROL, _csrf: csrf });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('can no longer be used');
    expect(replay.cookies.has('tgp_session')).toBe(false);

    // Five wrong entries void a fresh code, even the right one after them.
    const other = new PortalClient(app, linkPath(main.link));
    const sent = inbox.mails.length;
    await other.start(CAROL);
    const fresh = await codeTo(CAROL, sent);
    const wrongCode = fresh === '000000' ? '111111' : '000000';
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push((await other.verify(wrongCode, CAROL)).body);
    expect(results.slice(0, 4).every((body) => body.includes('That code is not right'))).toBe(true);
    expect(results[4]).toContain('can no longer be used');
    const late = await other.verify(fresh, CAROL);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('can no longer be used');
  });

  it('keeps sessions to their own message, and refuses altered cookies and missing CSRF tokens', async () => {
    const other = await create({ subject: 'other' });
    const client = await signIn(main.link, BOB);
    const session = client.cookies.get('tgp_session')!;

    const elsewhere = new PortalClient(app, linkPath(other.link));
    elsewhere.cookies.set('tgp_session', session);
    const page = await elsewhere.get();
    expect(page.body).toContain('name="email"');
    expect(page.body).not.toContain(SUBJECT);

    const forged = new PortalClient(app, linkPath(main.link));
    forged.cookies.set(
      'tgp_session',
      session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await forged.get()).body).not.toContain(SUBJECT);

    const noCsrf = await client.post('/reply', { text: 'no token' });
    expect(noCsrf.statusCode).toBe(303);
    const replies = await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${main.id}/replies` });
    expect(JSON.stringify(replies.json())).not.toContain('no token');

    const start = new PortalClient(app, linkPath(main.link));
    await start.get();
    const forgedStart = await start.post('/start', { email: BOB, _csrf: 'x'.repeat(43) });
    expect(forgedStart.statusCode).toBe(400);
    expect(forgedStart.body).toContain('The form had expired');
  });

  it('signs out', async () => {
    const client = await signIn(main.link, BOB);
    const csrf = csrfOf((await client.get()).body);
    const session = client.cookies.get('tgp_session')!;
    expect((await client.post('/logout', { _csrf: csrf })).statusCode).toBe(303);
    expect(client.cookies.has('tgp_session')).toBe(false);
    const reuse = new PortalClient(app, linkPath(main.link));
    reuse.cookies.set('tgp_session', session);
    expect((await reuse.get()).body).not.toContain(SUBJECT);
  });
});

describe('pages', () => {
  it('send a strict CSP with no scripts, no framing, no caching, and scoped HttpOnly SameSite=Strict Secure cookies', async () => {
    const client = new PortalClient(app, linkPath(main.link));
    const landing = await client.get();
    const csp = landing.headers['content-security-policy'];
    expect(csp).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(landing.headers['x-frame-options']).toBe('DENY');
    expect(landing.headers['cache-control']).toBe('no-store');
    expect(landing.headers['referrer-policy']).toBe('no-referrer');
    expect(landing.body).not.toMatch(/<script|\son\w+=/i);
    expect(landing.headers['set-cookie']).toMatch(
      new RegExp(
        `^tgp_flow=[^;]+; Path=${linkPath(main.link)}; Max-Age=1800; HttpOnly; SameSite=Strict; Secure$`,
      ),
    );
    // The API keeps its own CSP.
    const api = await app.inject({ method: 'GET', url: '/api/v1/policy' });
    expect(api.headers['content-security-policy']).toContain('frame-ancestors');
    expect(api.headers['content-security-policy']).not.toContain("default-src 'none'");

    const css = await app.inject({ method: 'GET', url: '/portal/portal.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answer an unknown, malformed or closed link with the same page', async () => {
    const unknown = await app.inject({ method: 'GET', url: `/portal/m/${'A'.repeat(22)}` });
    const malformed = await app.inject({ method: 'GET', url: '/portal/m/<script>' });
    expect(unknown.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(404);
    expect(unknown.body).toBe(malformed.body);
    expect(unknown.body).toContain('This message is not available');
    const missing = await app.inject({ method: 'GET', url: '/portal/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
  });

  it('speak Dutch when the browser asks for it, codes included', async () => {
    const client = new PortalClient(app, linkPath(main.link), {
      'accept-language': 'de-DE, nl;q=0.9, en;q=0.5',
    });
    const landing = await client.get();
    expect(landing.body).toContain('<html lang="nl">');
    expect(landing.body).toContain('U heeft een beveiligd bericht');
    const sent = inbox.mails.length;
    await client.start(BOB);
    const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= sent && m.to.includes(BOB));
    expect(mail.subject).toBe('Uw code voor een beveiligd bericht');
    await client.verify(await codeTo(BOB, sent), BOB);
    expect((await client.get()).body).toContain('Beveiligd antwoorden');
  });

  it('escape the subject and sanitize an HTML body: no scripts, handlers, remote images or frames', async () => {
    const hostile = await create({
      subject: '<script>alert("subject")</script>',
      body: `<html><head><title>t</title><style>p{color:red}</style><script>alert(1)</script></head><body>
        <p onclick="alert(2)" style="color:red" class="x">Hello <b>there</b></p>
        <img src="https://tracker.example/pixel.gif" onerror="alert(3)">
        <img src="data:image/png;base64,AAAA">
        <a href="javascript:alert(4)">bad link</a>
        <a href="https://good.example/page">good link</a>
        <iframe src="https://evil.example"></iframe>
        <svg><script>alert(5)</script></svg>
        <form action="https://evil.example"><input name="x"></form>
        <table><tr><td colspan="2">cell</td></tr></table>
      </body></html>`,
    });
    const client = await signIn(hostile.link, BOB);
    const page = (await client.get()).body;
    const body = page.slice(
      page.indexOf('<div class="body">'),
      page.indexOf('</div>', page.indexOf('<div class="body">')),
    );
    expect(page).toContain('<h1>&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;</h1>');
    expect(page).not.toMatch(
      /<script|<img|<iframe|<svg|<form action="https|<style|onclick|onerror|javascript:/i,
    );
    expect(body).toContain('<p>Hello <b>there</b></p>');
    expect(body).toContain(
      '<a href="https://good.example/page" rel="noopener noreferrer nofollow" target="_blank">good link</a>',
    );
    expect(body).toContain('<td colspan="2">cell</td>');
    expect(body).not.toContain('color:red');

    const text = await create({ format: 'text', body: '<b>not bold</b>\nline two' });
    const textClient = await signIn(text.link, CAROL);
    expect((await textClient.get()).body).toContain(
      '<pre class="text">&lt;b&gt;not bold&lt;/b&gt;\nline two</pre>',
    );
  });

  it('rate-limit the recipient forms per IP, far below the API limit', async () => {
    const limited = await startPortalApp({ inbox, deps: { rateLimits: { pages: 100, forms: 3 } } });
    dirs.push(limited.dir);
    try {
      const created = await createMessage(limited.app, { message: message() });
      const client = new PortalClient(limited.app, linkPath(created.link), {}, '192.0.2.7');
      await client.get();
      const csrf = client.csrf();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await client.post('/start', { email: 'x@y.test', _csrf: csrf })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(client.last?.headers['content-type']).toContain('text/html');
      expect(client.last?.body).toContain('Too many requests');
      const other = new PortalClient(limited.app, linkPath(created.link), {}, '192.0.2.8');
      await other.get();
      expect((await other.post('/start', { email: 'x@y.test', _csrf: other.csrf() })).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });
});

describe('lockout', () => {
  it('locks sign-in after 10 wrong codes in an hour, tells the sender, and logs it', async () => {
    const created = await create();
    const failures: number[] = [];
    for (let round = 0; round < 2; round++) {
      const client = new PortalClient(app, linkPath(created.link));
      const sent = inbox.mails.length;
      await client.start(BOB);
      const code = await codeTo(BOB, sent);
      const wrong = code === '999999' ? '999998' : '999999';
      for (let i = 0; i < 5; i++) failures.push((await client.verify(wrong, BOB)).statusCode);
    }
    expect(failures).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 423]);

    // Locked: even a fresh, right code does not open it now.
    const client = new PortalClient(app, linkPath(created.link));
    expect((await client.get()).statusCode).toBe(423);
    expect(client.last?.body).toContain('Access is locked for now');

    const notice = await inbox.waitFor(
      (m) => m.to.includes(SENDER) && m.subject === 'Access to your secure message was locked',
    );
    expect(notice.text).toContain('10 times within an hour');

    const summary = (await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}` })).json<{
      lockedUntil: string | null;
    }>();
    expect(Date.parse(summary.lockedUntil!) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    const audit = (
      await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
    ).json<{
      events: Array<{ kind: string; participant: number | null; address: string | null }>;
    }>().events;
    expect(audit.filter((e) => e.kind === 'code-failed')).toHaveLength(10);
    expect(audit.filter((e) => e.kind === 'code-failed').every((e) => e.address === BOB)).toBe(true);
    expect(audit.filter((e) => e.kind === 'locked')).toHaveLength(1);
    expect(audit.filter((e) => e.kind === 'code-sent')).toHaveLength(2);
  });
});

describe('revocation', () => {
  it('makes the message unreadable at once, even in an open session, and destroys its key and contents', async () => {
    const created = await create({}, [{ name: 'x.txt', data: Buffer.from('attachment') }]);
    const client = await signIn(created.link, BOB);
    expect((await client.get()).body).toContain(SUBJECT);

    const revoked = await app.inject({ method: 'POST', url: `/api/v1/portal/messages/${created.id}/revoke` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({
      status: 'revoked',
      subject: null,
      recipients: [{ address: null }, { address: null }],
    });

    const page = await client.get();
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain(SUBJECT);
    expect((await client.get('/attachments/0')).statusCode).toBe(404);
    expect((await client.post('/reply', { text: 'late', _csrf: 'x' })).statusCode).toBe(404);

    const database = db();
    try {
      const row = database
        .prepare<[string], { wrapped_key: Buffer | null; key_id: string | null; state: string }>(
          'SELECT wrapped_key, key_id, state FROM portal_messages WHERE id = ?',
        )
        .get(created.id);
      expect(row).toEqual({ wrapped_key: null, key_id: null, state: 'revoked' });
      for (const table of [
        'portal_chunks',
        'portal_participants',
        'portal_links',
        'portal_sessions',
        'portal_challenges',
      ])
        expect(
          database
            .prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE message_id = ?`)
            .get(created.id)?.n,
        ).toBe(0);
    } finally {
      database.close();
    }
    // Idempotent; the audit log keeps the history.
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/portal/messages/${created.id}/revoke` })).statusCode,
    ).toBe(200);
    const kinds = (await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` }))
      .json<{
        events: Array<{ kind: string }>;
      }>()
      .events.map((e) => e.kind);
    expect(kinds).toEqual(['revoked', 'opened', 'code-sent', 'created']);
  });
});

describe('other verification methods', () => {
  it('admits a recipient with the access code the sender set, and nobody with a wrong one', async () => {
    const accessCode = marker('Access');
    const created = await create({ verification: { method: 'access-code', accessCode } });
    const client = new PortalClient(app, linkPath(created.link));
    const page = await client.start(CAROL);
    expect(page.body).toContain('Enter the access code');
    expect((await client.verify('wrong-access-code', CAROL)).statusCode).toBe(400);
    const stranger = new PortalClient(app, linkPath(created.link));
    await stranger.start('someone@else.test');
    expect((await stranger.verify(accessCode, 'someone@else.test')).statusCode).toBe(400);
    expect((await client.verify(accessCode, CAROL)).statusCode).toBe(303);
    expect((await client.get()).body).toContain(SUBJECT);
    await app.services.portal!.idle();
    expect(inbox.mails.some((m) => m.to.includes(CAROL) && m.text.includes(accessCode))).toBe(false);
  });

  it('sends SMS codes through the provider to the number the sender gave', async () => {
    const texts: Array<{ to: string; text: string }> = [];
    const sms: SmsProvider = {
      send(to, text) {
        texts.push({ to, text });
        return Promise.resolve();
      },
    };
    const withSms = await startPortalApp({ inbox, deps: { sms } });
    dirs.push(withSms.dir);
    try {
      const created = await createMessage(withSms.app, {
        message: message({
          recipients: [
            { email: BOB, phone: '+31612345678' },
            { email: CAROL, phone: '+31687654321' },
          ],
          verification: { method: 'sms-code' },
        }),
      });
      const client = new PortalClient(withSms.app, linkPath(created.link));
      const page = await client.start(CAROL);
      expect(page.body).toContain('by text message');
      await withSms.app.services.portal!.idle();
      expect(texts).toHaveLength(1);
      expect(texts[0]?.to).toBe('+31687654321');
      const code = /(\d{6})/.exec(texts[0]!.text)![1]!;
      expect((await client.verify(code, CAROL)).statusCode).toBe(303);
      expect((await client.get()).body).toContain(SUBJECT);
    } finally {
      await withSms.app.close();
    }
  });

  it('with TLSGATE_SMS_PROVIDER=log, writes the SMS to the log with the number masked', async () => {
    const logged = await startPortalApp({ inbox, env: { TLSGATE_SMS_PROVIDER: 'log' } });
    dirs.push(logged.dir);
    try {
      const created = await createMessage(logged.app, {
        message: message({
          recipients: [{ email: BOB, phone: '+31612345678' }],
          verification: { method: 'sms-code' },
        }),
      });
      const client = new PortalClient(logged.app, linkPath(created.link));
      await client.start(BOB);
      await logged.app.services.portal!.idle();
      const line = logged.logs.find((l) => l.includes('SMS (log provider'));
      expect(line).toContain('+31*******78');
      expect(line).not.toContain('+31612345678');
      const code = /code: (\d{6})/.exec(line!)![1]!;
      expect((await client.verify(code, BOB)).statusCode).toBe(303);
    } finally {
      await logged.app.close();
    }
  });
});

describe('the mail relay', () => {
  it('refuses to send a code through a relay that does not offer STARTTLS', async () => {
    const plain = await startSmtpInbox({ starttls: false });
    const relay = await startPortalApp({ inbox: plain });
    dirs.push(relay.dir);
    try {
      const created = await createMessage(relay.app, { message: message() });
      const client = new PortalClient(relay.app, linkPath(created.link));
      expect((await client.start(BOB)).statusCode).toBe(200);
      await relay.app.services.portal!.idle();
      expect(plain.mails).toHaveLength(0);
      expect(relay.logs.join('')).toMatch(/portal: sending a code failed/);
      const audit = (
        await relay.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
      ).json<{
        events: Array<{ kind: string }>;
      }>();
      expect(audit.events.map((e) => e.kind)).not.toContain('code-sent');
    } finally {
      await relay.app.close();
      await plain.close();
    }
  });
});

describe('logs and disk', () => {
  it('log no link tokens, addresses or contents', () => {
    const logs = portal.logs.join('');
    expect(logs).toContain('/portal/m/***');
    for (const secret of [...tokens, SUBJECT, BODY, REPLY, FILE_NAME, BOB, CAROL, SENDER])
      expect(logs).not.toContain(secret);
  });

  it('leave no subject, body, attachment, name, reply, reply file, address or token in any file of the data folder', async () => {
    // A reply with a file (a marker in its name and one in its bytes), stored by the page like any.
    const client = await signIn(main.link, BOB);
    await client.get();
    const replyFile = Buffer.concat([randomBytes(1.2 * 1024 * 1024), Buffer.from(REPLY_FILE_TEXT)]);
    const replied = await client.postForm('/reply', { _csrf: client.csrf(), text: REPLY }, [
      { name: REPLY_FILE_NAME, data: replyFile },
    ]);
    expect(replied.statusCode).toBe(303);
    await app.services.portal!.idle();
    const contents = [SUBJECT, BODY, FILE_NAME, FILE_TEXT, REPLY, REPLY_FILE_NAME, REPLY_FILE_TEXT];
    const markers = [...contents, SENDER, BOB, CAROL, ...tokens];
    // While the server runs, with its write-ahead log in place ...
    const data = join(portal.dir, 'data');
    const wal = filesUnder(data).find((file) => file.endsWith('tlsgate.db-wal'));
    expect(wal).toBeDefined();
    expect(statSync(wal!).size).toBeGreaterThan(0);
    expect(markersOnDisk(data, markers)).toEqual([]);
    // ... and after it has stopped, in every app's folder.
    await app.close();
    closed = true;
    for (const dir of dirs) expect(markersOnDisk(join(dir, 'data'), markers)).toEqual([]);
    // The scan looks where the data are: the database holds the (encrypted) attachment's bytes.
    expect(statSync(join(data, 'tlsgate.db')).size).toBeGreaterThan(FILE.length);
  });
});
