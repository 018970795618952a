/**
 * SMS codes through Twilio: the real app on a real SQLite file, configured through the environment, talking
 * HTTPS (a test CA) to a loopback stand-in that checks each request against Twilio's documented call. The
 * provider's refusals reach the recipient as a page and the sender as an audit entry; the code never reaches
 * a log or the audit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, describeConfig, loadConfig } from '../../src/server/config';
import { SmsError, twilioSmsProvider } from '../../src/server/portal/sms';
import {
  createMessage,
  linkPath,
  PortalClient,
  startPortalApp,
  type Created,
  type PortalApp,
} from '../support/portal';
import { startTwilioStandIn, type StandInAnswer, type TwilioStandIn } from '../support/twilio-standin';

const ACCOUNT = `AC${randomBytes(16).toString('hex')}`;
const TOKEN = randomBytes(16).toString('hex');
const FROM = '+3197010204060';
const SENDER = `sender.${randomUUID().slice(0, 8)}@sender.test`;
const BOB = `bob.${randomUUID().slice(0, 8)}@rcpt.test`;
const CAROL = `carol.${randomUUID().slice(0, 8)}@rcpt.test`;
const BOB_PHONE = '+31612345678';
const CAROL_PHONE = '+447700900123';

let standIn: TwilioStandIn;
let portal: PortalApp;

beforeAll(async () => {
  standIn = await startTwilioStandIn({ accountSid: ACCOUNT, username: ACCOUNT, password: TOKEN });
  portal = await startPortalApp({
    env: {
      TLSGATE_SMS_PROVIDER: 'twilio',
      TLSGATE_TWILIO_ACCOUNT_SID: ACCOUNT,
      TLSGATE_TWILIO_AUTH_TOKEN: TOKEN,
      TLSGATE_TWILIO_FROM: FROM,
      TLSGATE_TWILIO_BASE_URL: standIn.baseUrl,
    },
    deps: { twilio: { extraCa: [standIn.caPem], timeoutMs: 1000 } },
  });
});
afterAll(async () => {
  await portal.app.close();
  await standIn.close();
});

const create = (): Promise<Created> =>
  createMessage(portal.app, {
    message: {
      senderEmail: SENDER,
      subject: 'S',
      body: '<p>B</p>',
      recipients: [
        { email: BOB, phone: BOB_PHONE },
        { email: CAROL, phone: CAROL_PHONE },
      ],
      verification: { method: 'sms-code' },
    },
  });

/** The code in the last text the stand-in received. */
function lastCode(): string {
  const body = standIn.received.at(-1)?.body ?? '';
  const code = /(\d{6})/.exec(body)?.[1];
  if (!code) throw new Error(`no code in ${JSON.stringify(body)}`);
  return code;
}

async function audit(id: string) {
  const response = await portal.app.inject({ method: 'GET', url: `/api/v1/portal/messages/${id}/audit` });
  return {
    raw: response.body,
    events: response.json<{
      events: Array<{ kind: string; participant: number | null; detail: Record<string, unknown> | null }>;
    }>().events,
  };
}

