/**
 * The portal's no-plaintext guarantee on PostgreSQL (as test/server/portal-flow.test.ts checks it on SQLite):
 * after a message with a subject, body, attachment and recipients was sent, opened with an emailed code and
 * answered, and another opened with an access code, neither a pg_dump of the database nor any file of the
 * cluster's data directory (WAL included) holds the subject, body, attachment bytes or name, reply,
 * addresses, link or session tokens, or codes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMessage,
  filesUnder,
  linkPath,
  PortalClient,
  startPortalApp,
  type PortalApp,
} from '../support/portal';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';
import { freshDatabase } from '../support/stores';

const marker = (label: string) => `${label}-${randomUUID()}`;
const SUBJECT = marker('PgSubject');
const BODY = marker('PgBody');
const FILE_NAME = `${marker('PgFileName')}.bin`;
const FILE_TEXT = marker('PgFileText');
const REPLY = marker('PgReply');
const ACCESS_CODE = marker('PgAccess');
// Mixed case: stored addresses would be as given or lowercased; both are searched.
const SENDER = `Sender.${randomUUID().slice(0, 8)}@Sender.test`;
const BOB = `Bob.${randomUUID().slice(0, 8)}@Rcpt.test`;
const CAROL = `Carol.${randomUUID().slice(0, 8)}@Rcpt.test`;
// Over a chunk (1 MiB), with a marker and a random stretch to look for.
const FILE = Buffer.concat([randomBytes(1.5 * 1024 * 1024), Buffer.from(FILE_TEXT)]);
const FILE_SLICE = FILE.subarray(700_000, 700_064);

let cluster: PostgresCluster;
let inbox: SmtpInbox;
let portal: PortalApp;
let url: string;

beforeAll(async () => {
  cluster = await startPostgres();
  url = await freshDatabase(cluster, 'at_rest');
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox, env: { TLSGATE_DB: url } });
}, 60_000);
afterAll(async () => {
  await inbox.close();
  await cluster.stop();
});

/** Where `needle` occurs in `haystack`, for a code: not inside a longer run of digits. */
function containsCode(haystack: Buffer, code: string): boolean {
  const needle = Buffer.from(code);
  const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1))
    if (!isDigit(haystack[at - 1]) && !isDigit(haystack[at + needle.length])) return true;
  return false;
}

type Secrets = ReadonlyArray<readonly [label: string, bytes: Buffer]>;

/** Which secrets appear in `bytes`: as UTF-8, and (a dump prints bytea so) as hex. */
function found(name: string, bytes: Buffer, secrets: Secrets, codes: readonly string[] = []): string[] {
  const hits: string[] = [];
  for (const [label, secret] of secrets)
    if (bytes.includes(secret) || bytes.includes(Buffer.from(secret.toString('hex'))))
      hits.push(`${name}: ${label}`);
  for (const code of codes) if (containsCode(bytes, code)) hits.push(`${name}: the emailed code`);
  return hits;
}

it('leaves no subject, body, attachment, name, reply, address, token or code in pg_dump or the data directory', async () => {
  const { app } = portal;
  const created = await createMessage(app, {
    message: { senderEmail: SENDER, subject: SUBJECT, body: `<p>${BODY}</p>`, recipients: [BOB, CAROL] },
    files: [{ name: FILE_NAME, data: FILE }],
  });
  const tokens = [linkPath(created.link).split('/').pop()!];

  // Bob signs in with the code mailed to him, reads, downloads and replies.
  const bob = new PortalClient(app, linkPath(created.link));
  expect((await bob.start(BOB)).statusCode).toBe(200);
  const code = codeFrom(
    await inbox.waitFor((mail) => mail.to.some((to) => to.toLowerCase() === BOB.toLowerCase())),
  );
  expect((await bob.verify(code, BOB)).statusCode).toBe(303);
  expect((await bob.get('/attachments/0')).rawPayload.equals(FILE)).toBe(true);
  expect((await bob.get()).body).toContain(SUBJECT);
  expect((await bob.postForm('/reply', { _csrf: bob.csrf(), text: REPLY }, [])).statusCode).toBe(303);
  tokens.push(...bob.cookies.values());

  // Carol opens another message with the access code its sender set.
  const second = await createMessage(app, {
    message: {
      senderEmail: SENDER,
      subject: SUBJECT,
      body: BODY,
      recipients: [CAROL],
      verification: { method: 'access-code', accessCode: ACCESS_CODE },
    },
  });
  tokens.push(linkPath(second.link).split('/').pop()!);
  const carol = new PortalClient(app, linkPath(second.link));
  await carol.start(CAROL);
  expect((await carol.verify(ACCESS_CODE, CAROL)).statusCode).toBe(303);
  expect((await carol.get()).body).toContain(SUBJECT);
  tokens.push(...carol.cookies.values());
  await app.services.portal!.idle();
  await app.close();

  const texts = { SUBJECT, BODY, FILE_NAME, FILE_TEXT, REPLY, ACCESS_CODE, SENDER, BOB, CAROL };
  const secrets: Secrets = [
    ...Object.entries(texts).flatMap(([label, text]) => [
      [label, Buffer.from(text)] as const,
      [`${label} lowercased`, Buffer.from(text.toLowerCase())] as const,
    ]),
    ...tokens.map((token, i) => [`token ${i}`, Buffer.from(token)] as const),
    ['attachment bytes', FILE_SLICE],
  ];
  expect(tokens.length).toBeGreaterThanOrEqual(4);

  // Everything written reaches the data files, then the database is dumped as a backup would be.
  cluster.run('psql', [url, '-qc', 'CHECKPOINT']);
  const out = mkdtempSync(join(tmpdir(), 'tlsgate-pgdump-'));
  chmodSync(out, 0o777);
  const dumpFile = join(out, 'dump.sql');
  cluster.run('pg_dump', ['--no-owner', '-f', dumpFile, url]);
  const dump = readFileSync(dumpFile);
  rmSync(out, { recursive: true, force: true });
  const files = filesUnder(cluster.dataDir);
  expect(files.some((file) => file.includes('pg_wal'))).toBe(true);

  // The search does find what is stored in clear: the message ids (control).
  const ids: Secrets = [
    ['first id', Buffer.from(created.id)],
    ['second id', Buffer.from(second.id)],
  ];
  expect(found('dump', dump, ids)).toHaveLength(2);
  const onDisk = files.flatMap((file) => found(file, readFileSync(file), ids));
  expect(onDisk.length).toBeGreaterThanOrEqual(2);

  const hits = [
    ...found('pg_dump', dump, secrets, [code]),
    ...files.flatMap((file) => found(file, readFileSync(file), secrets, [code])),
  ];
  expect(hits).toEqual([]);
}, 60_000);
