import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { SEND_BUDGET_MS } from '../../addin/launchevent/send-check';
import type { ShimOptions } from '../../addin/try/office-shim';
import { DEFAULT_POLICY, type Action, type OrgPolicy } from '../../src/core/policy';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';
import {
  actionOf,
  errorAnswer,
  fireHandler,
  lookupAnswering,
  type HandlerRun,
} from '../support/send-harness';

/**
 * Finding 2, guarded for good: the on-send check under every backend fault, with the org's last policy kept
 * (onBackendError block, a custom rule, a label mapping) or with none kept and either build default. The
 * built launchevent.js runs in a vm; msw plays the backend. No cell may allow what the org's policy blocks,
 * and every send completes exactly once within SEND_BUDGET_MS.
 */

const BASE = 'https://tlsgate.example.test';
const LABEL = '0b6c3a8e-5d1f-4c2b-9e7a-2f4d6b8c1a3e';
const RECIPIENT = [{ emailAddress: 'ann@opportunistic.example' }];
/** setTimeout's lateness on a loaded machine; the handler's own timer fires at SEND_BUDGET_MS. */
const SCHEDULING_MS = 100;

const ORG: OrgPolicy = {
  ...DEFAULT_POLICY,
  actions: { high: 'block', medium: 'block', low: 'warn' },
  unknownAs: 'warn',
  onBackendError: 'block',
  detection: {
    disabledDetectors: [],
    customRules: [
      {
        id: 'bluefin',
        name: 'Project Bluefin',
        kind: 'keywords',
        keywords: ['Bluefin'],
        sensitivity: 'high',
      },
    ],
    labels: [{ labelId: LABEL, name: 'Confidential', sensitivity: 'medium' }],
  },
};

const server = setupServer(
  http.get(`${BASE}/api/v1/policy`, () =>
    HttpResponse.json({ policy: ORG, version: 12, updatedAt: null, updatedBy: 'admin' }),
  ),
  lookupAnswering(BASE, 'opportunistic'),
  http.post(`${BASE}/api/v1/events`, () => HttpResponse.json({ accepted: true }, { status: 202 })),
);

const bundles = { warn: '', block: '' };
/** The mailbox's roaming settings after one session in which the backend answered (a prefetch). */
let kept: Record<string, unknown> = {};

beforeAll(async () => {
  bundles.warn = await buildLaunchEventBundle(BASE, { onBackendError: 'warn' });
  bundles.block = await buildLaunchEventBundle(BASE, { onBackendError: 'block' });
  server.listen({ onUnhandledRequest: 'error' });
  const roaming: Record<string, unknown> = {};
  const prefetch = fireHandler(bundles.warn, 'onMessageRecipientsChangedHandler', {
    roaming,
    draft: { to: RECIPIENT },
  });
  await prefetch.done;
  expect(Object.keys(roaming)).toEqual(['tlsgate.lastPolicy']);
  kept = roaming;
}, 120_000);
afterEach(() => {
  server.resetHandlers();
});
afterAll(() => {
  server.close();
});

const policyRoute = `${BASE}/api/v1/policy`;
const lookupRoute = `${BASE}/api/v1/domains/lookup`;
const both = (answer: () => Response | Promise<Response>): HttpHandler[] => [
  http.get(policyRoute, answer),
  http.post(lookupRoute, answer),
];

interface Cell {
  fault: string;
  handlers: () => HttpHandler[];
  /** Whether the org's current policy reaches the add-in. */
  policy: 'ok' | 'failed';
  /** What the recipients' statuses come back as. */
  statuses: 'opportunistic' | 'failed' | 'unknown';
}

