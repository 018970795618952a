/**
 * Finding 3: whatever stood between the portal notice's markers was left out of the send check, so
 * sensitive content placed there went out unchecked. Now only the exact notice, for a live portal message
 * of the signed-in sender, is left out. The built launchevent.js in a vm (on the in-page Office), against the real
 * app on loopback with a real SQLite file; only the domain lookup is answered by msw, so no mail server on
 * the internet is probed.
 */
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { portalNoticeHtml } from '../../addin/shared/portal-notice';
import { createOfficeShim, type ShimOptions } from '../../addin/try/office-shim';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';
import { multipart, startPortalApp, type Created, type PortalApp } from '../support/portal';

/** A sensitivity label the policy rates high: it counts unless the draft holds only a trusted notice. */
const LABEL = '0f6a3f4e-4b3c-4c55-9d0e-3d2b1a0c9e8f';
const SSN = 'SSN: 536-22-6789'; // not 123-45-6789: a well-known sample is never reported
const RECIPIENT = 'erin@plain.example';

let portal: PortalApp;
let base = '';
let bundle = '';
let lookups = 0;
let checks = 0;

const server = setupServer(
  // Statuses without probing the internet: the recipient's domain takes mail without TLS.
  http.post(/\/api\/v1\/domains\/lookup$/, async ({ request }) => {
    lookups++;
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
          status: 'none',
          enforcement: [],
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
);
// Everything else reaches the real app; count the notice checks on the way.
server.events.on('request:start', ({ request }) => {
  if (request.url.endsWith('/api/v1/portal/links/check')) checks++;
});

beforeAll(async () => {
  portal = await startPortalApp();
  await portal.app.services.policy.replace(
    {
      ...DEFAULT_POLICY,
      portal: true,
      detection: {
        ...DEFAULT_POLICY.detection,
        labels: [{ labelId: LABEL, name: 'Confidential', sensitivity: 'high' }],
      },
    },
    1,
    'test',
  );
  await portal.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(portal.app.server.address() as AddressInfo).port}`;
  bundle = await buildLaunchEventBundle(base);
  server.listen({ onUnhandledRequest: 'bypass' });
}, 120_000);
afterEach(() => {
  server.resetHandlers();
  lookups = 0;
  checks = 0;
});
afterAll(async () => {
  server.close();
  await portal.app.close();
});

/** A portal message as the task pane creates it, from `from` (open auth: the sender is the IP). */
async function sendSecurely(from = '127.0.0.1'): Promise<Created> {
  const { payload, contentType } = await multipart({
    message: {
      senderEmail: 'me@sender.test',
      subject: 'Contract',
      body: `<p>${SSN}</p>`,
      recipients: [RECIPIENT],
      verification: { method: 'access-code', accessCode: 'correct horse' },
    },
  });
  const response = await portal.app.inject({
    method: 'POST',
    url: '/api/v1/portal/messages',
    payload,
    headers: { 'content-type': contentType },
    remoteAddress: from,
  });
  expect(response.statusCode).toBe(201);
  return response.json<Created>();
}

/** Runs the on-send handler of the built bundle on a draft; resolves with what it completed with. */
function send(draft: ShimOptions['draft']): Promise<Record<string, unknown>> {
  const office = createOfficeShim({
    draft: { to: [{ emailAddress: RECIPIENT }], subject: 'Contract', ...draft },
  });
  const context = vm.createContext({
    Office: office.Office,
    fetch: globalThis.fetch,
    setTimeout,
    clearTimeout,
  });
  vm.runInContext(bundle, context, { filename: 'launchevent.js' });
  const handler = office.actions.get('onMessageSendHandler');
  if (!handler) throw new Error('onMessageSendHandler was not associated');
  return new Promise((resolve) => {
    handler({
      completed: (options: Record<string, unknown>) => {
        resolve(options);
      },
    });
  });
}

const html = (notice: string) => `<html><body>${notice}</body></html>`;
const notice = (created: Created, language: 'en' | 'nl' = 'en') =>
  portalNoticeHtml(created.link, created.expiresAt, language);

describe('a draft with a portal notice', () => {
  it('goes out when it holds only the notice of a live message of this sender', async () => {
    const created = await sendSecurely();
    for (const language of ['en', 'nl'] as const)
      expect(await send({ body: html(notice(created, language)), sensitivityLabel: LABEL })).toEqual({
        allowEvent: true,
      });
    expect(checks).toBe(2);
  });

  it('is checked in full when something sensitive hides between the markers', async () => {
    const created = await sendSecurely();
    const hidden = notice(created).replace('</div>', `<p>${SSN}</p></div>`);
    const options = await send({ body: html(hidden) });
    expect(options.allowEvent).toBe(false);
    expect(options.errorMessage).toEqual(expect.stringContaining('plain.example'));
    expect(lookups).toBe(1);
  });

  it('is checked in full when the notice is for a revoked message', async () => {
    const created = await sendSecurely();
    const revoked = await portal.app.inject({
      method: 'POST',
      url: `/api/v1/portal/messages/${created.id}/revoke`,
    });
    expect(revoked.statusCode).toBe(200);
    expect(await send({ body: html(notice(created)), sensitivityLabel: LABEL })).toMatchObject({
      allowEvent: false,
    });
    expect(checks).toBe(1);
  });

  it("is checked in full when the notice is for an unknown link, or another sender's message", async () => {
    const real = await sendSecurely();
    const unknown = { ...real, link: real.link.replace(/[^/]{4}$/, 'AAAA') };
    const theirs = await sendSecurely('10.1.2.3');
    for (const created of [unknown, theirs])
      expect(await send({ body: html(notice(created)), sensitivityLabel: LABEL })).toMatchObject({
        allowEvent: false,
      });
    expect(checks).toBe(2);
  });

  it('is checked in full when TLS Gate cannot be reached', async () => {
    const created = await sendSecurely();
    server.use(
      http.post(/\/api\/v1\/portal\/links\/check$/, () => HttpResponse.error()),
      http.post(/\/api\/v1\/domains\/lookup$/, () => HttpResponse.error()),
    );
    // The policy decides, with onBackendError for the recipients it could not check.
    expect(await send({ body: html(notice(created)), sensitivityLabel: LABEL })).toMatchObject({
      allowEvent: false,
    });
  });
});
