/**
 * Forced-TLS health monitoring end to end, on real parts: partners on the loopback mail internet whose MX
 * loses STARTTLS and gets it back, the real checker, a SQLite file, alert mail through a loopback relay
 * that requires STARTTLS, and a loopback HTTP server as the Slack/Teams webhook. The health clock is the
 * test's, so a day passes in a line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { DomainHealth, HealthResponse } from '../../src/contract/forced-tls';
import type { ForcedTlsEntry } from '../../src/core/policy';
import { checkDomain } from '../../src/probe/check';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import type { ForcedTlsHealthService } from '../../src/server/forced-tls';
import type { WebhookPayload } from '../../src/server/forced-tls/alert-messages';
import { MailInternet } from '../support/mail-internet';
import { listForcedTls } from '../support/server';
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from '../support/smtp-inbox';
import { startWebhookInbox, type WebhookInbox, type WebhookRequest } from '../support/webhook-inbox';

const ADMIN = 'forced-tls-health-admin-'.padEnd(48, 'h');
const admin = { authorization: `Bearer ${ADMIN}` };
const HOUR = 3_600_000;
const WEBHOOK_SECRET = 'T0000/B0000/webhook-secret-part';

let net: MailInternet;
let inbox: SmtpInbox;
let hook: WebhookInbox;
let dbPath: string;
let clock = Date.now();
let app: FastifyInstance;
let logs: string[] = [];
const probed: string[] = [];

async function start(): Promise<FastifyInstance> {
  const config = loadConfig({
    TLSGATE_HTTP: '1',
    TLSGATE_DB: dbPath,
    LOG_LEVEL: 'info',
    TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
    TLSGATE_ADMIN_TOKEN: ADMIN,
    TLSGATE_PUBLIC_URL: 'https://tlsgate.example.org',
    TLSGATE_SMTP_URL: inbox.url,
    TLSGATE_SMTP_FROM: 'TLS Gate <tlsgate@example.org>',
    TLSGATE_SMTP_CA_FILE: inbox.caFile,
    TLSGATE_ALERT_EMAILS: 'it@example.org, security@example.org',
    TLSGATE_ALERT_WEBHOOK_URL: `${hook.url}/${WEBHOOK_SECRET}`,
  });
  const started = await buildApp(config, {
    probe: (domain) => {
      probed.push(domain);
      return checkDomain(domain, net.probeOptions);
    },
    logStream: { write: (line: string) => logs.push(line) },
    // The test drives the schedule and the outbox; a check still sends its alerts at once by itself.
    health: { now: () => clock, tickMs: 0, deliveryPollMs: 0, webhookTimeoutMs: 1000 },
  });
  await started.ready();
  return started;
}

beforeAll(async () => {
  [net, inbox, hook] = await Promise.all([MailInternet.start(), startSmtpInbox(), startWebhookInbox()]);
  dbPath = join(mkdtempSync(join(tmpdir(), 'tlsgate-health-')), 'tlsgate.db');
  app = await start();
}, 30_000);
afterAll(async () => {
  await app.close();
  await Promise.all([net.close(), inbox.close(), hook.close()]);
});

const health = (): ForcedTlsHealthService => app.services.forcedTlsHealth!;

/** A partner whose one MX can be pointed at a good server or at one without STARTTLS. */
async function partner(domain: string) {
  const host = `mx.${domain}`;
  const good = await net.mailHost({ name: host });
  const bad = await net.mailHost({ name: host, mode: 'plain', aRecord: false });
  net.mx(domain, [[10, host]]);
  const point = (ip: string) => {
    net.dns.remove(host, 'A');
    net.a(host, ip);
  };
  const entry: ForcedTlsEntry = { domain, level: 'domain-validation', tlsDomain: host };
  return {
    domain,
    host,
    entry,
    fail: () => {
      point(bad.ip);
    },
    heal: () => {
      point(good.ip);
    },
  };
}

