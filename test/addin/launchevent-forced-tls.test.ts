import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { compactOrNull, expand } from '../../addin/shared/session-cache';
import { deliveryVerdict } from '../../src/core/delivery';
import { DEFAULT_POLICY, type ForcedTlsEntry, type OrgPolicy } from '../../src/core/policy';
import type { DomainReport, MxReport } from '../../src/core/report';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';
import { asLookup, mx, report, tls } from '../support/reports';
import { actionOf, fireHandler } from '../support/send-harness';

/**
 * The built launchevent.js and a forced-TLS domain whose connector would refuse every mail server: the send
 * check warns on any message to it, whatever the content, because the mail would only queue and bounce.
 */

const BASE = 'https://tlsgate.example.test';
let bundle = '';

const PARTNER: ForcedTlsEntry = {
  domain: 'partner.example',
  level: 'domain-validation',
  tlsDomain: 'mx.partner.example',
};
const HEALTHY: ForcedTlsEntry = { domain: 'healthy.example', level: 'encryption-only' };
const FORCED: OrgPolicy = { ...DEFAULT_POLICY, forcedTlsDomains: [HEALTHY, PARTNER] };

/** What the backend answers for a forced-TLS domain (src/server/lookup.ts applyForcedTls): enforced + verdict. */
function forcedReport(domain: string, entry: ForcedTlsEntry, hosts: MxReport[]): DomainReport {
  return report(domain, 'enforced', {
    enforcement: ['policy'],
    mx: hosts,
    delivery: deliveryVerdict({ mx: hosts }, entry, Date.now()),
    findings: [
      { code: 'POLICY_FORCED_TLS', severity: 'info', message: 'A TLS-required connector covers it.' },
    ],
  });
}

const REPORTS = new Map<string, DomainReport>([
  // Its certificate names another host: refused at domain validation.
  [
    'partner.example',
    forcedReport('partner.example', PARTNER, [
      mx('mx.partner.example', 10, {
        tls: tls({ subject: 'CN=mail.elsewhere.example', sans: ['mail.elsewhere.example'] }),
      }),
    ]),
  ],
  ['healthy.example', forcedReport('healthy.example', HEALTHY, [mx('mx.healthy.example', 10)])],
]);

let policy: OrgPolicy = FORCED;
const server = setupServer(
  http.post(`${BASE}/api/v1/domains/lookup`, async ({ request }) => {
    const { domains } = (await request.json()) as { domains: string[] };
    return HttpResponse.json({
      reports: domains.map((input) => {
        const domain = input.slice(input.lastIndexOf('@') + 1).toLowerCase();
        const known = REPORTS.get(domain) ?? report(domain, 'none');
        return { ...asLookup(known), input };
      }),
    });
  }),
  http.get(`${BASE}/api/v1/policy`, () => HttpResponse.json({ policy, version: 1 })),
  http.post(`${BASE}/api/v1/events`, () => HttpResponse.json({ accepted: true }, { status: 202 })),
);

beforeAll(async () => {
  bundle = await buildLaunchEventBundle(BASE);
  server.listen({ onUnhandledRequest: 'error' });
}, 120_000);
afterEach(() => {
  server.resetHandlers();
  policy = FORCED;
});
afterAll(() => {
  server.close();
});

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';
const to = (...addresses: string[]) => addresses.map((emailAddress) => ({ emailAddress }));

