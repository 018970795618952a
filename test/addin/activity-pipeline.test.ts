import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { createOfficeShim } from '../../addin/try/office-shim';
import { blankReport, type DomainReport } from '../../src/core/report';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { SEND_ANYWAY_AFTER_MS } from '../../src/server/routes/activity';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';

/**
 * The activity pipeline end to end: the built launchevent.js decides in a vm, reports the decision to a
 * real backend on loopback, and the admin's activity counts show it.
 */

const ADMIN = 'pipeline-admin-'.padEnd(48, 'p');
let app: FastifyInstance;
let bundle = '';

function report(domain: string): DomainReport {
  const plain = domain.startsWith('plain');
  return {
    ...blankReport(domain, plain ? 'none' : 'enforced', plain ? [] : ['mta-sts']),
    checkedAt: new Date().toISOString(),
    cacheTtlSeconds: 3600,
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-pipeline-'));
  app = await buildApp(testConfig({ db: join(dir, 'db.sqlite'), adminToken: ADMIN }), {
    probe: (domain) => Promise.resolve(report(domain)),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  bundle = await buildLaunchEventBundle(base);
}, 60_000);
afterAll(async () => {
  await app.close();
});

/** One send in a compose session; resolves to the session as the handler left it. */
async function send(
  body: string,
  to: string,
  sessionData: Record<string, string> = {},
): Promise<Record<string, string>> {
  const stub = createOfficeShim({ draft: { to: [{ emailAddress: to }], body, sessionData } });
  const context = vm.createContext({ Office: stub.Office, fetch, setTimeout, clearTimeout });
  vm.runInContext(bundle, context);
  await stub.runLaunchEvent('onMessageSendHandler');
  return stub.draft.sessionData;
}

type Counts = Record<string, number>;

/** Today's counts once `until` holds (the reports are fire and forget), as the admin sees them at `at`. */
async function countsWhen(until: (counts: Counts) => boolean, at?: number): Promise<Counts> {
  let counts: Counts = {};
  for (let i = 0; i < 50; i++) {
    const clock = at === undefined ? null : jest.spyOn(Date, 'now').mockReturnValue(at);
    const response = await app.inject({
      url: '/api/v1/admin/activity?days=2',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    clock?.mockRestore();
    const days = response.json<{ days: Array<{ day: string; counts: Counts }> }>().days;
    counts = days.find((day) => day.day === new Date().toISOString().slice(0, 10))?.counts ?? {};
    if (until(counts)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return counts;
}

it("counts the handler's decisions in the admin's activity view", async () => {
  await send('Deposit to NL91 ABNA 0417 1643 00 please.', 'ann@plain.example');
  await send('Deposit to NL91 ABNA 0417 1643 00 please.', 'bob@safe.example');
  await send('Lunch on Friday?', 'ann@plain.example');

  // The report is fire and forget; give it a moment to land.
  type Summary = {
    days: Array<{ counts: Record<string, number> }>;
    topDomains: unknown[];
    detectionTypes: unknown[];
  };
  let summary: Summary | null = null;
  for (let i = 0; i < 50; i++) {
    const response = await app.inject({
      url: '/api/v1/admin/activity?days=1',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    summary = response.json<Summary>();
    const counts = summary.days[0]?.counts ?? {};
    if ((counts.blocked ?? 0) + (counts.allowed ?? 0) >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(summary?.days[0]?.counts).toMatchObject({ blocked: 1, allowed: 2, warned: 0 });
  expect(summary?.topDomains).toEqual([{ domain: 'plain.example', count: 1 }]);
  expect(summary?.detectionTypes).toEqual([{ type: 'iban', count: 2 }]);
});

it('infers Send Anyway: a warning left alone counts after 10 minutes, one the user retried does not', async () => {
  const CARD = 'The number is 4111 1111 1111 1111 as discussed.';
  const before = await countsWhen(() => true);
  const warnedAt = Date.now();
  // "Don't send", then the card number is taken out and the mail sent: the retry supersedes the warning.
  const session = await send(CARD, 'ann@plain.example');
  await send('The number follows by phone.', 'ann@plain.example', session);
  // A second draft is warned about and nothing follows: Send Anyway, as far as anyone can tell.
  await send(CARD, 'bob@plain.example');
  const now = await countsWhen(
    (counts) => counts.warned === (before.warned ?? 0) + 2 && counts.allowed === (before.allowed ?? 0) + 1,
  );
  expect(now['sent-anyway']).toBe(before['sent-anyway']);

  const later = await countsWhen(() => true, warnedAt + SEND_ANYWAY_AFTER_MS + 1000);
  expect(later['sent-anyway']).toBe((before['sent-anyway'] ?? 0) + 1);
});