const CELLS: Cell[] = [
  {
    fault: 'backend down (network error)',
    handlers: () => both(() => HttpResponse.error()),
    policy: 'failed',
    statuses: 'failed',
  },
  {
    fault: 'backend slow (past the budget)',
    handlers: () =>
      both(async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    policy: 'failed',
    statuses: 'failed',
  },
  {
    fault: 'policy endpoint 500, lookups fine',
    handlers: () => [http.get(policyRoute, () => errorAnswer(500, 'INTERNAL', 'Something went wrong.'))],
    policy: 'failed',
    statuses: 'opportunistic',
  },
  {
    fault: 'lookups 500, policy fine',
    handlers: () => [http.post(lookupRoute, () => errorAnswer(500, 'INTERNAL', 'Something went wrong.'))],
    policy: 'ok',
    statuses: 'failed',
  },
  {
    fault: 'malformed JSON',
    handlers: () =>
      both(
        () =>
          new HttpResponse('{"policy": {"onBackendError": "al', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    policy: 'failed',
    statuses: 'failed',
  },
  {
    fault: 'a 200 with an empty body',
    handlers: () =>
      both(() => new HttpResponse(null, { status: 200, headers: { 'content-type': 'application/json' } })),
    policy: 'failed',
    statuses: 'failed',
  },
  {
    fault: 'a 200 policy of the wrong shape',
    handlers: () => [
      http.get(policyRoute, () => HttpResponse.json({ version: 13, policy: { onBackendError: 'allow' } })),
    ],
    policy: 'failed',
    statuses: 'opportunistic',
  },
  {
    fault: 'lookup reports of the wrong shape',
    handlers: () => [
      http.post(lookupRoute, () =>
        HttpResponse.json({ reports: [{ domain: 'opportunistic.example', status: 'fine' }] }),
      ),
    ],
    policy: 'ok',
    statuses: 'failed',
  },
  {
    fault: 'DNS failure in the backend (unknown, DNS_FAILED)',
    handlers: () => [
      lookupAnswering(BASE, 'unknown', [
        {
          code: 'DNS_FAILED',
          severity: 'error',
          message: 'The resolver answered SERVFAIL for the MX query.',
        },
      ]),
    ],
    policy: 'ok',
    statuses: 'unknown',
  },
  {
    fault: 'an expired token (401 UNAUTHENTICATED)',
    handlers: () => both(() => errorAnswer(401, 'UNAUTHENTICATED', 'The token has expired; sign in again.')),
    policy: 'failed',
    statuses: 'failed',
  },
];

interface Setup {
  name: string;
  build: 'warn' | 'block';
  kept: boolean;
}

const SETUPS: Setup[] = [
  { name: 'kept policy, build warn', build: 'warn', kept: true },
  { name: 'kept policy, build block', build: 'block', kept: true },
  { name: 'nothing kept, build warn', build: 'warn', kept: false },
  { name: 'nothing kept, build block', build: 'block', kept: false },
];

type Message = 'rule' | 'label' | 'harmless';
const DRAFTS: Record<Message, NonNullable<ShimOptions['draft']>> = {
  rule: { to: RECIPIENT, subject: 'Plans', body: 'The Bluefin launch moves to May.' },
  label: { to: RECIPIENT, subject: 'Minutes', body: 'Notes from Tuesday.', sensitivityLabel: LABEL },
  harmless: { to: RECIPIENT, subject: 'Lunch', body: 'See you at noon.' },
};

/** What the org's policy (ORG) decides for `message` when the statuses are what `cell` gives. */
function orgDecides(message: Message, statuses: Cell['statuses']): Action {
  if (message === 'harmless') return 'allow';
  if (statuses === 'opportunistic') return 'block'; // the rule is high, the label medium: both block
  return statuses === 'failed' ? ORG.onBackendError : ORG.unknownAs;
}

/** The org's policy when it is known (fetched or kept); else nothing can be judged: the build's default. */
function expected(setup: Setup, cell: Cell, message: Message): Action {
  return cell.policy === 'ok' || setup.kept ? orgDecides(message, cell.statuses) : setup.build;
}

/** The vm's setTimeout, with the timers still pending kept so that the test can fire them early. */
function handlerTimers() {
  const pending = new Map<ReturnType<typeof setTimeout>, () => void>();
  return {
    globals: {
      setTimeout: (callback: () => void, ms?: number) => {
        const id = setTimeout(() => {
          pending.delete(id);
          callback();
        }, ms);
        pending.set(id, callback);
        return id;
      },
      clearTimeout: (id: ReturnType<typeof setTimeout>) => {
        pending.delete(id);
        clearTimeout(id);
      },
    },
    fireAll: () => {
      for (const [id, callback] of pending) {
        pending.delete(id);
        clearTimeout(id);
        callback();
      }
    },
  };
}

describe('the send check under backend faults', () => {
  it.each(CELLS)(
    '$fault',
    async (cell) => {
      server.use(...cell.handlers());
      const runs: Array<{ setup: Setup; message: Message; run: HandlerRun }> = [];
      const timers = handlerTimers();
      for (const setup of SETUPS)
        for (const message of Object.keys(DRAFTS) as Message[]) {
          const roaming = setup.kept ? structuredClone(kept) : {};
          const run = fireHandler(
            bundles[setup.build],
            'onMessageSendHandler',
            { roaming, draft: DRAFTS[message] },
            timers.globals,
          );
          runs.push({ setup, message, run });
        }
      await Promise.all(runs.map(({ run }) => run.done));
      // The handlers' own timers (the budget, request timeouts) fire now rather than seconds later: a second
      // completion, or anything else they would do once the send was decided, shows within a few ticks.
      timers.fireAll();
      await new Promise((resolve) => setTimeout(resolve, 100));

      const outcomes = await Promise.all(
        runs.map(async ({ setup, message, run }) => ({
          case: `${setup.name}, ${message}`,
          action: actionOf(await run.done),
          completions: run.calls.length,
          inBudget: (run.elapsed() ?? Infinity) <= SEND_BUDGET_MS + SCHEDULING_MS,
          writes: run.stub.writes.length,
        })),
      );
      expect(outcomes).toEqual(
        runs.map(({ setup, message }) => ({
          case: `${setup.name}, ${message}`,
          action: expected(setup, cell, message),
          completions: 1,
          inBudget: true,
          writes: 0,
        })),
      );
      // The rule the task states outright, whatever `expected` says.
      for (const [index, { message }] of runs.entries())
        if (orgDecides(message, cell.statuses) === 'block') expect(outcomes[index]?.action).not.toBe('allow');
    },
    30_000,
  );
});

/** The roaming settings after a session in which the backend served `policy`. */
async function keepPolicy(policy: OrgPolicy): Promise<Record<string, unknown>> {
  server.use(http.get(policyRoute, () => HttpResponse.json({ policy, version: 20, updatedAt: null })));
  const roaming: Record<string, unknown> = {};
  await fireHandler(bundles.warn, 'onMessageRecipientsChangedHandler', { roaming, draft: { to: RECIPIENT } })
    .done;
  server.resetHandlers();
  return roaming;
}

describe('the kept policy, with the backend unreachable', () => {
  it('does not allow content that matches a kept custom rule', async () => {
    // onBackendError warn: only the kept rule makes this message sensitive (the defaults see nothing in it).
    const roaming = await keepPolicy({ ...ORG, onBackendError: 'warn' });
    server.use(...both(() => HttpResponse.error()));
    const rule = fireHandler(bundles.warn, 'onMessageSendHandler', { roaming, draft: DRAFTS.rule });
    const harmless = fireHandler(bundles.warn, 'onMessageSendHandler', { roaming, draft: DRAFTS.harmless });
    expect(actionOf(await rule.done)).toBe('warn');
    expect(actionOf(await harmless.done)).toBe('allow');
  });

  it("gives a label-protected message the label's action from the kept policy", async () => {
    // The statuses were prefetched in this draft's session while the policy endpoint failed; now all is down.
    server.use(http.get(policyRoute, () => errorAnswer(503, 'NOT_READY', 'Starting.')));
    const prefetch = fireHandler(bundles.warn, 'onMessageRecipientsChangedHandler', {
      draft: { to: RECIPIENT },
    });
    await prefetch.done;
    const session = prefetch.stub.draft.sessionData;
    expect(Object.keys(session)).toEqual(['tlsgate.statuses.v1']);
    server.resetHandlers();
    server.use(...both(() => HttpResponse.error()));

    const run = fireHandler(bundles.warn, 'onMessageSendHandler', {
      roaming: structuredClone(kept),
      draft: { ...DRAFTS.label, sessionData: session },
    });
    const options = (await run.done) as { errorMessage?: string };
    // ORG maps the label to medium, and medium blocks for an opportunistic domain; the defaults would allow.
    expect(actionOf(options)).toBe(ORG.actions.medium);
    expect(options.errorMessage).toContain('Confidential');
  });
});
