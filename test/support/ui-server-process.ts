/**
 * The backend for browser tests and the task pane benchmark, in its own process (tsx, not jest's module
 * sandbox; and its CPU is not the browser driver's): the real app over HTTPS on loopback, serving the
 * add-in freshly built into a temp dir, with a probe that answers from the statuses it is given.
 * Started by ui-server.ts; argv[2] is a JSON UiServerOptions; it reports {url, distDir} over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../scripts/build';
import { cachedBuildInto } from './build-cache';
import type { DomainStatus } from '../../src/core/status';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import { smtpConfig } from '../../src/server/config-smtp';
import { createTestCa } from './pki';
import { reportFor } from './reports';

export interface UiServerOptions {
  /** Status per domain; other domains are `unknown`. */
  statuses: Record<string, DomainStatus>;
  /** How long each probe takes, in ms. */
  probeDelayMs?: number;
  /** Settings over the test defaults (JSON-safe ones: auth, entra, adminConsole, adminToken, db, health). */
  config?: Partial<Pick<Config, 'auth' | 'entra' | 'adminConsole' | 'adminToken' | 'db' | 'health'>>;
  /**
   * Probe for real, through a loopback mail internet (mail-internet.ts: its DNS server, its CA), instead of
   * answering from `statuses`.
   */
  mailInternet?: { dnsServers: string[]; extraCa: string[] };
  /** Forced-TLS health timing (e.g. tickMs 0: no scheduled checks, only those the test asks for). */
  health?: { tickMs?: number; deliveryPollMs?: number };
  /** The secure portal switched on in the policy, its email codes sent through this relay (smtp-inbox.ts). */
  portal?: { smtpUrl: string; smtpCaFile: string };
}

/** A port known before listening: portal links carry the public URL. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) =>
    server.close(() => {
      done();
    }),
  );
  return port;
}

export type UiServerMessage = { url: string; distDir: string } | { error: string };

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{"statuses":{}}') as UiServerOptions;
  const distDir = mkdtempSync(join(tmpdir(), 'tlsgate-ui-'));
  const ca = await createTestCa('TLS Gate UI test CA');
  const leaf = await ca.issue({ commonName: '127.0.0.1', sans: ['localhost'] });
  const port = options.portal ? await freePort() : 0;
  const config = testConfig({
    distDir,
    logLevel: 'silent',
    rateLimit: { perMinute: 1_000_000, freshPerMinute: 1_000_000 },
    ...(options.mailInternet
      ? { dnsServers: options.mailInternet.dnsServers, allowPrivateNetworks: true }
      : {}),
    ...options.config,
  });
  if (options.portal) {
    const problems: string[] = [];
    const smtp = smtpConfig(
      options.portal.smtpUrl,
      'TLS Gate <portal@tlsgate.example.test>',
      options.portal.smtpCaFile,
      distDir,
      problems,
    );
    if (problems.length > 0) throw new Error(problems.join('; '));
    config.publicUrl = `https://127.0.0.1:${port}`;
    config.portal = { ...config.portal, smtp };
  }
  const app = await buildApp(config, {
    ...(options.mailInternet
      ? { extraCa: options.mailInternet.extraCa }
      : {
          probe: async (domain: string) => {
            if (options.probeDelayMs)
              await new Promise((resolve) => setTimeout(resolve, options.probeDelayMs));
            return reportFor(domain, options.statuses[domain] ?? 'unknown');
          },
        }),
    ...(options.health ? { health: options.health } : {}),
    fastify: { https: { cert: leaf.fullChainPem, key: leaf.keyPem } },
  });
  if (options.portal) await app.services.policy.replace({ ...DEFAULT_POLICY, portal: true }, 0, 'test');
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // Built after listening, for the URL the browser uses: launchevent.js calls the backend there.
  await cachedBuildInto('dist', {}, (base, dir) => build(base, dir, null, 'warn'), url, distDir);
  const stop = (): void => {
    void app.close().finally(() => {
      rmSync(distDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('message', (message) => {
    if (message === 'close') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ url, distDir } satisfies UiServerMessage);
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
