/**
 * Two real TLS Gate processes on one PostgreSQL database (a throwaway cluster), behind no balancer: the
 * test sends each request to the instance it chooses. Probes go to the loopback mail internet, whose SMTP
 * servers count the connections they get; portal codes come by mail to a loopback inbox.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/server/store/open';
import type { Store } from '../../src/server/store/store';
import { startFleetServer, type FleetServer } from '../support/fleet-server';
import { MailInternet, type MailHost } from '../support/mail-internet';
import { csrfOf, multipart } from '../support/portal';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';
import { bytes, challenge, DIALECTS, freshTarget, newMessage } from '../support/stores';

jest.setTimeout(120_000);

let cluster: PostgresCluster;
let url: string;
let net: MailInternet;
let inbox: SmtpInbox;
let a: FleetServer;
let b: FleetServer;
const logDir = mkdtempSync(join(tmpdir(), 'tlsgate-multi-'));
const SUBJECT = `Subject-${randomUUID()}`;
// One master key for every instance: each must read what another sealed.
const MASTER_KEY = randomBytes(32).toString('base64');

function start(name: string): Promise<FleetServer> {
  return startFleetServer({
    env: {
      TLSGATE_DB: url,
      TLSGATE_MASTER_KEY: MASTER_KEY,
      TLSGATE_PUBLIC_URL: 'http://tlsgate.example.test',
      TLSGATE_AUTH: 'open',
      TLSGATE_DNS_SERVERS: net.dns.address,
      TLSGATE_ALLOW_PRIVATE_NETWORKS: '1',
      TLSGATE_SMTP_URL: inbox.url,
      TLSGATE_SMTP_FROM: 'TLS Gate <portal@tlsgate.example.test>',
      TLSGATE_SMTP_CA_FILE: inbox.caFile,
      TLSGATE_PROBES_PER_MINUTE: '10000',
      TLSGATE_RATE_LIMIT: '100000',
      LOG_LEVEL: 'info',
    },
    extraCa: [net.ca.certPem],
    logFile: join(logDir, `${name}.log`),
  });
}
beforeAll(async () => {
  [cluster, net, inbox] = await Promise.all([startPostgres(), MailInternet.start(), startSmtpInbox()]);
  url = await cluster.createDatabase('multi');
  // Both at once on the empty database: the schema is migrated by exactly one of them.
  [a, b] = await Promise.all([start('a'), start('b')]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await Promise.all([net.close(), inbox.close()]);
  await cluster.stop();
  rmSync(logDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mailHost(domain: string, greetingDelayMs: number): Promise<MailHost> {
  const host = await net.mailHost({ name: `mx.${domain}`, greetingDelayMs });
  net.mx(domain, [[10, `mx.${domain}`]]);
  return host;
}

async function lookup(server: FleetServer, domain: string): Promise<{ status: number; report: string }> {
  const response = await fetch(`${server.url}/api/v1/domains/${domain}`);
  const body = (await response.json()) as { status: string };
  return { status: response.status, report: body.status };
}

it('migrates the empty database exactly once when both instances start at the same moment', async () => {
  expect([a.migrated, b.migrated].filter(Boolean)).toHaveLength(1);
  for (const server of [a, b]) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
});

it('probes a cold domain once for 20 concurrent lookups split across both instances', async () => {
  const host = await mailHost('cold.example', 300);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => lookup(i % 2 === 0 ? a : b, 'cold.example')),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  expect(new Set(answers.map((answer) => answer.report))).toEqual(new Set(['opportunistic']));
  expect(host.server.connections).toBe(1);
});

async function policyEtag(server: FleetServer): Promise<string> {
  return (await fetch(`${server.url}/api/v1/policy`)).headers.get('etag') ?? '';
}

it('serves a policy saved on A from B within a second', async () => {
  const before = await policyEtag(a);
  // B has just read (and cached) the old policy.
  expect(await policyEtag(b)).toBe(before);
  const saved = await fetch(`${a.url}/api/v1/admin/policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': before },
    body: JSON.stringify({ portal: true, forcedTlsDomains: ['bank.example'] }),
  });
  const savedAt = Date.now();
  expect(saved.status).toBe(200);
  const etag = saved.headers.get('etag');
  expect(etag).not.toBe(before);
  let seen = await policyEtag(b);
  while (seen !== etag && Date.now() - savedAt < 3000) {
    await sleep(10);
    seen = await policyEtag(b);
  }
  const elapsed = Date.now() - savedAt;
  expect(seen).toBe(etag);
  expect(elapsed).toBeLessThan(1000);
});

/** A browser on a portal link that may send each request to either instance; it keeps its cookies. */
class Browser {
  readonly cookies = new Map<string, string>();
  last = '';

  constructor(readonly path: string) {}

