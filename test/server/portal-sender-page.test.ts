/**
 * The sender's own portal page: Extend (a date, up to the message's maximum) and Revoke (after a
 * confirmation), as plain forms with the session's CSRF token. The real app on a real SQLite file, codes
 * mailed to a real SMTP server on loopback.
 */
import { randomUUID } from 'node:crypto';
import { DAY_MS, newToken, tokenHash } from '../../src/server/portal/service';
import {
  createMessage,
  linkPath,
  PortalClient,
  startPortalApp,
  type Created,
  type PortalApp,
} from '../support/portal';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';

const SENDER = `sender.${randomUUID().slice(0, 8)}@sender.test`;
const BOB = `bob.${randomUUID().slice(0, 8)}@rcpt.test`;
const SUBJECT = `Subject-${randomUUID()}`;

let inbox: SmtpInbox;
let portal: PortalApp;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox });
});
afterAll(async () => {
  await portal.app.close();
  await inbox.close();
});

interface Summary {
  status: string;
  createdAt: string;
  expiresAt: string;
  maxExpiresAt: string;
}

async function summary(id: string): Promise<Summary> {
  return (await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${id}` })).json<Summary>();
}

/** Opens `path` as `email`, with the code mailed to it. */
async function signIn(path: string, email: string, headers: Record<string, string> = {}) {
  const client = new PortalClient(portal.app, path, headers);
  const before = inbox.mails.length;
  expect((await client.start(email)).statusCode).toBe(200);
  const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= before && m.to.includes(email));
  await portal.app.services.portal!.idle();
  expect((await client.verify(codeFrom(mail), email)).statusCode).toBe(303);
  expect((await client.get()).body).toContain(SUBJECT);
  return client;
}

/** A message, the recipient signed in on its link, and the sender signed in on a sender link of their own. */
async function setUp(senderHeaders: Record<string, string> = {}) {
  const created: Created = await createMessage(portal.app, {
    message: { senderEmail: SENDER, subject: SUBJECT, body: '<p>B</p>', recipients: [BOB] },
  });
  const recipient = await signIn(linkPath(created.link), BOB);
  // As a reply notice makes one: only hashes of links are kept.
  const token = newToken();
  await portal.app.services.store.portal!.addLink(tokenHash(token), created.id, 'sender', Date.now());
  const sender = await signIn(`/portal/m/${token}`, SENDER, senderHeaders);
  return { created, recipient, sender };
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

describe("the sender's page", () => {
  it('offers Extend and Revoke as plain forms; the recipient gets neither', async () => {
    const { recipient, sender } = await setUp();
    const page = (await sender.get()).body;
    expect(page).toContain('Manage this message');
    expect(page).toContain(`<form method="post" action="${sender.path}/extend">`);
    expect(page).toContain(`<form method="post" action="${sender.path}/revoke">`);
    expect(page).toMatch(
      /<input id="until" name="until" type="date" required value="\d{4}-\d{2}-\d{2}" max="/,
    );
    expect(page).not.toContain('<script');
    const theirs = (await recipient.get()).body;
    expect(theirs).not.toContain('/extend"');
    expect(theirs).not.toContain('/revoke"');
  });

  it('extends within the maximum, to the time of day it was sent, and up to the maximum exactly', async () => {
    const { created, sender } = await setUp();
    const before = await summary(created.id);
    const createdAt = Date.parse(before.createdAt);
    const target = createdAt + 30 * DAY_MS;
    const extended = await sender.post('/extend', { until: day(target), _csrf: sender.csrf() });
    expect(extended.statusCode).toBe(303);
    expect(extended.headers.location).toBe(`${sender.path}?extended=1`);
    expect(Date.parse((await summary(created.id)).expiresAt)).toBe(target);
    const shown = await sender.get('?extended=1');
    expect(shown.body).toContain('The message is now available until');

    const max = Date.parse(before.maxExpiresAt);
    expect((await sender.post('/extend', { until: day(max), _csrf: sender.csrf() })).statusCode).toBe(303);
    expect((await summary(created.id)).expiresAt).toBe(before.maxExpiresAt);

    const audit = (
      await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
    ).json<{ events: Array<{ kind: string; participant: number | null }> }>().events;
    expect(audit.filter((e) => e.kind === 'extended')).toHaveLength(2);
  });

  it.each([
    ['beyond the maximum', (max: number) => day(max + DAY_MS), 'at the latest'],
    ['in the past', () => day(Date.now() - DAY_MS), 'Choose a later date'],
    ['not a date', () => '2030-02-30', 'Enter a date'],
    ['empty', () => '', 'Enter a date'],
  ])('refuses a day %s and keeps the expiry', async (_name, until, text) => {
    const { created, sender } = await setUp();
    const before = await summary(created.id);
    const refused = await sender.post('/extend', {
      until: until(Date.parse(before.maxExpiresAt)),
      _csrf: sender.csrf(),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(text);
    expect((await summary(created.id)).expiresAt).toBe(before.expiresAt);
  });

  it('refuses Extend and Revoke without the right CSRF token', async () => {
    const { created, sender } = await setUp();
    const before = await summary(created.id);
    const until = day(Date.parse(before.expiresAt) + DAY_MS);
    for (const [suffix, fields] of [
      ['/extend', { until }],
      ['/extend', { until, _csrf: 'forged' }],
      ['/revoke', { confirm: 'yes' }],
      ['/revoke', { confirm: 'yes', _csrf: 'forged' }],
    ] as const) {
      const refused = await sender.post(suffix, fields);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('The form had expired');
    }
    expect(await summary(created.id)).toEqual(before);
  });

  it("refuses the forms from a recipient's session, even with its own CSRF token", async () => {
    const { created, recipient } = await setUp();
    const before = await summary(created.id);
    const csrf = recipient.csrf();
    const revoke = await recipient.post('/revoke', { confirm: 'yes', _csrf: csrf });
    expect(revoke.statusCode).toBe(403);
    expect(revoke.body).toContain('Only the sender of this message can do that.');
    const extend = await recipient.post('/extend', {
      until: day(Date.parse(before.expiresAt) + DAY_MS),
      _csrf: csrf,
    });
    expect(extend.statusCode).toBe(403);
    expect(await summary(created.id)).toEqual(before);
    // Without any session the forms lead to sign-in.
    const anonymous = new PortalClient(portal.app, recipient.path);
    expect((await anonymous.post('/revoke', { confirm: 'yes' })).statusCode).toBe(303);
    expect((await summary(created.id)).status).not.toBe('revoked');
  });

  it('revokes after a confirmation that says it cannot be undone, and ends every open session', async () => {
    const { created, recipient, sender } = await setUp();
    const confirm = await sender.post('/revoke', { _csrf: sender.csrf() });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('This cannot be undone.');
    expect(confirm.body).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(confirm.body).toContain(`<a href="${sender.path}">Cancel</a>`);
    expect((await summary(created.id)).status).not.toBe('revoked');

    const done = await sender.post('/revoke', { confirm: 'yes', _csrf: sender.csrf() });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('The message was revoked');
    expect(sender.cookies.has('tgp_session')).toBe(false);
    expect((await summary(created.id)).status).toBe('revoked');
    // The recipient's open session ends with it.
    const after = await recipient.get();
    expect(after.statusCode).toBe(404);
    expect(after.body).not.toContain(SUBJECT);
    const audit = (
      await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}/audit` })
    ).json<{ events: Array<{ kind: string; participant: number | null }> }>().events;
    expect(audit[0]).toMatchObject({ kind: 'revoked', participant: 0 });
  });

  it('speaks Dutch to a Dutch browser', async () => {
    const { sender } = await setUp({ 'accept-language': 'nl' });
    expect((await sender.get()).body).toContain('Dit bericht beheren');
    const confirm = await sender.post('/revoke', { _csrf: sender.csrf() });
    expect(confirm.body).toContain('Dit kan niet ongedaan worden gemaakt.');
    expect(confirm.body).toContain('Ja, intrekken');
  });
});
