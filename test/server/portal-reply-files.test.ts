/**
 * Replies with files on the secure portal, against the real app on a real SQLite file, with code and notice
 * mails through the real relay client to a real SMTP server on loopback. Uploads are multipart bodies as a
 * browser sends them; the large ones are streamed, never held whole in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  createMessage,
  filesUnder,
  linkPath,
  markersOnDisk,
  PortalClient,
  startPortalApp,
  type Created,
  type PortalApp,
} from '../support/portal';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';

const MiB = 1024 * 1024;
const marker = (label: string) => `${label}-${randomUUID()}`;
const SENDER = `sender.${randomUUID().slice(0, 8)}@sender.test`;
const BOB = `bob.${randomUUID().slice(0, 8)}@rcpt.test`;
const CAROL = `carol.${randomUUID().slice(0, 8)}@rcpt.test`;
const REPLY = marker('ReplyText');
const A_TEXT = marker('FileABytes');
const B_TEXT = marker('FileBBytes');
// Several 1 MiB chunks, not on a boundary, with a marker inside; and a small text file with a name that
// needs both forms of Content-Disposition.
const FILE_A = {
  name: `${marker('FileAName')}.bin`,
  data: Buffer.concat([randomBytes(1.5 * MiB), Buffer.from(A_TEXT)]),
};
const FILE_B = {
  name: `${marker('FileBName')} résumé;v2%.txt`,
  type: 'text/plain',
  data: Buffer.from(`notes ${B_TEXT}\n`),
};

let inbox: SmtpInbox;
let portal: PortalApp;
let app: FastifyInstance;
let main: Created;
/** Markers that must never reach the disk: every reply's text, file names and contents. */
const secrets: string[] = [REPLY, A_TEXT, B_TEXT, FILE_A.name, FILE_B.name];

async function codeTo(email: string, since: number): Promise<string> {
  const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= since && m.to.includes(email));
  await app.services.portal!.idle();
  return codeFrom(mail);
}

async function signIn(link: string, email: string, headers: Record<string, string> = {}) {
  const client = new PortalClient(app, linkPath(link), headers);
  const before = inbox.mails.length;
  expect((await client.start(email)).statusCode).toBe(200);
  expect((await client.verify(await codeTo(email, before), email)).statusCode).toBe(303);
  await client.get();
  return client;
}

const BOUNDARY = 'tlsgate-reply-files-test';
type RawPart =
  { field: string; value: string } | { filename: string; type?: string; data?: Buffer; zeros?: number };

/** A multipart body, generated as it is read: `zeros` parts stream one reused 1 MiB buffer. */
function* rawForm(parts: RawPart[]): Generator<Buffer> {
  const zeros = Buffer.alloc(MiB);
  for (const part of parts) {
    if ('field' in part) {
      yield Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`,
      );
      continue;
    }
    yield Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${part.filename}"\r\n` +
        `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
    );
    if (part.data) yield part.data;
    for (let left = part.zeros ?? 0; left > 0; left -= MiB) yield zeros.subarray(0, Math.min(MiB, left));
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

/** Posts a raw multipart reply with the client's cookies, streamed (no Content-Length unless given). */
async function postRaw(
  client: PortalClient,
  parts: RawPart[],
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return app.inject({
    method: 'POST',
    url: `${client.path}/reply`,
    payload: Readable.from(rawForm(parts)),
    headers: {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      cookie: cookie.join('; '),
      ...headers,
    },
  });
}

interface ListedReply {
  id: number;
  from: string | null;
  participant: number;
  text: string;
  attachments: Array<{ index: number; name: string; size: number }>;
}

async function replies(id = main.id): Promise<ListedReply[]> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${id}/replies` });
  expect(response.statusCode).toBe(200);
  return response.json<{ replies: ListedReply[] }>().replies;
}

/** What the database holds for the message: its reply count and its stored chunks. */
function stored(id = main.id): { replies: number; chunks: number } {
  const db = new Database(join(portal.dir, 'data', 'tlsgate.db'), { readonly: true });
  try {
    const replies = db
      .prepare<[string], { replies: number }>('SELECT replies FROM portal_messages WHERE id = ?')
      .get(id)?.replies;
    const chunks = db
      .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM portal_chunks WHERE message_id = ?')
      .get(id)?.n;
    return { replies: replies ?? -1, chunks: chunks ?? -1 };
  } finally {
    db.close();
  }
}