describe('Twilio', () => {
  it('gets exactly one request per code, as Twilio documents it, and the code opens the message', async () => {
    const created = await create();
    const before = standIn.received.length;
    const client = new PortalClient(portal.app, linkPath(created.link));
    expect((await client.start(CAROL)).statusCode).toBe(200);
    await portal.app.services.portal!.idle();
    expect(standIn.received).toHaveLength(before + 1);
    const text = standIn.received.at(-1)!;
    expect(text).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
      fields: ['To', 'From', 'Body'],
      to: CAROL_PHONE,
      from: FROM,
      messagingServiceSid: null,
      problems: [],
    });
    expect(text.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(text.body).toMatch(/^TLS Gate code: \d{6} \(valid 10 minutes\)$/);
    const code = lastCode();

    // Someone who is not a recipient gets the same page, and nobody is texted.
    const stranger = new PortalClient(portal.app, linkPath(created.link));
    expect((await stranger.start('mallory@evil.test')).statusCode).toBe(200);
    await portal.app.services.portal!.idle();
    expect(standIn.received).toHaveLength(before + 1);

    expect((await client.verify(code, CAROL)).statusCode).toBe(303);
    expect((await client.get()).body).toContain('<h1>S</h1>');
    const { events } = await audit(created.id);
    expect(events.filter((e) => e.kind === 'code-sent')).toEqual([
      expect.objectContaining({ participant: 2 }),
    ]);
    // Neither the code nor the number is in the log.
    expect(portal.logs.join('\n')).not.toContain(code);
    expect(portal.logs.join('\n')).not.toContain(CAROL_PHONE);
  });

  it.each<[string, StandInAnswer, string, string]>([
    [
      '429 Too Many Requests',
      { kind: 'error', status: 429, code: 20429 },
      'rate-limited',
      'SMS_RATE_LIMITED',
    ],
    [
      '400 with error 21211',
      { kind: 'error', status: 400, code: 21211 },
      'invalid-number',
      'SMS_INVALID_NUMBER',
    ],
    [
      '400 with error 21614',
      { kind: 'error', status: 400, code: 21614 },
      'invalid-number',
      'SMS_INVALID_NUMBER',
    ],
    ['500', { kind: 'error', status: 500, code: 20500 }, 'unavailable', 'SMS_UNAVAILABLE'],
    [
      '503 from a proxy, not JSON',
      { kind: 'error', status: 503, json: false },
      'unavailable',
      'SMS_UNAVAILABLE',
    ],
    ['no answer (timeout)', { kind: 'hang' }, 'unavailable', 'SMS_UNAVAILABLE'],
  ])(
    '%s: the recipient is told why, the sender sees it in the audit, and the code is logged nowhere',
    async (_name, answer, reason, code) => {
      const created = await create();
      const before = standIn.received.length;
      standIn.answer(answer);
      const client = new PortalClient(portal.app, linkPath(created.link));
      expect((await client.start(BOB)).statusCode).toBe(200);
      await portal.app.services.portal!.idle();
      expect(standIn.received).toHaveLength(before + 1);
      expect(standIn.received.at(-1)!.problems).toEqual([]);
      const sent = lastCode();

      // The code that was not sent opens nothing: entering it shows why no text came.
      const page = await client.verify(sent, BOB);
      expect(page.statusCode).toBe(502);
      expect(page.body).toContain('We could not send the text message');
      expect(page.body).toContain(`Error code: ${code}`);
      expect(page.body).toContain(
        reason === 'invalid-number'
          ? 'is not valid or cannot receive text messages'
          : 'try again in a few minutes',
      );
      expect(page.body.includes('Send a new code')).toBe(reason !== 'invalid-number');
      expect(page.headers['retry-after']).toBe(reason === 'invalid-number' ? undefined : '300');
      expect((await client.get()).body).not.toContain('<h1>S</h1>');

      const { events, raw } = await audit(created.id);
      expect(events.filter((e) => e.kind === 'sms-failed')).toEqual([
        expect.objectContaining({ participant: 1, detail: { reason } }),
      ]);
      expect(events.some((e) => e.kind === 'code-sent')).toBe(false);
      expect(raw).not.toContain(sent);
      const logs = portal.logs.join('\n');
      expect(logs).toContain('the SMS provider did not send a code');
      expect(logs).not.toContain(sent);
      expect(logs).not.toContain(BOB_PHONE);
      expect(logs).not.toContain(BOB);

      // Trying again sends one new text, which works.
      const retry = await client.start(BOB);
      expect(retry.statusCode).toBe(200);
      await portal.app.services.portal!.idle();
      expect(standIn.received).toHaveLength(before + 2);
      expect((await client.verify(lastCode(), BOB)).statusCode).toBe(303);
    },
  );

  it('tells a recipient who asks for a new code in Dutch, and the next attempt texts again', async () => {
    const created = await create();
    standIn.answer({ kind: 'error', status: 429, code: 20429 });
    const client = new PortalClient(portal.app, linkPath(created.link), { 'accept-language': 'nl' });
    await client.start(BOB);
    await portal.app.services.portal!.idle();
    const before = standIn.received.length;
    // "Send a new code" on the code page: the failure is told instead of texting blindly again.
    const told = await client.post('/start', { email: BOB, _csrf: client.csrf() });
    expect(told.statusCode).toBe(502);
    expect(told.body).toContain('We konden de sms niet versturen');
    expect(told.body).toContain('Foutcode: SMS_RATE_LIMITED');
    expect(standIn.received).toHaveLength(before);
    const again = await client.post('/start', { email: BOB, _csrf: client.csrf() });
    expect(again.statusCode).toBe(200);
    await portal.app.services.portal!.idle();
    expect(standIn.received).toHaveLength(before + 1);
  });

  it('sends with an API key and a Messaging Service', async () => {
    const keySid = `SK${randomBytes(16).toString('hex')}`;
    const secret = randomBytes(16).toString('hex');
    const service = `MG${randomBytes(16).toString('hex')}`;
    const keyed = await startTwilioStandIn({ accountSid: ACCOUNT, username: keySid, password: secret });
    try {
      const provider = twilioSmsProvider(
        loadConfig({
          TLSGATE_SMS_PROVIDER: 'twilio',
          TLSGATE_TWILIO_ACCOUNT_SID: ACCOUNT,
          TLSGATE_TWILIO_API_KEY_SID: keySid,
          TLSGATE_TWILIO_API_KEY_SECRET: secret,
          TLSGATE_TWILIO_MESSAGING_SERVICE_SID: service,
          TLSGATE_TWILIO_BASE_URL: `${keyed.baseUrl}/`,
        }).portal.twilio!,
        { extraCa: [keyed.caPem] },
      );
      await provider.send(BOB_PHONE, 'TLS Gate code: 123456 (valid 10 minutes)');
      expect(keyed.received).toEqual([
        expect.objectContaining({
          fields: ['To', 'MessagingServiceSid', 'Body'],
          messagingServiceSid: service,
          from: null,
          problems: [],
        }),
      ]);
    } finally {
      await keyed.close();
    }
  });

  it('refuses a number that is not E.164, and a provider whose certificate it cannot verify, without sending', async () => {
    const config = loadConfig({
      TLSGATE_SMS_PROVIDER: 'twilio',
      TLSGATE_TWILIO_ACCOUNT_SID: ACCOUNT,
      TLSGATE_TWILIO_AUTH_TOKEN: TOKEN,
      TLSGATE_TWILIO_FROM: FROM,
      TLSGATE_TWILIO_BASE_URL: standIn.baseUrl,
    }).portal.twilio!;
    const before = standIn.received.length;
    const trusted = twilioSmsProvider(config, { extraCa: [standIn.caPem] });
    await expect(trusted.send('0612345678', 'x')).rejects.toMatchObject({ reason: 'invalid-number' });
    const untrusted = twilioSmsProvider(config);
    const refused = untrusted.send(BOB_PHONE, 'x');
    await expect(refused).rejects.toBeInstanceOf(SmsError);
    await expect(refused).rejects.toMatchObject({ reason: 'unavailable' });
    expect(standIn.received).toHaveLength(before);
  });
});