  private async send(server: FleetServer, suffix: string, init: RequestInit = {}) {
    const response = await fetch(`${server.url}${this.path}${suffix}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    this.last = await response.text();
    return { status: response.status, body: this.last };
  }

  get(server: FleetServer, suffix = '') {
    return this.send(server, suffix);
  }

  post(server: FleetServer, suffix: string, fields: Record<string, string>) {
    return this.send(server, suffix, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Opens the link and asks for a code for `email` (on `server`); the code from the inbox. */
  async start(server: FleetServer, email: string): Promise<string> {
    const since = inbox.mails.length;
    await this.get(server);
    expect((await this.post(server, '/start', { email, _csrf: csrfOf(this.last) })).status).toBe(200);
    const mail = await inbox.waitFor((m) => inbox.mails.indexOf(m) >= since && m.to.includes(email));
    return codeFrom(mail);
  }

  verify(server: FleetServer, code: string, email: string) {
    return this.post(server, '/verify', { code, email, _csrf: csrfOf(this.last) });
  }
}

const BOB = `bob.${randomUUID().slice(0, 8)}@rcpt.test`;

async function sendMessage(server: FleetServer): Promise<{ id: string; path: string }> {
  const { payload, contentType } = await multipart({
    message: { senderEmail: 'alice@sender.test', subject: SUBJECT, body: '<p>body</p>', recipients: [BOB] },
  });
  const response = await fetch(`${server.url}/api/v1/portal/messages`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(payload),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { id: string; link: string };
  return { id: created.id, path: new URL(created.link).pathname };
}

describe('the portal’s secrets, shared by both instances', () => {
  let message: { id: string; path: string };
  beforeAll(async () => {
    // On already when the policy test ran first.
    const policy = await fetch(`${a.url}/api/v1/policy`);
    if (!((await policy.json()) as { portal: boolean }).portal) {
      await fetch(`${a.url}/api/v1/admin/policy`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-match': policy.headers.get('etag') ?? '' },
        body: JSON.stringify({ portal: true }),
      });
      await sleep(1000);
    }
    message = await sendMessage(a);
  });

  it('takes a code once: used on A, it fails on B; entered on both at once, it works on one', async () => {
    const first = new Browser(message.path);
    const code = await first.start(a, BOB);
    // Captured before use, as someone who saw the form and its cookie would.
    const form = { code, email: BOB, _csrf: csrfOf(first.last) };
    const flow = first.cookies.get('tgp_flow') ?? '';
    expect((await first.verify(a, code, BOB)).status).toBe(303);
    const replay = new Browser(message.path);
    replay.cookies.set('tgp_flow', flow);
    const again = await replay.post(b, '/verify', form);
    expect(again.status).toBe(400);
    expect(again.body).toContain('can no longer be used');

    const racer = new Browser(message.path);
    const raced = await racer.start(b, BOB);
    const both = await Promise.all([racer.verify(a, raced, BOB), racer.verify(b, raced, BOB)]);
    expect(both.map((answer) => answer.status).sort()).toEqual([303, 400]);
  });

  it('voids a code after five wrong entries spread over A and B', async () => {
    const browser = new Browser(message.path);
    const code = await browser.start(b, BOB);
    const wrong = code === '000000' ? '111111' : '000000';
    const bodies: string[] = [];
    for (const server of [a, b, a, b, a]) bodies.push((await browser.verify(server, wrong, BOB)).body);
    expect(bodies.slice(0, 4).every((body) => body.includes('That code is not right'))).toBe(true);
    expect(bodies[4]).toContain('can no longer be used');
    const late = await browser.verify(b, code, BOB);
    expect(late.status).toBe(400);
    expect(late.body).toContain('can no longer be used');
  });

  it('ends a session opened on B when the message is revoked on A', async () => {
    const revocable = await sendMessage(a);
    const browser = new Browser(revocable.path);
    expect((await browser.verify(b, await browser.start(b, BOB), BOB)).status).toBe(303);
    expect((await browser.get(b)).body).toContain(SUBJECT);
    const revoked = await fetch(`${a.url}/api/v1/portal/messages/${revocable.id}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    const after = await browser.get(b);
    expect(after.status).toBe(404);
    expect(after.body).not.toContain(SUBJECT);
  });
});

describe.each(DIALECTS)('a code spent through two stores on one %s database', (dialect) => {
  it('is spent by exactly one of them', async () => {
    const target = await freshTarget(dialect, () => cluster);
    const stores: Store[] = [await openStore(target), await openStore(target)];
    try {
      const [one, two] = stores.map((store) => store.portal!);
      await one!.createMessage(newMessage('m1'));
      await two!.putChallenge(challenge('c1', 'm1'));
      const spent = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one! : two!).spendChallenge(bytes('c1'))),
      );
      expect(spent.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

// Last: A does not come back.
it('lets B finish a lookup A was probing when A is killed', async () => {
  const host = await mailHost('crash.example', 2500);
  const onA = lookup(a, 'crash.example').catch(() => null);
  while (host.server.connections === 0) await sleep(20);
  const onB = lookup(b, 'crash.example');
  // B waits for A's probe rather than starting its own.
  await sleep(700);
  expect(host.server.connections).toBe(1);
  await a.kill();
  expect(await onA).toBeNull();
  const answer = await onB;
  expect(answer).toEqual({ status: 200, report: 'opportunistic' });
  expect(host.server.connections).toBe(2);
});
