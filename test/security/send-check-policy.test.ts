import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';
import { actionOf, fireHandler, lookupAnswering } from '../support/send-harness';

/**
 * Finding 2: when the policy could not be fetched, the send check fell back to DEFAULT_POLICY, so an org's
 * `onBackendError: block` became `warn` (Send Anyway) whenever the backend was unreachable. The policy it last
 * fetched is now kept in the mailbox's roaming settings and applied instead.
 */

const BASE = 'https://tlsgate.example.test';
const BLOCKING: OrgPolicy = { ...DEFAULT_POLICY, onBackendError: 'block' };
const to = [{ emailAddress: 'ann@opportunistic.example' }];

const server = setupServer(
  http.get(`${BASE}/api/v1/policy`, () =>
    HttpResponse.json({ policy: BLOCKING, version: 5, updatedAt: null }),
  ),
  lookupAnswering(BASE, 'opportunistic'),
  http.post(`${BASE}/api/v1/events`, () => HttpResponse.json({ accepted: true }, { status: 202 })),
);
let bundle = '';

beforeAll(async () => {
  // The build's own default stays `warn`: only the org's kept policy can make this a block.
  bundle = await buildLaunchEventBundle(BASE, { onBackendError: 'warn' });
  server.listen({ onUnhandledRequest: 'error' });
}, 60_000);
afterAll(() => {
  server.close();
});

it("applies the org's kept onBackendError: block when the backend is unreachable", async () => {
  const roaming: Record<string, unknown> = {};
  await fireHandler(bundle, 'onMessageRecipientsChangedHandler', { roaming, draft: { to } }).done;

  // A later session: the user blocks the backend's host name and sends a card number.
  server.use(
    http.get(`${BASE}/api/v1/policy`, () => HttpResponse.error()),
    http.post(`${BASE}/api/v1/domains/lookup`, () => HttpResponse.error()),
  );
  const run = fireHandler(bundle, 'onMessageSendHandler', {
    roaming,
    draft: { to, subject: 'Order', body: 'The number is 4111 1111 1111 1111 as discussed.' },
  });
  const options = await run.done;
  expect(actionOf(options)).toBe('block');
  expect(options).not.toHaveProperty('sendModeOverride');
});