const apiFile = (id: string, reply: number, index: number, remoteAddress = '127.0.0.1') =>
  app.inject({
    method: 'GET',
    url: `/api/v1/portal/messages/${id}/replies/${reply}/attachments/${index}`,
    remoteAddress,
  });

function expectDownload(response: LightMyRequestResponse, file: { name: string; data: Buffer }) {
  expect(response.statusCode).toBe(200);
  expect(response.rawPayload.equals(file.data)).toBe(true);
  expect(response.headers['content-length']).toBe(String(file.data.length));
  expect(response.headers['content-disposition']).toBe(
    `attachment; filename="${file.name.replace(/[^\x20-\x7e]|["\\%;]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  );
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  expect(response.headers['cache-control']).toBe('no-store');
}

beforeAll(async () => {
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox });
  app = portal.app;
  main = await createMessage(app, {
    message: { senderEmail: SENDER, subject: 'files', body: '<p>hi</p>', recipients: [BOB, CAROL] },
  });
});

let closed = false;
afterAll(async () => {
  if (!closed) await app.close();
  await inbox.close();
});

describe('a reply with files', () => {
  let bob: PortalClient;

  it('is sent from the page, listed with names and sizes, and downloaded byte for byte by the sender (API and page)', async () => {
    bob = await signIn(main.link, BOB);
    const form = bob.last!.body;
    expect(form).toContain(`action="${linkPath(main.link)}/reply" enctype="multipart/form-data"`);
    expect(form).toContain('<input id="files" name="files" type="file" multiple>');

    const sent = await bob.postForm('/reply', { _csrf: bob.csrf(), text: REPLY }, [FILE_A, FILE_B]);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${linkPath(main.link)}?replied=1`);

    const listed = await replies();
    expect(listed).toEqual([
      {
        id: 1,
        from: BOB,
        participant: 1,
        at: expect.any(String) as string,
        text: REPLY,
        attachments: [
          { index: 0, name: FILE_A.name, size: FILE_A.data.length },
          { index: 1, name: FILE_B.name, size: FILE_B.data.length },
        ],
      },
    ]);

    const a = await apiFile(main.id, 1, 0);
    expectDownload(a, FILE_A);
    expect(a.headers['content-type']).toBe('application/octet-stream');
    const b = await apiFile(main.id, 1, 1);
    expectDownload(b, FILE_B);
    expect(b.headers['content-type']).toBe('text/plain');

    // Bob sees his reply with links to its files, and may download them.
    const page = (await bob.get()).body;
    const base = `${linkPath(main.link)}/replies/1/attachments`;
    expect(page).toContain(`<a href="${base}/0">${FILE_A.name}</a>`);
    expect(page).toContain(`<a href="${base}/1">${FILE_B.name}</a>`);
    expectDownload(await bob.get('/replies/1/attachments/0'), FILE_A);

    // The sender is told how many files, never their names, and downloads them from their own page.
    const notice = await inbox.waitFor(
      (m) => m.to.includes(SENDER) && m.subject === 'Reply to your secure message',
    );
    expect(notice.text).toContain(`${BOB} replied`);
    expect(notice.text).toContain('The reply has 2 attachments.');
    for (const secret of secrets) expect(notice.raw).not.toContain(secret);
    const senderLink = /https:\/\/tlsgate\.example\.test\/portal\/m\/[A-Za-z0-9_-]{22}/.exec(notice.text)![0];
    const sender = await signIn(senderLink, SENDER);
    expect(sender.last!.body).toContain(`<a href="${linkPath(senderLink)}/replies/1/attachments/1">`);
    expectDownload(await sender.get('/replies/1/attachments/0'), FILE_A);
    expectDownload(await sender.get('/replies/1/attachments/1'), FILE_B);

    const audit = (
      await app.inject({ method: 'GET', url: `/api/v1/portal/messages/${main.id}/audit` })
    ).json<{ events: Array<{ kind: string; participant: number; detail: unknown }> }>().events;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'replied', participant: 1, detail: { reply: 1, attachments: 2 } }),
        expect.objectContaining({ kind: 'downloaded', participant: 0, detail: { reply: 1, attachment: 1 } }),
      ]),
    );
  });

  it('keeps the text-only reply: urlencoded, and multipart with an untouched file input', async () => {
    const plain = marker('PlainReply');
    const empty = marker('EmptyInputReply');
    secrets.push(plain, empty);
    await bob.get();
    expect((await bob.post('/reply', { _csrf: bob.csrf(), text: plain })).statusCode).toBe(303);
    await bob.get();
    expect((await bob.postForm('/reply', { _csrf: bob.csrf(), text: empty }, [])).statusCode).toBe(303);
    // As a browser sends an untouched file input: a part with an empty name.
    const browser = marker('BrowserReply');
    secrets.push(browser);
    await bob.get();
    const raw = await postRaw(bob, [
      { field: '_csrf', value: bob.csrf() },
      { field: 'text', value: browser },
      { filename: '' },
    ]);
    expect(raw.statusCode).toBe(303);
    const listed = await replies();
    expect(listed.map((r) => [r.id, r.text, r.attachments])).toEqual([
      [1, REPLY, expect.any(Array)],
      [2, plain, []],
      [3, empty, []],
      [4, browser, []],
    ]);
    // Files alone are a reply too; nothing at all is not.
    await bob.get();
    const onlyFile = { name: 'only.txt', data: Buffer.from('only a file') };
    expect((await bob.postForm('/reply', { _csrf: bob.csrf(), text: ' ' }, [onlyFile])).statusCode).toBe(303);
    await bob.get();
    const nothing = await bob.postForm('/reply', { _csrf: bob.csrf(), text: '' }, []);
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('Write a reply of at most 20,000 characters.');
    expect((await replies()).map((r) => r.attachments.length)).toEqual([2, 0, 0, 0, 1]);
  });

  it('refuses 11 files with a clear page, in English and Dutch, and stores nothing', async () => {
    const before = stored();
    const files = Array.from({ length: 11 }, (_, i) => ({
      name: `f${i}.txt`,
      data: Buffer.from(`file ${i}`),
    }));
    await bob.get();
    const refused = await bob.postForm('/reply', { _csrf: bob.csrf(), text: 'eleven' }, files);
    expect(refused.statusCode).toBe(413);
    expect(refused.headers['content-type']).toContain('text/html');
    expect(refused.body).toContain('A reply can have at most 10 files. Nothing was sent');
    // The page offers the form again.
    expect(refused.body).toContain('enctype="multipart/form-data"');

    const dutch = await signIn(main.link, CAROL, { 'accept-language': 'nl' });
    const nl = await dutch.postForm('/reply', { _csrf: dutch.csrf(), text: 'elf' }, files);
    expect(nl.statusCode).toBe(413);
    expect(nl.body).toContain('Een antwoord kan hoogstens 10 bestanden hebben. Er is niets verstuurd');

    expect(stored()).toEqual(before);
    expect((await replies()).map((r) => r.text)).not.toContain('eleven');
    // Ten are fine.
    await bob.get();
    const ten = await bob.postForm('/reply', { _csrf: bob.csrf(), text: 'ten' }, files.slice(0, 10));
    expect(ten.statusCode).toBe(303);
    expect((await replies()).at(-1)?.attachments).toHaveLength(10);
  });

  it('refuses 25 MiB + 1 byte in total, streamed, and stores nothing; takes exactly 25 MiB', async () => {
    const before = stored();
    await bob.get();
    const csrf = bob.csrf();
    const over = await postRaw(bob, [
      { field: '_csrf', value: csrf },
      { field: 'text', value: 'too big' },
      { filename: 'big.bin', zeros: 20 * MiB },
      { filename: 'more.bin', zeros: 5 * MiB + 1 },
    ]);
    expect(over.statusCode).toBe(413);
    expect(over.body).toContain('The files are too large: together they may be at most 25 MB.');
    expect(stored()).toEqual(before);

    // One file over the limit on its own, too.
    const single = await postRaw(bob, [
      { field: '_csrf', value: csrf },
      { filename: 'huge.bin', zeros: 25 * MiB + 1 },
    ]);
    expect(single.statusCode).toBe(413);
    expect(stored()).toEqual(before);

    // A declared size over the limit is refused before the body is read.
    const declared = await postRaw(bob, [{ field: '_csrf', value: csrf }], {
      'content-length': String(26 * MiB),
    });
    expect(declared.statusCode).toBe(413);
    expect(declared.body).toContain('The files are too large');

    const exact = await postRaw(bob, [
      { field: '_csrf', value: csrf },
      { field: 'text', value: 'just fits' },
      { filename: 'big.bin', zeros: 20 * MiB },
      { filename: 'more.bin', zeros: 5 * MiB },
    ]);
    expect(exact.statusCode).toBe(303);
    const last = (await replies()).at(-1)!;
    expect(last.attachments.map((a) => a.size)).toEqual([20 * MiB, 5 * MiB]);
    const download = await apiFile(main.id, last.id, 1);
    expect(download.rawPayload.equals(Buffer.alloc(5 * MiB))).toBe(true);
  });

  it('sanitises hostile file names, escapes them on the page, and refuses one over 200 characters', async () => {
    await bob.get();
    const csrf = bob.csrf();
    const sent = await postRaw(bob, [
      { field: '_csrf', value: csrf },
      { field: 'text', value: 'hostile names' },
      { filename: '../../etc/passwd', data: Buffer.from('a') },
      // Backslashes escaped as in a quoted string: the name is C:\Users\x\evil<RLO>txt.exe.
      { filename: 'C:\\\\Users\\\\x\\\\evil\u202Etxt.exe', data: Buffer.from('b') },
      {
        filename: '<img src=x onerror=alert(1)>.html',
        type: 'text/html; charset=utf-8',
        data: Buffer.from('c'),
      },
      { filename: ' \u0007 ', type: 'not a type', data: Buffer.from('d') },
      { filename: 'quote\\"d;\u00e9.txt', data: Buffer.from('e') },
    ]);
    expect(sent.statusCode).toBe(303);
    const last = (await replies()).at(-1)!;
    expect(last.attachments.map((a) => a.name)).toEqual([
      'passwd',
      'eviltxt.exe',
      '<img src=x onerror=alert(1)>.html',
      'attachment',
      'quote"d;\u00e9.txt',
    ]);
    const page = (await bob.get()).body;
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;.html');
    expect(page).toContain('quote&quot;d;\u00e9.txt');
    expect(page).not.toContain('<img');
    const html = await bob.get(`/replies/${last.id}/attachments/2`);
    expect(html.headers['content-type']).toBe('text/html');
    expect(html.headers['content-disposition']).toMatch(/^attachment; /);
    expect(html.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect((await bob.get(`/replies/${last.id}/attachments/3`)).headers['content-type']).toBe(
      'application/octet-stream',
    );
    expect((await bob.get(`/replies/${last.id}/attachments/4`)).headers['content-disposition']).toBe(
      `attachment; filename="quote_d__.txt"; filename*=UTF-8''quote%22d%3B%C3%A9.txt`,
    );

    const before = stored();
    await bob.get();
    const long = await bob.postForm('/reply', { _csrf: bob.csrf(), text: 'long name' }, [
      { name: `${'n'.repeat(201)}.txt`, data: Buffer.from('x') },
    ]);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('A file name is too long (at most 200 characters). Nothing was sent');
    expect(stored()).toEqual(before);
  });

  it('refuses a form without its CSRF token before reading its files', async () => {
    const before = stored();
    const forged = await postRaw(bob, [
      { field: 'text', value: 'forged' },
      { filename: 'x.bin', zeros: 2 * MiB },
    ]);
    expect(forged.statusCode).toBe(303);
    expect(forged.headers.location).toBe(linkPath(main.link));
    expect(stored()).toEqual(before);
  });

  it('cannot be downloaded by a stranger, another recipient, a session of another message or another sender', async () => {
    // No session: to the sign-in page, nothing served.
    const stranger = new PortalClient(app, linkPath(main.link));
    const anonymous = await stranger.get('/replies/1/attachments/0');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.rawPayload.length).toBe(0);

    // Carol is a recipient of the same message, but the reply is Bob's.
    const carol = await signIn(main.link, CAROL);
    expect((await carol.get('/replies/1/attachments/0')).statusCode).toBe(404);
    expect(carol.last!.body).not.toContain(FILE_A.name);
    expect((await carol.get()).body).not.toContain(FILE_A.name);

    // Bob's session on another message's link is no session there.
    const other = await createMessage(app, {
      message: { senderEmail: SENDER, subject: 'other', body: 'x', recipients: [BOB] },
    });
    const elsewhere = new PortalClient(app, linkPath(other.link));
    elsewhere.cookies.set('tgp_session', bob.cookies.get('tgp_session')!);
    expect((await elsewhere.get('/replies/1/attachments/0')).statusCode).toBe(303);
    // Nor does the other message's number 1 lead to this one's.
    expect((await apiFile(other.id, 1, 0)).statusCode).toBe(404);

    // Another sender gets 404, as for a message that does not exist; bad numbers are refused.
    const foreign = await apiFile(main.id, 1, 0, '198.51.100.77');
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
    expect((await apiFile(main.id, 1, 2)).statusCode).toBe(404);
    expect((await apiFile(main.id, 99, 0)).statusCode).toBe(404);
    expect(
      (await app.inject({ url: `/api/v1/portal/messages/${main.id}/replies/0/attachments/0` })).statusCode,
    ).toBe(400);
    expect(
      (await app.inject({ url: `/api/v1/portal/messages/${main.id}/replies/1/attachments/x` })).statusCode,
    ).toBe(400);
    expect((await bob.get('/replies/1/attachments/-1')).statusCode).toBe(404);

    // Revoked: gone for everyone.
    const revoked = await createMessage(app, {
      message: { senderEmail: SENDER, subject: 'revoked', body: 'x', recipients: [CAROL] },
    });
    const c = await signIn(revoked.link, CAROL);
    expect((await c.postForm('/reply', { _csrf: c.csrf(), text: 'r' }, [FILE_B])).statusCode).toBe(303);
    expect((await apiFile(revoked.id, 1, 0)).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: `/api/v1/portal/messages/${revoked.id}/revoke` });
    const closedFile = await apiFile(revoked.id, 1, 0);
    expect(closedFile.statusCode).toBe(409);
    expect(closedFile.json<{ error: { code: string } }>().error.code).toBe('MESSAGE_CLOSED');
    expect((await c.get('/replies/1/attachments/0')).statusCode).toBe(404);
  });
});

