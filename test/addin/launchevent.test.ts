import vm from 'node:vm';
import * as acorn from 'acorn';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { portalNoticeHtml } from '../../addin/shared/portal-notice';
import { createOfficeShim, type OfficeShim, type ShimOptions } from '../../addin/try/office-shim';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import type { DomainStatus } from '../../src/core/status';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';

/**
 * The built launchevent.js, run the way classic Outlook runs it: a bare script in a context with only an
 * Office stand-in, fetch and timers — no window, no document, no module loader, and without the builtins
 * newer than ES2016 (the bundle must bring its own).
 */

const BASE = 'https://tlsgate.example.test';
let bundle = '';

const statuses = new Map<string, DomainStatus>([
  ['opportunistic.example', 'opportunistic'],
  ['plain.example', 'none'],
  ['enforced.example', 'enforced'],
]);
let policy: OrgPolicy = DEFAULT_POLICY;
const requests: string[] = [];
const events: unknown[] = [];

const server = setupServer(
  http.post(`${BASE}/api/v1/domains/lookup`, async ({ request }) => {
    requests.push('lookup');
    const { domains } = (await request.json()) as { domains: string[] };
    return HttpResponse.json({
      reports: domains.map((input) => {
        const domain = input.slice(input.lastIndexOf('@') + 1).toLowerCase();
        return {
          cached: true,
          stale: false,
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
          input: domain,
          domain,
          status: statuses.get(domain) ?? 'unknown',
          enforcement: statuses.get(domain) === 'enforced' ? ['mta-sts'] : [],
          mx: [],
          mtaSts: { record: null, id: null, mode: null, mx: [], max_age: null, error: null },
          tlsRpt: { present: false, record: null },
          findings: [],
          checkedAt: new Date().toISOString(),
          durationMs: 5,
          cacheTtlSeconds: 3600,
        };
      }),
    });
  }),
  http.post(`${BASE}/api/v1/events`, async ({ request }) => {
    events.push(await request.json());
    return HttpResponse.json({ accepted: true }, { status: 202 });
  }),
  http.get(`${BASE}/api/v1/policy`, () => {
    requests.push('policy');
    return HttpResponse.json({ policy, version: 3, updatedAt: null, updatedBy: 'test' });
  }),
  // The send check trusts a portal notice only once the backend calls its link live (test/security).
  http.post(`${BASE}/api/v1/portal/links/check`, () => HttpResponse.json({ live: true })),
);

beforeAll(async () => {
  bundle = await buildLaunchEventBundle(BASE);
  server.listen({ onUnhandledRequest: 'error' });
}, 60_000);
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
  events.length = 0;
  policy = DEFAULT_POLICY;
});
afterAll(() => {
  server.close();
});

const MODERN_BUILTINS = `
  delete Object.entries; delete Object.values; delete Object.fromEntries; delete Object.getOwnPropertyDescriptors;
  delete Array.prototype.flat; delete Array.prototype.flatMap; delete Array.prototype.at; delete Array.prototype.findLast;
  delete String.prototype.padStart; delete String.prototype.padEnd; delete String.prototype.trimStart;
  delete String.prototype.trimEnd; delete String.prototype.matchAll; delete String.prototype.replaceAll;
  delete String.prototype.at; delete Promise.prototype.finally; delete Promise.allSettled; delete Promise.any;
`;

interface Completion {
  calls: unknown[][];
  done: Promise<unknown>;
}

/** Loads the bundle in a fresh context and fires one handler. */
function fire(handler: string, stub: ShimOptions = {}): Completion & { stub: OfficeShim } {
  const office = createOfficeShim(stub);
  const context = vm.createContext({
    Office: office.Office,
    fetch: globalThis.fetch,
    setTimeout,
    clearTimeout,
  });
  vm.runInContext(MODERN_BUILTINS, context);
  vm.runInContext(bundle, context, { filename: 'launchevent.js' });
  const calls: unknown[][] = [];
  let resolveDone: (value: unknown) => void = () => undefined;
  const done = new Promise((resolve) => {
    resolveDone = resolve;
  });
  const fn = office.actions.get(handler);
  if (!fn) throw new Error(`${handler} was not associated`);
  fn({
    completed: (...args: unknown[]) => {
      calls.push(args);
      resolveDone(args[0]);
    },
  });
  return { calls, done, stub: office };
}

