/**
 * One TLS Gate instance in its own process, for the multi-instance test and bench:scale: the real app,
 * configured from the environment as in production (TLSGATE_DB may be a PostgreSQL URL), over HTTP on
 * loopback. It probes for real (the parent's loopback mail internet: TLSGATE_DNS_SERVERS, private networks
 * allowed, the test CA given here) or, for benchmarks, answers every probe with an enforced report.
 * Started by fleet-server.ts; argv[2] is a JSON FleetServerOptions; it reports a FleetServerMessage over IPC.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { enforcedReport } from './reports';

export interface FleetServerOptions {
  /** The environment, as a deployment sets it (TLSGATE_DB, TLSGATE_MASTER_KEY, …). */
  env: Record<string, string>;
  /** Trust anchors for the real probe (the loopback mail internet's CA); absent: every probe is a stub. */
  extraCa?: string[];
  /** Where log lines go (JSON, one a line); default nowhere. */
  logFile?: string;
}

export type FleetServerMessage = { url: string; migrated: boolean; pid: number } | { error: string };

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{"env":{}}') as FleetServerOptions;
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-fleet-'));
  const config = loadConfig({ TLSGATE_HTTP: '1', ...options.env }, dir);
  let migrated = false;
  const app = await buildApp(config, {
    ...(options.extraCa
      ? { extraCa: options.extraCa }
      : {
          probe: (domain) =>
            Promise.resolve({ ...enforcedReport(domain), checkedAt: new Date().toISOString() }),
        }),
    logStream: {
      write: (line: string) => {
        if (line.includes('"database schema migrated"')) migrated = true;
        if (options.logFile) appendFileSync(options.logFile, line);
        return true;
      },
    },
    portal: { rateLimits: { pages: 100_000, forms: 100_000 } },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const stop = (): void => {
    void app.close().finally(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'close') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ url, migrated, pid: process.pid } satisfies FleetServerMessage);
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