async function send(
  recipients: string[],
  body: string,
  options: { displayLanguage?: string; sessionData?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const run = fireHandler(bundle, 'onMessageSendHandler', {
    ...(options.displayLanguage ? { displayLanguage: options.displayLanguage } : {}),
    draft: { to: to(...recipients), subject: 'Hello', body, sessionData: options.sessionData ?? {} },
  });
  const completed = (await run.done) as Record<string, unknown>;
  expect(run.calls).toHaveLength(1);
  return completed;
}

describe('the send check and a forced-TLS domain that will not take the mail', () => {
  it('is set up as the lookup would answer it', () => {
    expect(REPORTS.get('partner.example')?.delivery).toMatchObject({
      state: 'failing',
      reasons: [{ code: 'NAME_MISMATCH', host: 'mx.partner.example' }],
    });
    expect(REPORTS.get('healthy.example')?.delivery?.state).toBe('ok');
  });

  it('warns on an ordinary message, in English', async () => {
    const options = await send(['ann@partner.example'], 'See you at noon.');
    expect(actionOf(options)).toBe('warn');
    expect(options).toEqual({
      allowEvent: false,
      errorMessage:
        "This message will not be delivered to partner.example, whose mail servers do not meet your organisation's TLS requirement. You can remove the recipient or send anyway.",
      sendModeOverride: 'promptUser',
    });
  });

  it('warns in Dutch when Outlook speaks Dutch', async () => {
    const options = await send(['ann@partner.example'], 'Tot straks.', { displayLanguage: 'nl-NL' });
    expect(actionOf(options)).toBe('warn');
    expect(options.errorMessage).toBe(
      'Dit bericht wordt niet bezorgd bij partner.example, waarvan de mailservers niet voldoen aan de TLS-eis van uw organisatie. U kunt de ontvanger verwijderen of het toch verzenden.',
    );
  });

  it('warns, and does not block, when the message is sensitive too', async () => {
    const options = await send(['ann@partner.example'], IBAN_BODY);
    expect(actionOf(options)).toBe('warn');
    expect(options.errorMessage).toContain('This message will not be delivered to partner.example');
  });

  it('offers the secure portal when the policy has it on', async () => {
    policy = { ...FORCED, portal: true };
    const options = await send(['ann@partner.example'], 'See you at noon.');
    expect(actionOf(options)).toBe('warn');
    expect(options.errorMessage).toContain(
      'You can remove the recipient, send it through the secure portal or send anyway.',
    );
  });

  it('allows ordinary and sensitive mail to a healthy forced-TLS domain', async () => {
    expect(await send(['bo@healthy.example'], 'See you at noon.')).toEqual({ allowEvent: true });
    expect(await send(['bo@healthy.example'], IBAN_BODY)).toEqual({ allowEvent: true });
  });

  it('warns from the statuses the recipients-changed handler prefetched, with the backend gone', async () => {
    const prefetch = fireHandler(bundle, 'onMessageRecipientsChangedHandler', {
      draft: { to: to('ann@partner.example') },
    });
    await prefetch.done;
    const session = { ...prefetch.stub.draft.sessionData };
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
      http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    );
    const options = await send(['ann@partner.example'], 'See you at noon.', { sessionData: session });
    expect(actionOf(options)).toBe('warn');
    expect(options.errorMessage).toContain('This message will not be delivered to partner.example');
  });
});

describe('the session cache of a lookup answer with a delivery verdict', () => {
  const answer = (delivery: unknown): unknown => ({ ...asLookup(report('x.example', 'enforced')), delivery });

  it('keeps the verdict with only the hosts its reasons name', () => {
    const hosts = [
      mx('mx1.partner.example', 10),
      mx('mx2.partner.example', 20, { starttls: false, tls: null }),
    ];
    const verdict = deliveryVerdict({ mx: hosts }, HEALTHY, Date.now());
    expect(verdict.state).toBe('at-risk');
    const kept = compactOrNull(answer(verdict));
    expect(kept?.delivery).toEqual({ ...verdict, mx: [verdict.mx[1]] });
    expect(kept && expand(kept).delivery?.state).toBe('at-risk');
    expect(compactOrNull(answer(undefined))).not.toHaveProperty('delivery');
  });

  it.each([
    ['of an unknown state', { state: 'fine', mx: [], reasons: [] }],
    ['without its hosts and reasons', { state: 'failing' }],
    ['that is null', null],
  ])('treats a verdict %s as a garbled answer', (_name, delivery) => {
    expect(compactOrNull(answer(delivery))).toBeNull();
  });
});