describe('configuration', () => {
  function problems(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }
  const twilio = {
    TLSGATE_SMS_PROVIDER: 'twilio',
    TLSGATE_TWILIO_ACCOUNT_SID: ACCOUNT,
    TLSGATE_TWILIO_AUTH_TOKEN: TOKEN,
    TLSGATE_TWILIO_FROM: FROM,
  };

  it('reads Twilio settings, and describes them with the secret hidden', () => {
    const config = loadConfig(twilio);
    expect(config.portal.smsProvider).toBe('twilio');
    expect(config.portal.twilio).toEqual({
      accountSid: ACCOUNT,
      username: ACCOUNT,
      password: TOKEN,
      from: FROM,
      messagingServiceSid: null,
      baseUrl: 'https://api.twilio.com',
    });
    const banner = describeConfig(config).join('\n');
    expect(banner).toContain(
      `SMS:           twilio (account ${ACCOUNT}, from ${FROM}, auth token set (hidden)`,
    );
    expect(banner).not.toContain(TOKEN);
  });

  it('refuses the log provider in production, in one line', () => {
    const production = {
      NODE_ENV: 'production',
      TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      TLSGATE_AUTH_OPEN_IN_PRODUCTION: '1',
    };
    expect(loadConfig({ ...production, ...twilio }).portal.smsProvider).toBe('twilio');
    const found = problems({ ...production, TLSGATE_SMS_PROVIDER: 'log' });
    expect(found).toEqual([expect.stringContaining('TLSGATE_SMS_PROVIDER=log')]);
    expect(found[0]).toContain('refused with NODE_ENV=production');
    expect(found[0]).not.toContain('\n');
    expect(loadConfig({ TLSGATE_SMS_PROVIDER: 'log' }).portal.smsProvider).toBe('log');
  });

  it.each([
    [
      { ...twilio, TLSGATE_TWILIO_ACCOUNT_SID: 'AC123' },
      'TLSGATE_TWILIO_ACCOUNT_SID: must be the Account SID',
    ],
    [{ ...twilio, TLSGATE_TWILIO_ACCOUNT_SID: undefined }, 'TLSGATE_TWILIO_ACCOUNT_SID is required'],
    [{ ...twilio, TLSGATE_TWILIO_AUTH_TOKEN: undefined }, 'give TLSGATE_TWILIO_AUTH_TOKEN'],
    [{ ...twilio, TLSGATE_TWILIO_API_KEY_SID: `SK${'a'.repeat(32)}` }, 'go together'],
    [{ ...twilio, TLSGATE_TWILIO_FROM: undefined }, 'give TLSGATE_TWILIO_FROM or'],
    [
      { ...twilio, TLSGATE_TWILIO_MESSAGING_SERVICE_SID: `MG${'a'.repeat(32)}` },
      'give TLSGATE_TWILIO_FROM or',
    ],
    [{ ...twilio, TLSGATE_TWILIO_FROM: '0612345678' }, 'TLSGATE_TWILIO_FROM: give a number in E.164 form'],
    [
      { ...twilio, TLSGATE_TWILIO_BASE_URL: 'http://api.twilio.com' },
      'TLSGATE_TWILIO_BASE_URL: must be an https',
    ],
    [{ TLSGATE_TWILIO_AUTH_TOKEN: TOKEN }, 'TLSGATE_TWILIO_AUTH_TOKEN: set TLSGATE_SMS_PROVIDER=twilio'],
  ])('refuses a bad Twilio setting (case %#)', (env, message) => {
    const found = problems(env);
    expect(found.join('\n')).toContain(message);
    expect(found.every((problem) => !problem.includes(TOKEN))).toBe(true);
  });
});
