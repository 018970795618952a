/**
 * A server for bench:api, in its own process so autocannon does not share its CPU.
 * BENCH_MODE=baseline: bare Fastify routes sending constants. BENCH_MODE=app: TLS Gate, cache warmed.
 * Answers bench/api.ts's commands over IPC (a CPU profile of a load).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Profiler } from 'node:inspector';
import type { DomainReport } from '../src/core/report';
import { buildApp } from '../src/server/app';
import { testConfig } from '../src/server/config';
import { enforcedReport } from '../test/support/reports';
import { startProfile } from './cpu-profile';

export const BENCH_DOMAINS = Array.from({ length: 20 }, (_, i) => `bench-${i}.example`);

/** A report of realistic size and shape: a two-MX domain with MTA-STS and TLS-RPT. */
function report(domain: string): DomainReport {
  return { ...enforcedReport(domain), checkedAt: new Date().toISOString() };
}

/** A response to send again: its headers (without those Node adds per response) and body. */
export interface RecordedResponse {
  headers: Record<string, string>;
  body: string;
}

/** BENCH_RESPONSES names a JSON file of these: what TLS Gate answered, for the baseline to repeat. */
export interface RecordedResponses {
  get: RecordedResponse;
  batch: RecordedResponse;
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE;
  if (mode === 'baseline') {
    const bare = Fastify({ logger: false });
    // Byte for byte what TLS Gate sent (status line, headers, body; Date aside), so the comparison
    // isolates TLS Gate's own work from the bytes on the wire.
    const { get, batch } = JSON.parse(
      readFileSync(process.env.BENCH_RESPONSES ?? '', 'utf8'),
    ) as RecordedResponses;
    bare.get('/report', (_request, reply) => reply.headers(get.headers).send(get.body));
    bare.post('/reports', (_request, reply) => reply.headers(batch.headers).send(batch.body));
    // The body alone, with a content type only: what the security headers and ETag cost on the wire.
    bare.get('/body', (_request, reply) => reply.type('application/json; charset=utf-8').send(get.body));
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

/** Messages from bench/api.ts: the process's CPU time so far; start a CPU profile, stop it and send it. */
export type BenchCommand = { cpu: 'read' } | { profile: 'start' } | { profile: 'stop' };
export type BenchAnswer =
  { port: number } | { cpuMicros: number } | { profiling: true } | { profile: Profiler.Profile };

function answerCommands(): void {
  let stop: (() => Promise<Profiler.Profile>) | undefined;
  process.on('message', (command: BenchCommand) => {
    void (async () => {
      if ('cpu' in command) {
        const { user, system } = process.cpuUsage();
        process.send?.({ cpuMicros: user + system } satisfies BenchAnswer);
      } else if (command.profile === 'start') {
        stop = await startProfile();
        process.send?.({ profiling: true } satisfies BenchAnswer);
      } else if (stop) {
        process.send?.({ profile: await stop() } satisfies BenchAnswer);
        stop = undefined;
      }
    })();
  });
}

if (require.main === module) {
  // The parent going away ends the bench server.
  process.on('disconnect', () => process.exit(0));
  answerCommands();
  void main();
}
