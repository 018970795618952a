/**
 * npm run bench:api — autocannon against servers on loopback, in one run:
 * bare Fastify routes returning a constant (baselines: a tiny one, and one of the same bytes as a cached
 * lookup), a cached single-domain GET, and a 20-domain batch POST.
 * Targets: cached GET at >= 60% of the baseline's requests/s; p99 < 10 ms at 50 connections.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_DOMAINS } from './api-server';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 50;

async function server(
  mode: 'baseline' | 'app',
  logLevel = 'info',
): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(join(__dirname, 'api-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MODE: mode, BENCH_LOG_LEVEL: logLevel },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => {
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      reject(new Error(`bench server exited with ${String(code)}`));
    });
  });
  return { port, child };
}

async function load(options: autocannon.Options): Promise<{ rps: number; p99: number; errors: number }> {
  // A short warm-up so the JIT has settled before measuring.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: DURATION });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const baseline = await server('baseline');
  const app = await server('app');
  const quiet = await server('app', 'warn');
  try {
    const tiny = await load({ url: `http://127.0.0.1:${baseline.port}/constant`, connections: CONNECTIONS });
    const base = await load({ url: `http://127.0.0.1:${baseline.port}/report`, connections: CONNECTIONS });
    const get = await load({
      url: `http://127.0.0.1:${app.port}/api/v1/domains/bench-3.example`,
      connections: CONNECTIONS,
    });
    const getQuiet = await load({
      url: `http://127.0.0.1:${quiet.port}/api/v1/domains/bench-3.example`,
      connections: CONNECTIONS,
    });
    const batch = await load({
      url: `http://127.0.0.1:${app.port}/api/v1/domains/lookup`,
      connections: CONNECTIONS,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domains: BENCH_DOMAINS }),
    });
    const row = (label: string, r: { rps: number; p99: number; errors: number }, note: string): string =>
      `  ${label.padEnd(50)} ${r.rps.toFixed(0).padStart(8)} ${r.p99.toFixed(1).padStart(8)}  ${note}${r.errors ? `  (${r.errors} errors)` : ''}`;
    const ratio = (r: { rps: number }): string => `${((r.rps / base.rps) * 100).toFixed(0)}% of baseline`;
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    console.log(
      `bench:api — autocannon, ${CONNECTIONS} connections, ${DURATION} s each, servers in their own processes\n`,
    );
    console.log(`  ${''.padEnd(50)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(row('bare Fastify route returning {"status":"ok"}', tiny, 'reference'));
    console.log(
      row('bare Fastify route returning a constant report', base, 'baseline: the same bytes as a lookup'),
    );
    console.log(
      row(
        'GET /api/v1/domains/{domain}, cached, LOG_LEVEL=info',
        get,
        `${ratio(get)} (target >= 60%: ${verdict(get.rps / base.rps >= 0.6)}); p99 < 10 ms: ${verdict(get.p99 < 10)}`,
      ),
    );
    console.log(
      row(
        'GET /api/v1/domains/{domain}, cached, LOG_LEVEL=warn',
        getQuiet,
        `${ratio(getQuiet)} (target >= 60%: ${verdict(getQuiet.rps / base.rps >= 0.6)}); p99 < 10 ms: ${verdict(getQuiet.p99 < 10)}`,
      ),
    );
    console.log(
      row('POST /api/v1/domains/lookup, 20 cached domains', batch, `p99 < 10 ms: ${verdict(batch.p99 < 10)}`),
    );
  } finally {
    for (const { child } of [baseline, app, quiet]) child.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