/** Waits for completion, then a little longer, so a second completed() call would be seen. */
async function settle(completion: Completion): Promise<unknown> {
  const options = await completion.done;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(completion.calls).toHaveLength(1);
  return options;
}

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';
const CARD_BODY = 'The number is 4111 1111 1111 1111 as discussed.';
const to = (...addresses: string[]) => addresses.map((emailAddress) => ({ emailAddress }));

describe('dist/launchevent.js', () => {
  it('parses as an ES2016 classic script', () => {
    expect(() => acorn.parse(bundle, { ecmaVersion: 2016, sourceType: 'script' })).not.toThrow();
  });

  it('bundles no zod: the add-in takes only types from the API contract (src/contract)', () => {
    // Strings zod keeps through minification: its error class name and its commonest issue code.
    // Compared as a list, so a failure shows the matches and not the whole bundle.
    expect(bundle.match(/ZodError|invalid_type/g) ?? []).toEqual([]);
  });

  it('associates both handlers with Office.actions.associate and touches no DOM at load', () => {
    const office = createOfficeShim();
    const context = vm.createContext({
      Office: office.Office,
      fetch: globalThis.fetch,
      setTimeout,
      clearTimeout,
    });
    vm.runInContext(bundle, context);
    expect([...office.actions.keys()].sort()).toEqual([
      'onMessageRecipientsChangedHandler',
      'onMessageSendHandler',
    ]);
  });

  it('allows a message with nothing sensitive: {allowEvent: true}', async () => {
    const run = fire('onMessageSendHandler', {
      draft: { to: to('ann@plain.example'), subject: 'Lunch', body: 'See you at noon.' },
    });
    expect(await settle(run)).toEqual({ allowEvent: true });
    expect(run.stub.writes).toEqual([]);
  });

  it('warns with Send Anyway (PromptUser) on 1.14+ for medium sensitivity', async () => {
    const run = fire('onMessageSendHandler', {
      draft: { to: to('bob@opportunistic.example'), subject: 'Order', body: CARD_BODY },
    });
    const options = (await settle(run)) as Record<string, unknown>;
    expect(options).toEqual({
      allowEvent: false,
      errorMessage: expect.stringContaining('opportunistic.example') as string,
      sendModeOverride: 'promptUser',
    });
    expect((options.errorMessage as string).length).toBeLessThanOrEqual(500);
    expect(options.errorMessage).not.toContain('4111 1111 1111 1111');
    expect(run.stub.writes).toEqual([]);
  });

  it('blocks with the task pane button and context on 1.14+', async () => {
    const run = fire('onMessageSendHandler', {
      draft: { to: to('carol@plain.example', 'dave@enforced.example'), subject: 'Invoice', body: IBAN_BODY },
    });
    const options = (await settle(run)) as Record<string, unknown>;
    expect(options).toMatchObject({
      allowEvent: false,
      cancelLabel: 'Review recipients',
      commandId: 'TLSGate.TaskpaneButton',
    });
    expect(options.errorMessage).toEqual(expect.stringContaining('plain.example'));
    expect(options.errorMessage).not.toContain('enforced.example');
    expect(options.errorMessage).not.toMatch(/NL91 ?ABNA ?0417 ?1643 ?00/);
    expect(JSON.parse(options.contextData as string)).toEqual({
      reason: 'blocked',
      action: 'block',
      riskyDomains: ['plain.example'],
      findingTypes: ['iban'],
    });
    expect(run.stub.writes).toEqual([]);
    expect(run.stub.draft.body).toBe(IBAN_BODY);
  });

  it('reports the decision for the activity view without addresses, and without waiting for it', async () => {
    server.use(
      http.post(`${BASE}/api/v1/events`, async ({ request }) => {
        events.push(await request.json());
        await delay(2000);
        return HttpResponse.json({ accepted: true }, { status: 202 });
      }),
    );
    const started = Date.now();
    const run = fire('onMessageSendHandler', {
      draft: { to: to('carol@plain.example', 'dave@enforced.example'), body: IBAN_BODY },
    });
    await settle(run);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(events).toEqual([
      { decision: 'blocked', riskyDomains: ['plain.example'], detectionTypes: ['iban'] },
    ]);
    expect(JSON.stringify(events)).not.toContain('carol');
  });

  it('reports risky addresses, lowercased, only when the policy turns them on', async () => {
    const draft = { to: to('Carol@Plain.example', 'dave@enforced.example'), body: IBAN_BODY };
    await settle(fire('onMessageSendHandler', { draft }));
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('riskyAddresses');

    events.length = 0;
    policy = { ...DEFAULT_POLICY, activityAddresses: true };
    await settle(fire('onMessageSendHandler', { draft }));
    expect(events).toEqual([
      {
        decision: 'blocked',
        riskyDomains: ['plain.example'],
        detectionTypes: ['iban'],
        riskyAddresses: ['carol@plain.example'],
      },
    ]);
  });

  describe('Send Anyway, followed up within the compose session', () => {
    const ATTEMPT_KEY = 'tlsgate.attempt.v1';
    const warning = { to: to('bob@opportunistic.example'), subject: 'Order', body: CARD_BODY };

    /** A warning with Send Anyway; returns its attempt id and the session it left. */
    async function warn(): Promise<{ attempt: string; session: Record<string, string> }> {
      const run = fire('onMessageSendHandler', { draft: warning });
      expect(await settle(run)).toMatchObject({ sendModeOverride: 'promptUser' });
      expect(events).toEqual([
        {
          decision: 'warned',
          riskyDomains: ['opportunistic.example'],
          detectionTypes: ['payment-card'],
          attempt: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) as string,
        },
      ]);
      const attempt = (events[0] as { attempt: string }).attempt;
      expect(run.stub.draft.sessionData[ATTEMPT_KEY]).toBe(attempt);
      expect(run.stub.writes).toEqual([]);
      events.length = 0;
      return { attempt, session: { ...run.stub.draft.sessionData } };
    }

    it('marks a warning with an attempt id, which the next check in the draft supersedes and clears', async () => {
      const { attempt, session } = await warn();
      // "Don't send", then the bank card number is taken out and the user sends again.
      const retry = fire('onMessageSendHandler', {
        draft: { ...warning, body: 'The number follows by phone.', sessionData: session },
      });
      expect(await settle(retry)).toEqual({ allowEvent: true });
      expect(events).toEqual([
        { decision: 'allowed', riskyDomains: [], detectionTypes: [], supersedes: attempt },
      ]);
      expect(retry.stub.draft.sessionData[ATTEMPT_KEY]).toBe('');
    });

    it('gives a repeated warning a new attempt id', async () => {
      const { attempt, session } = await warn();
      const retry = fire('onMessageSendHandler', { draft: { ...warning, sessionData: session } });
      await settle(retry);
      const event = events[0] as { attempt: string; supersedes: string };
      expect(event.supersedes).toBe(attempt);
      expect(event.attempt).not.toBe(attempt);
      expect(retry.stub.draft.sessionData[ATTEMPT_KEY]).toBe(event.attempt);
    });

    it('reports only the superseded warning when the draft then goes out through the portal', async () => {
      const { attempt, session } = await warn();
      policy = { ...DEFAULT_POLICY, portal: true };
      const notice = portalNoticeHtml('https://tlsgate.example.test/p/abc#k=1', '2026-12-24T00:00:00Z', 'en');
      const run = fire('onMessageSendHandler', {
        draft: { ...warning, body: `<html><body>${notice}</body></html>`, sessionData: session },
      });
      expect(await settle(run)).toEqual({ allowEvent: true });
      // No decision: the backend counts the portal send itself.
      expect(events).toEqual([{ supersedes: attempt }]);
    });

    it('sends no attempt id where sessionData cannot keep it', async () => {
      const run = fire('onMessageSendHandler', {
        draft: warning,
        faults: [{ call: 'sessionData.setAsync', mode: 'error' }],
      });
      expect(await settle(run)).toMatchObject({ sendModeOverride: 'promptUser' });
      expect(events).toEqual([
        { decision: 'warned', riskyDomains: ['opportunistic.example'], detectionTypes: ['payment-card'] },
      ]);
    });

    it('does not let a hung sessionData write hold up the warning', async () => {
      const started = Date.now();
      const run = fire('onMessageSendHandler', {
        draft: warning,
        faults: [{ call: 'sessionData.setAsync', mode: 'silent' }],
      });
      expect(await settle(run)).toMatchObject({ sendModeOverride: 'promptUser' });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(events).toEqual([
        { decision: 'warned', riskyDomains: ['opportunistic.example'], detectionTypes: ['payment-card'] },
      ]);
    });

    it('gives no attempt id to a block, nor to a warning without Send Anyway (before 1.14)', async () => {
      await settle(
        fire('onMessageSendHandler', { draft: { to: to('carol@plain.example'), body: IBAN_BODY } }),
      );
      await settle(fire('onMessageSendHandler', { mailboxVersion: '1.13', draft: warning }));
      expect(events).toHaveLength(2);
      for (const event of events) expect(event).not.toHaveProperty('attempt');
    });
  });

  it('labels the button "Send securely" when the policy offers the portal', async () => {
    policy = { ...DEFAULT_POLICY, portal: true };
    const run = fire('onMessageSendHandler', { draft: { to: to('erin@plain.example'), body: IBAN_BODY } });
    expect(await settle(run)).toMatchObject({
      cancelLabel: 'Send securely',
      commandId: 'TLSGate.TaskpaneButton',
    });
  });

  it('allows a draft that carries only the secure-portal notice', async () => {
    policy = { ...DEFAULT_POLICY, portal: true };
    const notice = portalNoticeHtml('https://tlsgate.example.test/p/abc#k=1', '2026-12-24T00:00:00Z', 'en');
    const run = fire('onMessageSendHandler', {
      draft: {
        to: to('erin@plain.example'),
        subject: 'Invoice',
        body: `<html><body>${notice}</body></html>`,
      },
    });
    expect(await settle(run)).toEqual({ allowEvent: true });
    expect(run.stub.writes).toEqual([]);
  });

  it('still blocks when something sensitive was written around the notice', async () => {
    policy = { ...DEFAULT_POLICY, portal: true };
    const notice = portalNoticeHtml('https://tlsgate.example.test/p/abc#k=1', '2026-12-24T00:00:00Z', 'nl');
    const run = fire('onMessageSendHandler', {
      draft: { to: to('erin@plain.example'), body: `<p>${IBAN_BODY}</p>${notice}` },
    });
    expect(await settle(run)).toMatchObject({ allowEvent: false, cancelLabel: 'Send securely' });
  });

  it('blocks without cancelLabel, commandId and contextData on 1.12/1.13', async () => {
    for (const mailboxVersion of ['1.12', '1.13']) {
      const run = fire('onMessageSendHandler', {
        mailboxVersion,
        draft: { to: to('carol@plain.example'), body: IBAN_BODY },
      });
      const options = (await settle(run)) as Record<string, unknown>;
      expect(Object.keys(options).sort()).toEqual(['allowEvent', 'errorMessage']);
      expect(options.allowEvent).toBe(false);
    }
  });

  it('writes in Dutch for a Dutch Outlook', async () => {
    const run = fire('onMessageSendHandler', {
      displayLanguage: 'nl-NL',
      draft: { to: to('carol@plain.example'), body: IBAN_BODY },
    });
    const options = (await settle(run)) as Record<string, string>;
    expect(options.cancelLabel).toBe('Ontvangers bekijken');
    expect(options.errorMessage).toMatch(/IBAN/);
    expect(options.errorMessage).toMatch(/ontvanger|versleuteld|verzend/i);
  });

  it('applies onBackendError when the backend is unreachable, saying the check could not run', async () => {
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
      http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    );
    const run = fire('onMessageSendHandler', { draft: { to: to('carol@plain.example'), body: IBAN_BODY } });
    const options = (await settle(run)) as Record<string, string>;
    expect(options).toMatchObject({ allowEvent: false, sendModeOverride: 'promptUser' });
    expect(options.errorMessage).toMatch(/check could not run/i);
  });

  it('lets harmless mail through when the backend is unreachable, by the policy kept from an earlier session', async () => {
    const roaming: Record<string, unknown> = {};
    await settle(
      fire('onMessageRecipientsChangedHandler', { roaming, draft: { to: to('carol@plain.example') } }),
    );
    expect(Object.keys(roaming)).toEqual(['tlsgate.lastPolicy']);
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
      http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    );
    const draft = { to: to('carol@plain.example'), body: 'Hello' };
    expect(await settle(fire('onMessageSendHandler', { roaming, draft }))).toEqual({ allowEvent: true });
    // With no policy ever kept the org's rules are unknown: the build's default (warn) holds every message.
    expect(await settle(fire('onMessageSendHandler', { draft }))).toMatchObject({
      allowEvent: false,
      sendModeOverride: 'promptUser',
    });
  });

  it('completes once, inside the 4 s budget, when the backend hangs', async () => {
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const started = Date.now();
    const run = fire('onMessageSendHandler', { draft: { to: to('carol@plain.example'), body: IBAN_BODY } });
    const options = (await settle(run)) as Record<string, string>;
    expect(Date.now() - started).toBeLessThan(4500);
    expect(options.allowEvent).toBe(false);
    expect(options.errorMessage).toMatch(/could not|no answer/i);
  }, 10_000);

  it('follows a blocking onBackendError from the prefetched policy', async () => {
    server.use(http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()));
    const blocking = { ...DEFAULT_POLICY, onBackendError: 'block' as const };
    const run = fire('onMessageSendHandler', {
      draft: {
        to: to('carol@plain.example'),
        body: IBAN_BODY,
        sessionData: {
          'tlsgate.policy.v1': JSON.stringify({ policy: blocking, version: 4, fetchedAt: Date.now() }),
        },
      },
    });
    const options = (await settle(run)) as Record<string, unknown>;
    expect(options.allowEvent).toBe(false);
    expect(options.sendModeOverride).toBeUndefined();
  });

  it('completes (onBackendError) when an Office call throws', async () => {
    const run = fire('onMessageSendHandler', {
      faults: [{ call: 'to.getAsync', mode: 'throw' }],
      draft: { to: to('carol@plain.example'), body: IBAN_BODY },
    });
    const options = (await settle(run)) as Record<string, unknown>;
    expect(options).toMatchObject({ allowEvent: false, sendModeOverride: 'promptUser' });
    expect(options.errorMessage).toMatch(/internal error/);
  });

  it('completes (onBackendError) when an Office call reports failure', async () => {
    const run = fire('onMessageSendHandler', {
      faults: [{ call: 'body.getAsync', mode: 'error' }],
      draft: { to: to('carol@plain.example'), body: IBAN_BODY },
    });
    expect(await settle(run)).toMatchObject({ allowEvent: false });
  });

  it('uses prefetched statuses and policy without calling the backend', async () => {
    const prefetchRun = fire('onMessageRecipientsChangedHandler', {
      draft: { to: to('Carol@plain.example'), cc: to('dave@enforced.example') },
    });
    await settle(prefetchRun);
    expect(prefetchRun.calls[0]).toEqual([]);
    const session = prefetchRun.stub.draft.sessionData;
    expect(Object.keys(session).sort()).toEqual(['tlsgate.policy.v1', 'tlsgate.statuses.v1']);
    expect(JSON.stringify(session)).not.toContain('Carol@');

    requests.length = 0;
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
      http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    );
    const run = fire('onMessageSendHandler', {
      draft: {
        to: to('Carol@plain.example'),
        cc: to('dave@enforced.example'),
        body: IBAN_BODY,
        sessionData: session,
      },
    });
    const options = (await settle(run)) as Record<string, string>;
    expect(requests).toEqual([]);
    expect(options.errorMessage).toContain('plain.example');
    expect(options.errorMessage).not.toMatch(/could not run/i);
  });

  it('completes the recipients-changed event even when the backend is down', async () => {
    server.use(
      http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
      http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    );
    const run = fire('onMessageRecipientsChangedHandler', { draft: { to: to('carol@plain.example') } });
    await settle(run);
    expect(run.stub.draft.sessionData).toEqual({});
  });
});
