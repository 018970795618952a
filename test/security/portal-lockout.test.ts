/**
 * Finding 7: ten wrong codes from any address, strangers' included, locked a portal message for an hour
 * and mailed the sender each time. Now only participants' wrong codes lock the message; everyone's are
 * limited per IP and per link (store-backed, so a restart does not reset them), with the same answers
 * either way. The real app on a real SQLite file, codes mailed to a real SMTP server on loopback.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { LINK_FAILURES, LOCK_FAILURES } from '../../src/server/portal/service';
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
const LOCK_MAIL = 'Access to your secure message was locked';

let inbox: SmtpInbox;
let portal: PortalApp;
let ip = 0;
/** A new client address for each use (10.9.x.y). */
const nextIp = () => `10.9.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;
const stranger = () => `mallory.${randomUUID().slice(0, 8)}@evil.test`;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  portal = await startPortalApp({ inbox });
});
afterAll(async () => {
  await portal.app.close();
  await inbox.close();
});

const create = (): Promise<Created> =>
  createMessage(portal.app, {
    message: { senderEmail: SENDER, subject: 'S', body: '<p>B</p>', recipients: [BOB] },
  });

/**
 * Wrong codes from `address` at `from`, a fresh sign-in every 5 (a code is void after 5): the status of
 * each, or of the page that stood in the way.
 */
async function wrongCodes(link: string, from: string, address: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  let client: PortalClient | null = null;
  for (let i = 0; i < count; i++) {
    if (i % 5 === 0 || client === null) {
      client = new PortalClient(portal.app, linkPath(link), {}, from);
      const landing = await client.get();
      const start = landing.statusCode === 200 ? await client.start(address) : landing;
      if (start.statusCode !== 200) {
        statuses.push(start.statusCode);
        client = null;
        continue;
      }
    }
    const verified = await client.verify('000000', address);
    statuses.push(verified.statusCode);
    // A browser on the "locked" page starts again from the link.
    if (verified.statusCode !== 400) client = null;
  }
  return statuses;
}

/** Signs BOB in from `from` with the code mailed to him: the verify response's status. */
async function bobSignsIn(link: string, from: string): Promise<number> {
  const client = new PortalClient(portal.app, linkPath(link), {}, from);
  const before = inbox.mails.length;
  expect((await client.start(BOB)).statusCode).toBe(200);
  const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= before && m.to.includes(BOB));
  return (await client.verify(codeFrom(mail), BOB)).statusCode;
}

async function state(created: Created) {
  await portal.app.services.portal!.idle();
  const summary = await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${created.id}` });
  const audit = await portal.app.inject({
    method: 'GET',
    url: `/api/v1/portal/messages/${created.id}/audit`,
  });
  return {
    lockedUntil: summary.json<{ lockedUntil: string | null }>().lockedUntil,
    events: audit.json<{ events: Array<{ kind: string; detail: Record<string, string> | null }> }>().events,
    lockMails: inbox.mails.filter((m) => m.to.includes(SENDER) && m.subject === LOCK_MAIL).length,
  };
}

describe('wrong codes from addresses that are not recipients', () => {
  it('do not lock a recipient out, and the sender is not mailed', async () => {
    const created = await create();
    const mailsBefore = (await state(created)).lockMails;
    // Far more than the 10 that used to lock the message, from two places.
    for (const from of [nextIp(), nextIp()])
      expect(await wrongCodes(created.link, from, stranger(), 15)).toEqual([
        ...Array<number>(LOCK_FAILURES - 1).fill(400),
        ...Array<number>(6).fill(423),
      ]);

    expect(await bobSignsIn(created.link, nextIp())).toBe(303);
    const after = await state(created);
    expect(after.lockedUntil).toBeNull();
    expect(after.events.filter((e) => e.kind === 'locked')).toEqual([]);
    expect(after.events.filter((e) => e.kind === 'throttled').map((e) => e.detail)).toEqual([
      { scope: 'ip' },
      { scope: 'ip' },
    ]);
    expect(after.lockMails).toBe(mailsBefore);
  });

  it('are limited per IP on the link, and the limit survives a restart', async () => {
    const created = await create();
    const from = nextIp();
    await wrongCodes(created.link, from, stranger(), LOCK_FAILURES);
    const there = new PortalClient(portal.app, linkPath(created.link), {}, from);
    expect((await there.get()).statusCode).toBe(423);
    expect(there.last?.body).toContain('Access is locked for now');
    // Elsewhere the link works as before.
    expect((await new PortalClient(portal.app, linkPath(created.link), {}, nextIp()).get()).statusCode).toBe(
      200,
    );

    await portal.app.close();
    portal = await startPortalApp({ inbox, dir: portal.dir, portalOn: false });
    expect((await new PortalClient(portal.app, linkPath(created.link), {}, from).get()).statusCode).toBe(423);
    expect((await new PortalClient(portal.app, linkPath(created.link), {}, nextIp()).get()).statusCode).toBe(
      200,
    );
  });

  it(`are limited per link: after ${LINK_FAILURES} every wrong code is refused, while a right one works`, async () => {
    const created = await create();
    const statuses: number[] = [];
    // From many places, each staying under its own limit.
    while (statuses.length < LINK_FAILURES + 5)
      statuses.push(...(await wrongCodes(created.link, nextIp(), stranger(), LOCK_FAILURES - 1)));
    expect(statuses.slice(0, LINK_FAILURES - 1).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(LINK_FAILURES - 1).every((s) => s === 423)).toBe(true);
    expect(await wrongCodes(created.link, nextIp(), stranger(), 1)).toEqual([423]);

    expect(await bobSignsIn(created.link, nextIp())).toBe(303);
    const after = await state(created);
    expect(after.lockedUntil).toBeNull();
    expect(after.events.filter((e) => e.kind === 'throttled').map((e) => e.detail)).toEqual([
      { scope: 'link' },
    ]);
    expect(after.events.filter((e) => e.kind === 'locked')).toEqual([]);
  });
});

describe('the answers', () => {
  /** A page without what differs by design: CSRF tokens, the link's token, the address typed. */
  const page = (response: LightMyRequestResponse, link: string, address: string) => ({
    status: response.statusCode,
    headers: Object.keys(response.headers)
      .filter((name) => name !== 'set-cookie' && name !== 'date')
      .sort()
      .map((name) => (name === 'content-length' ? name : `${name}: ${String(response.headers[name])}`)),
    body: response.body
      .replace(/name="_csrf" value="[^"]+"/g, 'CSRF')
      .replaceAll(linkPath(link), 'LINK')
      .replaceAll(address, 'EMAIL'),
  });

  /** Ten wrong codes and the page after them, as one client at one IP sees them. */
  async function transcript(link: string, address: string) {
    const from = nextIp();
    const seen = [];
    for (let round = 0; round < 2; round++) {
      const client = new PortalClient(portal.app, linkPath(link), {}, from);
      seen.push(page(await client.get(), link, address));
      seen.push(page(await client.start(address), link, address));
      for (let i = 0; i < 5; i++) seen.push(page(await client.verify('000000', address), link, address));
    }
    seen.push(page(await new PortalClient(portal.app, linkPath(link), {}, from).get(), link, address));
    return seen;
  }

  it('are the same, byte for byte, whether the address is a recipient or not', async () => {
    const recipient = await transcript((await create()).link, BOB);
    const other = await transcript((await create()).link, stranger());
    expect(recipient.map((p) => p.status)).toEqual([
      200, 200, 400, 400, 400, 400, 400, 200, 200, 400, 400, 400, 400, 423, 423,
    ]);
    expect(other).toEqual(recipient);
  });
});
