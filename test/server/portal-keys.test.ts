/**
 * Keys, encryption and time in the secure portal: the AES-GCM boxes and what they are bound to, master-key
 * rotation and the key file, expiry of messages, codes, sessions and lockouts, and the new settings.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, loadConfig } from '../../src/server/config';
import { chunkAad, CHUNK_SIZE, open, openPart, seal, sealPart } from '../../src/server/portal/crypto';
import { pickLanguage } from '../../src/server/portal/i18n';
import { KEY_FILE, keyRing, loadMasterKeys, unwrapDataKey, wrapDataKey } from '../../src/server/portal/keys';
import {
  clock,
  createMessage,
  linkPath,
  markersOnDisk,
  PortalClient,
  startPortalApp,
  type Clock,
  type PortalApp,
} from '../support/portal';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const key = (): string => randomBytes(32).toString('base64');

describe('AES-256-GCM boxes', () => {
  const dataKey = randomBytes(32);

  it('open only with the same key and the same additional data', () => {
    const box = seal(dataKey, 'a', Buffer.from('secret'));
    expect(open(dataKey, 'a', box).toString()).toBe('secret');
    expect(() => open(dataKey, 'b', box)).toThrow();
    expect(() => open(randomBytes(32), 'a', box)).toThrow();
    const flipped = Buffer.from(box);
    flipped[15] = (flipped[15] ?? 0) ^ 1;
    expect(() => open(dataKey, 'a', flipped)).toThrow();
    // A fresh nonce each time: the same plaintext never gives the same box.
    expect(seal(dataKey, 'a', Buffer.from('secret')).equals(box)).toBe(false);
  });

  it('bind each chunk to its message, part and position, and notice a part cut short', () => {
    const plain = randomBytes(2 * CHUNK_SIZE + 5);
    const chunks = sealPart(dataKey, 'message-1', 'att:0', plain);
    expect(chunks).toHaveLength(3);
    expect(openPart(dataKey, 'message-1', 'att:0', chunks).equals(plain)).toBe(true);
    expect(() => openPart(dataKey, 'message-2', 'att:0', chunks)).toThrow();
    expect(() => openPart(dataKey, 'message-1', 'att:1', chunks)).toThrow();
    expect(() => openPart(dataKey, 'message-1', 'att:0', [chunks[1]!, chunks[0]!, chunks[2]!])).toThrow();
    expect(() => openPart(dataKey, 'message-1', 'att:0', chunks.slice(0, 2))).toThrow();
    expect(chunkAad('m', 'p', 0, true)).not.toBe(chunkAad('m', 'p', 0, false));
  });

  it('seal an empty part and a part of exactly one chunk', () => {
    expect(openPart(dataKey, 'm', 'p', sealPart(dataKey, 'm', 'p', Buffer.alloc(0))).length).toBe(0);
    const one = randomBytes(CHUNK_SIZE);
    const chunks = sealPart(dataKey, 'm', 'p', one);
    expect(chunks).toHaveLength(1);
    expect(openPart(dataKey, 'm', 'p', chunks).equals(one)).toBe(true);
  });
});

describe('master keys', () => {
  it('wrap with the current key, and unwrap with any configured one, found by key id', () => {
    const oldRaw = randomBytes(32);
    const newRaw = randomBytes(32);
    const before = keyRing(oldRaw);
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(before.current, 'm1', dataKey);
    const after = keyRing(newRaw, [oldRaw]);
    expect(after.current.id).not.toBe(before.current.id);
    expect(unwrapDataKey(after, before.current.id, 'm1', wrapped)?.equals(dataKey)).toBe(true);
    // Bound to the message it was made for, and useless without the old key.
    expect(unwrapDataKey(after, before.current.id, 'm2', wrapped)).toBeNull();
    expect(unwrapDataKey(keyRing(newRaw), before.current.id, 'm1', wrapped)).toBeNull();
    // Cookies signed before a rotation still verify after it.
    expect(after.cookieSecrets).toContain(before.cookieSecrets[0]);
  });

  it('are generated into a 0600 key file on first start, reused after, and refused when others can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-keyfile-'));
    const config = { masterKey: null, previousKeys: [], smtp: null, smsProvider: null, twilio: null };
    const first = loadMasterKeys(config, join(dir, 'data'));
    expect(first.created).toBe(true);
    const file = join(dir, 'data', KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const second = loadMasterKeys(config, join(dir, 'data'));
    expect(second.created).toBe(false);
    expect(second.ring.current.id).toBe(first.ring.current.id);
    // Switching to TLSGATE_MASTER_KEY keeps the file's key for unwrapping.
    const env = loadMasterKeys({ ...config, masterKey: randomBytes(32) }, join(dir, 'data'));
    expect(env.source).toBe('env');
    expect(env.ring.find(first.ring.current.id)).toBeDefined();
    chmodSync(file, 0o644);
    expect(() => loadMasterKeys(config, join(dir, 'data'))).toThrow(
      /can be read by other users; run: chmod 600/,
    );
  });
});

describe('the disk scan (control)', () => {
  it('finds text that SQLite stored, in the database or its WAL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-scan-'));
    const db = new Database(join(dir, 'control.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v TEXT)');
    const planted = `Planted-${randomUUID()}`;
    db.prepare('INSERT INTO t VALUES (?)').run(planted);
    expect(markersOnDisk(dir, [planted, 'absent-marker'])).toEqual([
      `${join(dir, 'control.db-wal')}: ${planted}`,
    ]);
    db.close();
  });
});

describe('key rotation end to end', () => {
  let inbox: SmtpInbox;
  beforeAll(async () => {
    inbox = await startSmtpInbox();
  });
  afterAll(async () => {
    await inbox.close();
  });

  async function read(portal: PortalApp, link: string, email: string): Promise<string> {
    const client = new PortalClient(portal.app, linkPath(link));
    const since = inbox.mails.length;
    const started = await client.start(email);
    if (started.statusCode !== 200) return started.body;
    const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= since && m.to.includes(email));
    await client.verify(codeFrom(mail), email);
    return (await client.get()).body;
  }

  it('opens a message wrapped by an old key when that key is configured as a previous key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-rotate-'));
    const oldKey = key();
    const newKey = key();
    const subject = `Rotated-${randomUUID()}`;

    const before = await startPortalApp({ inbox, dir, env: { TLSGATE_MASTER_KEY: oldKey } });
    const created = await createMessage(before.app, {
      message: { senderEmail: 'a@s.test', subject, body: 'b', recipients: ['r@r.test'] },
    });
    await before.app.close();

    const rotated = await startPortalApp({
      inbox,
      dir,
      env: { TLSGATE_MASTER_KEY: newKey, TLSGATE_MASTER_KEY_PREVIOUS: oldKey },
    });
    try {
      expect(await read(rotated, created.link, 'r@r.test')).toContain(subject);
      // New messages are wrapped by the new key.
      const fresh = await createMessage(rotated.app, {
        message: { senderEmail: 'a@s.test', subject: 'new', body: 'b', recipients: ['r@r.test'] },
      });
      const db = new Database(join(dir, 'data', 'tlsgate.db'), { readonly: true });
      const ids = db
        .prepare<[], { id: string; key_id: string }>('SELECT id, key_id FROM portal_messages')
        .all()
        .map((row) => [row.id, row.key_id]);
      db.close();
      expect(new Set(ids.map(([, keyId]) => keyId)).size).toBe(2);
      expect(ids.find(([id]) => id === fresh.id)?.[1]).toBe(
        keyRing(Buffer.from(newKey, 'base64')).current.id,
      );
    } finally {
      await rotated.app.close();
    }

    const forgotten = await startPortalApp({ inbox, dir, env: { TLSGATE_MASTER_KEY: newKey } });
    try {
      const page = await read(forgotten, created.link, 'r@r.test');
      expect(page).toContain('This message cannot be opened');
      expect(page).not.toContain(subject);
      const list = await forgotten.app.inject({
        method: 'GET',
        url: `/api/v1/portal/messages/${created.id}`,
      });
      expect(list.json()).toMatchObject({ status: 'opened', subject: null });
    } finally {
      await forgotten.app.close();
    }
  });

  it('keeps messages readable across restarts with the generated key file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-keyfile-app-'));
    const subject = `KeyFile-${randomUUID()}`;
    const first = await startPortalApp({ inbox, dir });
    const created = await createMessage(first.app, {
      message: { senderEmail: 'a@s.test', subject, body: 'b', recipients: ['r@r.test'] },
    });
    await first.app.close();
    expect(statSync(join(dir, 'data', KEY_FILE)).mode & 0o777).toBe(0o600);
    const second = await startPortalApp({ inbox, dir });
    try {
      expect(await read(second, created.link, 'r@r.test')).toContain(subject);
    } finally {
      await second.app.close();
    }
    expect(markersOnDisk(join(dir, 'data'), [subject])).toEqual([]);
  });
});

describe('time', () => {
  let inbox: SmtpInbox;
  let portal: PortalApp;
  let time: Clock;
  beforeAll(async () => {
    inbox = await startSmtpInbox();
    time = clock();
    portal = await startPortalApp({ inbox, deps: { now: () => time.now } });
  });
  afterAll(async () => {
    await portal.app.close();
    await inbox.close();
  });

  const create = (overrides: Record<string, unknown> = {}) =>
    createMessage(portal.app, {
      message: {
        senderEmail: 'a@s.test',
        subject: 'Timed',
        body: 'b',
        recipients: ['r@r.test'],
        ...overrides,
      },
    });

  async function codeFor(client: PortalClient): Promise<string> {
    const since = inbox.mails.length;
    await client.start('r@r.test');
    const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= since && m.to.includes('r@r.test'));
    await portal.app.services.portal!.idle();
    return codeFrom(mail);
  }

  function row(id: string) {
    const db = new Database(join(portal.dir, 'data', 'tlsgate.db'), { readonly: true });
    try {
      return db
        .prepare<[string], { state: string; wrapped_key: Buffer | null; chunks: number }>(
          `SELECT state, wrapped_key, (SELECT COUNT(*) FROM portal_chunks c WHERE c.message_id = m.id) AS chunks
           FROM portal_messages m WHERE id = ?`,
        )
        .get(id);
    } finally {
      db.close();
    }
  }

  it('a code is good for 10 minutes', async () => {
    const created = await create();
    const client = new PortalClient(portal.app, linkPath(created.link));
    const code = await codeFor(client);
    time.advance(10 * MINUTE + 1);
    const late = await client.verify(code, 'r@r.test');
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('can no longer be used');
    const fresh = await codeFor(client);
    expect((await client.verify(fresh, 'r@r.test')).statusCode).toBe(303);
  });

  it('a session lasts 30 minutes', async () => {
    const created = await create();
    const client = new PortalClient(portal.app, linkPath(created.link));
    await client.verify(await codeFor(client), 'r@r.test');
    time.advance(29 * MINUTE);
    expect((await client.get()).body).toContain('<h1>Timed</h1>');
    time.advance(2 * MINUTE);
    const after = await client.get();
    expect(after.body).not.toContain('<h1>Timed</h1>');
    expect(after.body).toContain('name="email"');
  });

  it('a lockout ends after an hour', async () => {
    const created = await create();
    for (let round = 0; round < 2; round++) {
      const client = new PortalClient(portal.app, linkPath(created.link));
      const code = await codeFor(client);
      for (let i = 0; i < 5; i++) await client.verify(code === '123456' ? '654321' : '123456', 'r@r.test');
    }
    const locked = new PortalClient(portal.app, linkPath(created.link));
    expect((await locked.get()).statusCode).toBe(423);
    time.advance(61 * MINUTE);
    const client = new PortalClient(portal.app, linkPath(created.link));
    expect((await client.get()).statusCode).toBe(200);
    expect((await client.verify(await codeFor(client), 'r@r.test')).statusCode).toBe(303);
  });

  it('at expiry the key and contents are destroyed and the link stops working, even mid-session', async () => {
    const created = await create({ expiresInDays: 1 });
    const client = new PortalClient(portal.app, linkPath(created.link));
    await client.verify(await codeFor(client), 'r@r.test');
    expect((await client.get()).statusCode).toBe(200);
    time.advance(DAY);
    const page = await client.get();
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('This message is not available');
    expect(row(created.id)).toEqual({ state: 'expired', wrapped_key: null, chunks: 0 });
    const summary = await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}` });
    expect(summary.json()).toMatchObject({ status: 'expired', subject: null });
  });

  it('expired messages are closed by the sweep too, without anyone visiting them', async () => {
    const created = await create({ expiresInDays: 2 });
    expect(row(created.id)?.state).toBe('active');
    time.advance(2 * DAY + 1);
    expect(await portal.app.services.portal!.purge()).toBeGreaterThanOrEqual(1);
    expect(row(created.id)).toEqual({ state: 'expired', wrapped_key: null, chunks: 0 });
    const kinds = (
      await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
    )
      .json<{ events: Array<{ kind: string }> }>()
      .events.map((e) => e.kind);
    expect(kinds[0]).toBe('expired');
  });
});

describe('settings', () => {
  function problems(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig(env, '/srv/tlsgate');
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('read the master keys, the relay and the SMS provider', () => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'tlsgate-ca-')), 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const current = key();
    const previous = [key(), key()];
    const config = loadConfig({
      TLSGATE_MASTER_KEY: current,
      TLSGATE_MASTER_KEY_PREVIOUS: previous.join(', '),
      TLSGATE_SMTP_URL: 'smtp://relay%40org:p%3Ass@mail.example.org',
      TLSGATE_SMTP_FROM: 'TLS Gate <portal@example.org>',
      TLSGATE_SMTP_CA_FILE: caFile,
      TLSGATE_SMS_PROVIDER: 'log',
    });
    expect(config.portal.masterKey?.toString('base64')).toBe(current);
    expect(config.portal.previousKeys.map((k) => k.toString('base64'))).toEqual(previous);
    expect(config.portal.smtp).toEqual({
      secure: false,
      host: 'mail.example.org',
      port: 587,
      user: 'relay@org',
      pass: 'p:ss',
      from: 'TLS Gate <portal@example.org>',
      caFile,
    });
    expect(config.portal.smsProvider).toBe('log');
    expect(
      loadConfig({ TLSGATE_SMTP_URL: 'smtps://mail.example.org', TLSGATE_SMTP_FROM: 'p@example.org' }).portal
        .smtp,
    ).toMatchObject({ secure: true, port: 465, user: null });
    expect(loadConfig({}).portal).toEqual({
      masterKey: null,
      previousKeys: [],
      smtp: null,
      smsProvider: null,
      twilio: null,
    });
  });

  it.each([
    [{ TLSGATE_MASTER_KEY: 'c2hvcnQ=' }, 'TLSGATE_MASTER_KEY: must be 32 random bytes in base64'],
    [
      { TLSGATE_MASTER_KEY_PREVIOUS: `${key()},nope` },
      'TLSGATE_MASTER_KEY_PREVIOUS: must be 32 random bytes',
    ],
    [{ TLSGATE_SMTP_URL: 'http://mail.example.org', TLSGATE_SMTP_FROM: 'a@b.org' }, 'use smtp://'],
    [
      {
        TLSGATE_SMTP_URL: 'smtp://mail.example.org?tls.rejectUnauthorized=false',
        TLSGATE_SMTP_FROM: 'a@b.org',
      },
      'options in the URL are not accepted',
    ],
    [{ TLSGATE_SMTP_URL: 'smtp://mail.example.org' }, 'TLSGATE_SMTP_FROM is required'],
    [
      { TLSGATE_SMTP_URL: 'smtp://mail.example.org', TLSGATE_SMTP_FROM: 'not-an-address' },
      'TLSGATE_SMTP_FROM',
    ],
    [
      {
        TLSGATE_SMTP_URL: 'smtp://mail.example.org',
        TLSGATE_SMTP_FROM: 'a@b.org',
        TLSGATE_SMTP_CA_FILE: '/nope.pem',
      },
      'TLSGATE_SMTP_CA_FILE: cannot read /nope.pem',
    ],
    [{ TLSGATE_SMTP_FROM: 'a@b.org' }, 'need TLSGATE_SMTP_URL'],
    [{ TLSGATE_SMS_PROVIDER: 'sns' }, 'TLSGATE_SMS_PROVIDER: use "twilio"'],
    [{ TLSGATE_SMS_PROVIDER: 'twilio' }, 'TLSGATE_TWILIO_ACCOUNT_SID is required'],
  ])('refuse %j', (env, message) => {
    expect(problems(env).join('\n')).toContain(message);
  });
});

describe('language', () => {
  it.each([
    [undefined, 'en'],
    ['nl-NL,nl;q=0.9,en;q=0.8', 'nl'],
    ['en-GB, nl;q=0.5', 'en'],
    ['de, fr;q=0.9', 'en'],
    ['de, nl;q=0.4', 'nl'],
    ['nl;q=0, en;q=0.1', 'en'],
  ])('Accept-Language %j is %s', (header, lang) => {
    expect(pickLanguage(header)).toBe(lang);
  });
});