const inject = (options: InjectOptions) => app.inject(options);
const checkNow = (domain: string, headers: Record<string, string> = admin) =>
  inject({ method: 'POST', url: '/api/v1/admin/forced-tls/health/check', headers, payload: { domain } });

/** Lets every alert that is due go out, and waits for it. */
async function settle(): Promise<void> {
  await health().idle();
  await health().deliverDue();
}

const mailsAbout = (domain: string): ReceivedMail[] =>
  inbox.mails.filter((mail) => mail.subject.includes(` ${domain} `));
const postsAbout = (domain: string): WebhookRequest[] =>
  hook.requests.filter((request) => (request.body as WebhookPayload).tlsgate.domain === domain);
const payload = (request: WebhookRequest | undefined): WebhookPayload => request?.body as WebhookPayload;

describe('a change in delivery', () => {
  it('alerts once by mail over STARTTLS and once by webhook; no change sends nothing; recovery one more each', async () => {
    const p = await partner('one.example');
    p.heal();
    await listForcedTls(app, [p.entry]);

    const first = await checkNow(p.domain);
    expect(first.statusCode).toBe(200);
    expect(first.json<DomainHealth>()).toMatchObject({ domain: p.domain, state: 'ok', checkable: true });
    await settle();
    // A first check that finds the partner fine tells nobody anything.
    expect([mailsAbout(p.domain), postsAbout(p.domain)]).toEqual([[], []]);

    p.fail();
    clock += HOUR;
    const failing = await checkNow(p.domain);
    expect(failing.json<DomainHealth>()).toMatchObject({
      state: 'failing',
      since: new Date(clock).toISOString(),
      verdict: {
        level: 'domain-validation',
        tlsDomain: p.host,
        reasons: [{ code: 'NO_STARTTLS', host: p.host }],
      },
    });
    const mail = await inbox.waitFor((m) => m.subject.includes(` ${p.domain} `));
    await hook.waitFor((r) => payload(r).tlsgate.domain === p.domain);
    await settle();
    expect(mail.secure).toBe(true);
    expect(mail.to).toEqual(['it@example.org', 'security@example.org']);
    expect(mail.from).toBe('tlsgate@example.org');
    expect(mail.subject).toBe(`TLS Gate: Mail to ${p.domain} will not be delivered`);
    expect(mail.text).toContain(
      `Your organisation requires TLS for ${p.domain}, but ${p.host} offers no STARTTLS: mail to it will wait in the queue and then return undelivered.`,
    );
    expect(mail.text).toContain(`Connector level: Domain validation (TlsDomain ${p.host})`);
    expect(mail.text).toContain('Delivery:        Not delivered (was: Delivered)');
    expect(mail.text).toContain(`  ${p.host} (preference 10): refused: ${p.host} offers no STARTTLS`);
    expect(mail.text).toContain('https://tlsgate.example.org/admin');
    const [post] = postsAbout(p.domain);
    expect(post?.method).toBe('POST');
    expect(post?.path).toBe(`/hook/${WEBHOOK_SECRET}`);
    expect(post?.headers['content-type']).toMatch(/^application\/json/);
    expect(post?.body).toEqual({
      text: expect.stringMatching(
        new RegExp(
          `^TLS Gate: Mail to ${p.domain} will not be delivered\\. Your organisation requires TLS .* https://tlsgate\\.example\\.org/admin$`,
        ),
      ) as unknown,
      tlsgate: {
        event: 'changed',
        domain: p.domain,
        from: 'ok',
        to: 'failing',
        level: 'domain-validation',
        reasons: [{ code: 'NO_STARTTLS', host: p.host }],
        checkedAt: new Date(clock).toISOString(),
      },
    });
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([1, 1]);

    // Still failing, by hand and on schedule: nothing new (a reminder is a day away).
    clock += HOUR;
    await checkNow(p.domain);
    clock += 6 * HOUR;
    await health().runDue();
    await settle();
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([1, 1]);

    p.heal();
    clock += HOUR;
    expect((await checkNow(p.domain)).json<DomainHealth>().state).toBe('ok');
    await inbox.waitFor((m) => m.subject === `TLS Gate: Mail to ${p.domain} is delivered again`);
    await hook.waitFor((r) => payload(r).tlsgate.to === 'ok' && payload(r).tlsgate.domain === p.domain);
    await settle();
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([2, 2]);
    expect(payload(postsAbout(p.domain)[1]).tlsgate).toMatchObject({
      event: 'changed',
      from: 'failing',
      to: 'ok',
      reasons: [],
    });
    // The log says what happened, never where the webhook is (its URL holds its secret).
    expect(logs.join('\n')).toContain('forced TLS health: alert queued');
    expect(logs.join('\n')).not.toContain('webhook-secret-part');
  }, 30_000);

  it('reminds once a day while the partner stays failing, on schedule', async () => {
    const p = await partner('two.example');
    p.fail();
    await listForcedTls(app, [p.entry]);
    clock += HOUR;
    await health().runDue();
    await settle();
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([1, 1]);

    clock += 23 * HOUR;
    await health().runDue();
    await settle();
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([1, 1]);

    // Checked every 6 hours: the reminder goes with the first check a day or more after the alert.
    clock += 6 * HOUR;
    await health().runDue();
    await settle();
    expect(mailsAbout(p.domain).map((m) => m.subject)).toEqual([
      `TLS Gate: Mail to ${p.domain} will not be delivered`,
      `TLS Gate: Reminder: mail to ${p.domain} is still not delivered`,
    ]);
    expect(payload(postsAbout(p.domain)[1]).tlsgate).toMatchObject({
      event: 'reminder',
      from: 'failing',
      to: 'failing',
    });

    clock += 6 * HOUR;
    await health().runDue();
    await settle();
    expect([mailsAbout(p.domain).length, postsAbout(p.domain).length]).toEqual([2, 2]);
  }, 30_000);

  it('stops checking a domain removed from the policy', async () => {
    const p = await partner('three.example');
    p.heal();
    await listForcedTls(app, [p.entry]);
    clock += 7 * HOUR;
    await health().runDue();
    expect(probed.filter((d) => d === p.domain)).toHaveLength(1);
    await listForcedTls(app, []);
    clock += 7 * HOUR;
    await health().runDue();
    expect(probed.filter((d) => d === p.domain)).toHaveLength(1);
    expect((await health().overview()).domains).toEqual([]);
  }, 30_000);
});

