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

const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

interface Figures {
  rps: number;
  p99: number;
  errors: number;
}

async function load(options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ ...options, duration: DURATION });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const baseline = await server('baseline');
  const app = await server('app');
  const quiet = await server('app', 'warn');
  const scenarios: Array<[string, autocannon.Options]> = [
    ['tiny', { url: `http://127.0.0.1:${baseline.port}/constant` }],
    ['base', { url: `http://127.0.0.1:${baseline.port}/report` }],
    ['get', { url: `http://127.0.0.1:${app.port}/api/v1/domains/bench-3.example` }],
    ['getQuiet', { url: `http://127.0.0.1:${quiet.port}/api/v1/domains/bench-3.example` }],
    [
      'batch',
      {
        url: `http://127.0.0.1:${app.port}/api/v1/domains/lookup`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domains: BENCH_DOMAINS }),
      },
    ],
  ];
  try {
    // Rounds interleave the scenarios, and medians are taken, so a passing disturbance on the machine
    // does not land on one scenario alone.
    const runs = new Map<string, Figures[]>();
    for (const [, options] of scenarios)
      await autocannon({ ...options, connections: CONNECTIONS, duration: 1 });
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, options] of scenarios)
        runs.set(name, [...(runs.get(name) ?? []), await load({ ...options, connections: CONNECTIONS })]);
    const figures = (name: string): Figures => {
      const list = runs.get(name) ?? [];
      return {
        rps: median(list.map((run) => run.rps)),
        p99: median(list.map((run) => run.p99)),
        errors: list.reduce((sum, run) => sum + run.errors, 0),
      };
    };
    const [tiny, base, get, getQuiet, batch] = ['tiny', 'base', 'get', 'getQuiet', 'batch'].map(figures) as [
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
    ];
    const row = (label: string, r: Figures, note: string): string =>
      `  ${label.padEnd(52)} ${r.rps.toFixed(0).padStart(8)} ${r.p99.toFixed(1).padStart(8)}  ${note}${r.errors ? `  (${r.errors} errors)` : ''}`;
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const vsBase = (r: Figures): string =>
      `${((r.rps / base.rps) * 100).toFixed(0)}% of baseline (target >= 60%: ${verdict(r.rps / base.rps >= 0.6)}); p99 < 10 ms: ${verdict(r.p99 < 10)}`;
    console.log(
      `bench:api — autocannon, ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${DURATION} s runs, servers in their own processes\n`,
    );
    console.log(`  ${''.padEnd(52)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(row('bare Fastify route returning {"status":"ok"}', tiny, 'reference'));
    console.log(
      row('bare Fastify route returning a constant report', base, 'baseline: the same bytes as a lookup'),
    );
    console.log(row('GET /api/v1/domains/{domain}, cached, LOG_LEVEL=info', get, vsBase(get)));
    console.log(row('GET /api/v1/domains/{domain}, cached, LOG_LEVEL=warn', getQuiet, vsBase(getQuiet)));
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
