import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { officeComposeItem } from '../../addin/office/compose';
import { STATUSES_KEY, readStatuses } from '../../addin/shared/session-cache';
import { parseSendContext } from '../../addin/taskpane/controller';
import { createOfficeShim, type OfficeShim } from '../../addin/try/office-shim';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { asLookup, reportFor } from '../support/reports';

/**
 * The in-page Office implementation serves the real launch-event handlers (as on /try) and the pane's
 * adapters alike: what the recipients-changed handler prefetches is what the pane reads.
 */

// The handlers' default backend when built without ADDIN_BASE_URL (addin/shared/build-info.ts).
const BASE = 'https://localhost:3000';
const statuses: Record<string, 'none' | 'enforced'> = {
  'plain.example': 'none',
  'secure.example': 'enforced',
};
const server = setupServer(
  http.post(`${BASE}/api/v1/domains/lookup`, async ({ request }) => {
    const { domains } = (await request.json()) as { domains: string[] };
    return HttpResponse.json({
      reports: domains.map((input) => {
        const domain = input.slice(input.lastIndexOf('@') + 1);
        return asLookup({ ...reportFor(domain, statuses[domain] ?? 'unknown'), input });
      }),
    });
  }),
  http.get(`${BASE}/api/v1/policy`, () => HttpResponse.json({ policy: DEFAULT_POLICY, version: 1 })),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => {
  server.close();
});
afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

/** Installs the shim as Office and loads the launch-event handlers against it, as /try does. */
function withHandlers(shim: OfficeShim): void {
  (globalThis as { Office?: unknown }).Office = shim.Office;
  // A fresh module each time: it associates its handlers with whatever Office is there when it loads.
  jest.isolateModules(() => {
    jest.requireActual('../../addin/launchevent/index');
  });
}

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('the in-page Office implementation', () => {
  it('runs the real handlers: the prefetch lands in sessionData, where the pane reads it', async () => {
    const shim = createOfficeShim();
    withHandlers(shim);
    expect([...shim.actions.keys()].sort()).toEqual([
      'onMessageRecipientsChangedHandler',
      'onMessageSendHandler',
    ]);
    shim.setRecipients('to', ['ann@plain.example', 'carol@secure.example']);
    expect(await shim.runLaunchEvent('onMessageRecipientsChangedHandler')).toBeUndefined();
    expect(shim.draft.sessionData[STATUSES_KEY]).toBeDefined();
    const cached = await readStatuses(officeComposeItem(), Date.now());
    expect(Object.fromEntries(Object.entries(cached).map(([address, r]) => [address, r.status]))).toEqual({
      'ann@plain.example': 'none',
      'carol@secure.example': 'enforced',
    });
  });

  it('answers Send with the Smart Alert options whose contextData the pane understands', async () => {
    const shim = createOfficeShim({ draft: { subject: 'Invoice', body: IBAN_BODY } });
    withHandlers(shim);
    shim.setRecipients('to', ['ann@plain.example', 'carol@secure.example']);
    const options = await shim.runLaunchEvent('onMessageSendHandler');
    expect(options).toMatchObject({
      allowEvent: false,
      cancelLabel: 'Review recipients',
      commandId: 'TLSGate.TaskpaneButton',
    });
    expect(parseSendContext(options?.contextData as string)).toEqual({
      reason: 'blocked',
      action: 'block',
      riskyDomains: ['plain.example'],
      findingTypes: ['iban'],
    });
    // The send check only reads the draft.
    expect(shim.writes).toEqual([]);
  });

  it('raises RecipientsChanged with the changed field, and hands out copies', async () => {
    const shim = createOfficeShim({
      draft: { to: [{ emailAddress: 'ann@plain.example', displayName: 'Ann' }] },
    });
    const item = (shim.Office.context as { mailbox: { item: Record<string, never> } }).mailbox
      .item as unknown as {
      to: { getAsync(cb: (r: { value: Array<{ emailAddress: string }> }) => void): void };
      addHandlerAsync(type: string, handler: (args: unknown) => void, cb: () => void): void;
    };
    const events: unknown[] = [];
    item.addHandlerAsync(
      'olkRecipientsChanged',
      (args) => events.push(args),
      () => undefined,
    );
    shim.setRecipients('cc', ['bob@plain.example']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events).toEqual([
      { type: 'olkRecipientsChanged', changedRecipientFields: { to: false, cc: true, bcc: false } },
    ]);
    const got = await new Promise<Array<{ emailAddress: string }>>((resolve) => {
      item.to.getAsync((result) => {
        resolve(result.value);
      });
    });
    got[0]!.emailAddress = 'mallory@evil.example';
    expect(shim.draft.to[0]?.emailAddress).toBe('ann@plain.example');
  });
});