describe('a webhook that is down', () => {
  it('does not hold up "Check now", is retried with backoff, and is delivered after a restart', async () => {
    const p = await partner('four.example');
    p.fail();
    await listForcedTls(app, [p.entry]);
    await hook.stop();

    const asked = Date.now();
    const answer = await checkNow(p.domain);
    expect(answer.statusCode).toBe(200);
    expect(Date.now() - asked).toBeLessThan(5000);
    await inbox.waitFor((m) => m.subject.includes(` ${p.domain} `));
    await settle();
    expect(logs.join('\n')).toMatch(
      /"channel":"webhook","attempts":1,"reason":"[^"]*ECONNREFUSED[^"]*","retryAt"/,
    );

    // Up again but failing: not before its 30 s, then once, then not before another 2 min.
    await hook.start();
    hook.mode = 'error';
    clock += 29_000;
    await health().deliverDue();
    expect(postsAbout(p.domain)).toHaveLength(0);
    clock += 1000;
    await health().deliverDue();
    expect(postsAbout(p.domain).map((r) => r.answered)).toEqual([500]);
    clock += 119_000;
    await health().deliverDue();
    expect(postsAbout(p.domain)).toHaveLength(1);

    // The alert outlives the instance: the next one on the same database sends it.
    await app.close();
    logs = [];
    app = await start();
    hook.mode = 'ok';
    clock += 1000;
    await health().deliverDue();
    await health().deliverDue();
    expect(postsAbout(p.domain).map((r) => r.answered)).toEqual([500, 200]);
    expect(payload(postsAbout(p.domain)[1]).tlsgate).toMatchObject({ event: 'changed', to: 'failing' });
    expect(mailsAbout(p.domain)).toHaveLength(1);
  }, 30_000);

  it('that hangs: "Check now" has answered while the POST is still waiting', async () => {
    const p = await partner('five.example');
    p.fail();
    await listForcedTls(app, [p.entry]);
    hook.mode = 'hang';
    const state = { answered: false };
    const answer = checkNow(p.domain).then((response) => {
      state.answered = true;
      return response;
    });
    const hanging = await hook.waitFor((r) => payload(r).tlsgate.domain === p.domain);
    // The POST hangs for the sender's whole timeout (1 s); the answer comes well before.
    for (let i = 0; i < 50 && !state.answered; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([state.answered, hanging.answered]).toEqual([true, null]);
    expect((await answer).json<DomainHealth>().state).toBe('failing');
    // The sender gave up on it after its timeout; the retry goes through.
    await settle();
    hook.mode = 'ok';
    clock += 30_000;
    await health().deliverDue();
    expect(postsAbout(p.domain).map((r) => r.answered)).toEqual([null, 200]);
  }, 30_000);
});

describe('GET /api/v1/admin/forced-tls/health', () => {
  it('lists every entry, problems first, with the latest verdict and the history', async () => {
    hook.mode = 'ok';
    const failing = await partner('six-failing.example');
    const healthy = await partner('six-ok.example');
    const expiring = 'six-expiring.example';
    await net.mailHost({ name: `mx.${expiring}`, cert: 'expiring' });
    net.mx(expiring, [[10, `mx.${expiring}`]]);
    healthy.heal();
    failing.heal();
    await listForcedTls(app, [
      failing.entry,
      healthy.entry,
      { domain: expiring, level: 'certificate-validation' },
      { domain: 'six-unchecked.example', level: 'encryption-only' },
      { domain: '*.six-wild.example', level: 'encryption-only' },
    ]);
    clock += HOUR;
    const firstCheck = clock;
    for (const domain of [failing.domain, healthy.domain, expiring]) await checkNow(domain);
    failing.fail();
    clock += HOUR;
    await checkNow(failing.domain);
    await settle();

    const response = await inject({ url: '/api/v1/admin/forced-tls/health', headers: admin });
    expect(response.statusCode).toBe(200);
    const body = response.json<HealthResponse>();
    expect(body.intervalSeconds).toBe(6 * 3600);
    expect(body.alerts).toEqual({ email: true, webhook: true });
    expect(body.domains.map((d) => [d.domain, d.state, d.checkable])).toEqual([
      [failing.domain, 'failing', true],
      [expiring, 'at-risk', true],
      ['six-unchecked.example', null, true],
      [healthy.domain, 'ok', true],
      ['*.six-wild.example', null, false],
    ]);
    const [bad, risky, unchecked] = body.domains;
    expect(bad?.history.map((h) => [h.at, h.state])).toEqual([
      [new Date(firstCheck).toISOString(), 'ok'],
      [new Date(clock).toISOString(), 'failing'],
    ]);
    expect(bad).toMatchObject({
      level: 'domain-validation',
      tlsDomain: failing.host,
      since: new Date(clock).toISOString(),
      checkedAt: new Date(clock).toISOString(),
      verdict: { state: 'failing', mx: [{ host: failing.host, accepted: false, problems: ['NO_STARTTLS'] }] },
    });
    expect(risky?.verdict).toMatchObject({
      reasons: [{ code: 'CERT_EXPIRES_SOON', host: `mx.${expiring}` }],
    });
    expect(risky?.verdict?.soonestExpiry).toEqual(expect.any(String));
    expect(unchecked).toMatchObject({ checkedAt: null, verdict: null, history: [] });
  }, 30_000);
});
