import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import webpack from 'webpack';
import { blankReport, type DomainReport } from '../../src/core/report';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { launchEventConfig } from '../../webpack.config';
import { createOfficeStub } from '../support/office-stub';

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
  await new Promise<void>((resolve, reject) => {
    webpack(launchEventConfig({ baseUrl: base, outDir: dir, mode: 'production' })).run((error, stats) => {
      if (error ?? stats?.hasErrors()) reject(error ?? new Error(stats?.toString()));
      else resolve();
    });
  });
  bundle = readFileSync(join(dir, 'launchevent.js'), 'utf8');
}, 60_000);
afterAll(async () => {
  await app.close();
});

async function send(body: string, to: string): Promise<void> {
  const stub = createOfficeStub({ draft: { to: [{ emailAddress: to }], body } });
  const context = vm.createContext({ Office: stub.Office, fetch, setTimeout, clearTimeout });
  vm.runInContext(bundle, context);
  await new Promise((resolve) => stub.handlers.get('onMessageSendHandler')?.({ completed: resolve }));
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