describe('disk and logs', () => {
  it('hold no reply text, file name or file byte, in the database or its WAL, running or stopped', async () => {
    await app.services.portal!.idle();
    const logs = portal.logs.join('');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    const data = join(portal.dir, 'data');
    const wal = filesUnder(data).find((file) => file.endsWith('tlsgate.db-wal'));
    expect(wal).toBeDefined();
    expect(statSync(wal!).size).toBeGreaterThan(0);
    expect(markersOnDisk(data, secrets)).toEqual([]);
    await app.close();
    closed = true;
    expect(markersOnDisk(data, secrets)).toEqual([]);
    // The scan looks where the data are: the database holds the (encrypted) files.
    expect(statSync(join(data, 'tlsgate.db')).size).toBeGreaterThan(25 * MiB);
  });
});

describe('migration 8', () => {
  it('numbers the replies stored before it in the order they came, and is safe to run again', async () => {
    // Runs on the folder the tests above left behind, the app stopped.
    const path = join(portal.dir, 'data', 'tlsgate.db');
    const current = openSqliteStore(path);
    const numbered = await current.portal!.replies(main.id);
    await current.close();
    expect(numbered.map((r) => r.id)).toEqual(numbered.map((_, i) => i + 1));
    expect(numbered.length).toBeGreaterThan(5);

    // Run again over its own result (as the upgrade tests do), and over a database from before it.
    for (const before of [false, true]) {
      const db = new Database(path);
      if (before) db.exec('DROP TABLE portal_replies');
      db.pragma('user_version = 7');
      db.close();
      const migrated = openSqliteStore(path);
      try {
        expect(await migrated.portal!.replies(main.id)).toEqual(numbered);
      } finally {
        await migrated.close();
      }
    }
  });
});
