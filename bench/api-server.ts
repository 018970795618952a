/**
 * A server for bench:api, in its own process so autocannon does not share its CPU.
 * BENCH_MODE=baseline: a bare Fastify route returning a constant. BENCH_MODE=app: TLS Gate, cache warmed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { DomainReport } from '../src/core/report';
import { buildApp } from '../src/server/app';
import { testConfig } from '../src/server/config';
import { enforcedReport } from '../test/support/reports';

export const BENCH_DOMAINS = Array.from({ length: 20 }, (_, i) => `bench-${i}.example`);

/** A report of realistic size and shape: a two-MX domain with MTA-STS and TLS-RPT. */
function report(domain: string): DomainReport {
  return { ...enforcedReport(domain), checkedAt: new Date().toISOString() };
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE;
  if (mode === 'baseline') {
    const bare = Fastify({ logger: false });
    bare.get('/constant', () => ({ status: 'ok' }));
    // The same bytes a cached lookup sends, so the comparison isolates TLS Gate's own work.
    const sameBytes = JSON.stringify({
      cached: true,
      stale: false,
      expiresAt: null,
      ...report('bench-3.example'),
    });
    bare.get('/report', (_request, reply) => reply.type('application/json; charset=utf-8').send(sameBytes));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const address = bare.server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
    return;
  }
  const db = join(mkdtempSync(join(tmpdir(), 'tlsgate-bench-')), 'bench.db');
  const app = await buildApp(
    testConfig({
      db,
      logLevel: (process.env.BENCH_LOG_LEVEL ?? 'info') as 'info',
      // One autocannon client stands for many users here; the limiter still runs and counts.
      rateLimit: { perMinute: 1_000_000, freshPerMinute: 20 },
    }),
    {
      probe: (domain) => Promise.resolve(report(domain)),
      // Logs go nowhere, as to a log shipper that keeps up; formatting them is still paid for.
      logStream: { write: () => true },
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  await app.services.lookup.lookup(BENCH_DOMAINS, false);
  const address = app.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
}

if (require.main === module) {
  // The parent going away ends the bench server (and flushes --cpu-prof when profiling).
  process.on('disconnect', () => process.exit(0));
  void main();
}
