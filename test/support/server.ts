import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY, type ForcedTlsEntry } from '../../src/core/policy';
import { checkDomain } from '../../src/probe/check';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import type { MailInternet } from './mail-internet';

export interface TestApp {
  app: FastifyInstance;
  /** Probes the app has started. */
  probes(): number;
  logs: string[];
}

/** The real app, probing the loopback mail internet through the real checker. */
export async function startTestApp(net: MailInternet, config: Partial<Config> = {}): Promise<TestApp> {
  let probes = 0;
  const logs: string[] = [];
  const app = await buildApp(testConfig({ logLevel: 'info', ...config }), {
    probe: (domain) => {
      probes++;
      return checkDomain(domain, net.probeOptions);
    },
    logStream: { write: (line: string) => logs.push(line) },
  });
  await app.ready();
  return { app, probes: () => probes, logs };
}

/** Makes `entries` the forced-TLS list (the rest of the policy the default), as an admin's save would. */
export async function listForcedTls(app: FastifyInstance, entries: ForcedTlsEntry[]): Promise<void> {
  const { version } = await app.services.policy.current();
  const result = await app.services.policy.replace(
    { ...DEFAULT_POLICY, forcedTlsDomains: entries },
    version,
    'test',
  );
  expect(result.ok).toBe(true);
}
