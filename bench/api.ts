/**
 * npm run bench:api — autocannon against servers on loopback, each in its own process, in one run:
 * bare Fastify routes sending the same bytes as TLS Gate (the baselines), a cached single-domain GET at
 * LOG_LEVEL=info and warn, a conditional GET answered 304, and a 20-domain batch POST.
 *
 * Targets (issue 14): cached GET >= 80% of the baseline's requests/s at warn and >= 60% at info, p99 < 5 ms;
 * a batch of 20 cached domains p99 < 10 ms. Throughput is measured at 50 connections, which saturates the
 * server; latency at a steady rate below saturation, because at saturation a p99 is mostly queueing
 * (requests in flight / throughput) and says little about the server. Both p99s are printed, beside the
 * baseline's, and so is each server's CPU time per request, which other work on the machine disturbs far
 * less than requests/s. A missed target prints where the CPU goes: a profile of each server under load.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BenchAnswer, BenchCommand, RecordedResponse, RecordedResponses } from './api-server';
import { BENCH_DOMAINS } from './api-server';
import { formatComparison, summarise, type ProfileSummary } from './cpu-profile';

// Many short rounds: the machine's other work changes within seconds, and each round pairs a baseline
// run with the runs beside it.
const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONNECTIONS = 50;
const PROFILE_ROUNDS = 3;
/** The steady load for latency: a busy instance, well below what one core serves. */
const PACED = { connections: 10, getRate: 1000, batchRate: 200 };

interface Server {
  port: number;
  child: ChildProcess;
}

async function server(mode: 'baseline' | 'app', env: Record<string, string> = {}): Promise<Server> {
  const child = fork(join(__dirname, 'api-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MODE: mode, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: BenchAnswer) => {
      resolve('port' in message ? message.port : 0);
    });
    child.once('exit', (code) => {
      reject(new Error(`bench server exited with ${String(code)}`));
    });
  });
  return { port, child };
}

/** Sends a server one command and resolves with its answer (one command at a time per server). */
function command(target: Server, message: BenchCommand): Promise<BenchAnswer> {
  return new Promise((resolve) => {
    target.child.once('message', resolve);
    target.child.send(message);
  });
}

async function cpuMicros(target: Server): Promise<number> {
  const answer = await command(target, { cpu: 'read' });
  return 'cpuMicros' in answer ? answer.cpuMicros : NaN;
}

interface Scenario {
  name: string;
  target: Server;
  options: autocannon.Options;
  /** The status every answer must have; default 200. */
  status?: number;
}

interface Figures {
  rps: number;
  p99: number;
  /** The server's CPU time per request, µs. */
  cpu: number;
  errors: number;
}

async function load({ target, options, status = 200 }: Scenario): Promise<Figures & { total: number }> {
  const before = await cpuMicros(target);
  const result = await autocannon({ duration: DURATION, connections: CONNECTIONS, ...options });
  const total = result.requests.total;
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const expected = result.statusCodeStats?.[`${status}`]?.count ?? 0;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    cpu: ((await cpuMicros(target)) - before) / Math.max(total, 1),
    errors: result.errors + answered - expected,
    total,
  };
}

/** The mean of several profiles' figures. */
function merge(summaries: readonly ProfileSummary[]): ProfileSummary {
  const mean = (maps: Array<Map<string, number>>): Map<string, number> => {
    const sum = new Map<string, number>();
    for (const map of maps) for (const [key, value] of map) sum.set(key, (sum.get(key) ?? 0) + value);
    return new Map([...sum].map(([key, value]) => [key, value / Math.max(maps.length, 1)]));
  };
  return {
    busyMicros: summaries.reduce((sum, item) => sum + item.busyMicros, 0) / Math.max(summaries.length, 1),
    areas: mean(summaries.map((item) => item.areas)),
    functions: mean(summaries.map((item) => item.functions)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Runs every scenario once per round, reversing the order every other round; the runs per scenario. */
async function rounds(scenarios: readonly Scenario[], count: number): Promise<Map<string, Figures[]>> {
  const runs = new Map<string, Figures[]>();
  for (let round = 0; round < count; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const scenario of order)
      runs.set(scenario.name, [...(runs.get(scenario.name) ?? []), await load(scenario)]);
  }
  return runs;
}

interface Row {
  name: string;
  label: string;
  /** The scenario this one is compared with, and the share of its requests/s it must reach (0: none). */
  base?: string;
  share?: number;
  /** The p99 it must stay under at the steady rate, ms (absent: no target). */
  p99?: number;
}

const ROWS: Row[] = [
  { name: 'body', label: 'bare Fastify GET, the body alone (reference)' },
  { name: 'base', label: 'bare Fastify GET, the same bytes as a lookup' },
  { name: 'get', label: 'GET /api/v1/domains/{d}, cached, LOG_LEVEL=info', base: 'base', share: 0.6, p99: 5 },
  {
    name: 'getQuiet',
    label: 'GET /api/v1/domains/{d}, cached, LOG_LEVEL=warn',
    base: 'base',
    share: 0.8,
    p99: 5,
  },
  { name: 'get304', label: 'the same with If-None-Match: 304, info', base: 'base' },
  { name: 'baseBatch', label: 'bare Fastify POST, the same bytes as a batch' },
  { name: 'batch', label: 'POST /api/v1/domains/lookup, 20 cached, info', base: 'baseBatch', p99: 10 },
];

/** A response as the baseline repeats it: every header but those Node writes itself per response. */
async function record(response: Response): Promise<RecordedResponse> {
  const perResponse = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  return {
    headers: Object.fromEntries([...response.headers].filter(([name]) => !perResponse.has(name))),
    body: await response.text(),
  };
}

async function main(): Promise<void> {
  const app = await server('app', { BENCH_LOG_LEVEL: 'info' });
  const quiet = await server('app', { BENCH_LOG_LEVEL: 'warn' });
  const domainUrl = (target: Server): string =>
    `http://127.0.0.1:${target.port}/api/v1/domains/bench-3.example`;
  const batchRequest = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ domains: BENCH_DOMAINS }),
  };
  const responses: RecordedResponses = {
    get: await record(await fetch(domainUrl(app))),
    batch: await record(await fetch(`http://127.0.0.1:${app.port}/api/v1/domains/lookup`, batchRequest)),
  };
  const recorded = join(mkdtempSync(join(tmpdir(), 'tlsgate-bench-')), 'responses.json');
  writeFileSync(recorded, JSON.stringify(responses));
  const baseline = await server('baseline', { BENCH_RESPONSES: recorded });
  const etag = responses.get.headers.etag ?? '';
  const scenarios: Scenario[] = [
    { name: 'body', target: baseline, options: { url: `http://127.0.0.1:${baseline.port}/body` } },
    { name: 'base', target: baseline, options: { url: `http://127.0.0.1:${baseline.port}/report` } },
    { name: 'get', target: app, options: { url: domainUrl(app) } },
    { name: 'getQuiet', target: quiet, options: { url: domainUrl(quiet) } },
    {
      name: 'get304',
      target: app,
      options: { url: domainUrl(app), headers: { 'if-none-match': etag } },
      status: 304,
    },
    {
      name: 'baseBatch',
      target: baseline,
      options: { url: `http://127.0.0.1:${baseline.port}/reports`, ...batchRequest },
    },
    {
      name: 'batch',
      target: app,
      options: { url: `http://127.0.0.1:${app.port}/api/v1/domains/lookup`, ...batchRequest },
    },
  ];
  const scenario = (name: string): Scenario => {
    const found = scenarios.find((item) => item.name === name);
    if (!found) throw new Error(`no scenario ${name}`);
    return found;
  };
  try {
    for (const { options } of scenarios)
      await autocannon({ ...options, connections: CONNECTIONS, duration: 1 });
    // Interleaved rounds and medians, so a passing disturbance (other work on the machine) does not land
    // on one scenario alone; shares are taken per round, against the baseline run beside them.
    const saturated = await rounds(scenarios, ROUNDS);
    const paced = await rounds(
      ['base', 'get', 'getQuiet', 'baseBatch', 'batch'].map((name) => {
        const { target, options } = scenario(name);
        const rate = name.toLowerCase().includes('batch') ? PACED.batchRate : PACED.getRate;
        return { name, target, options: { ...options, connections: PACED.connections, overallRate: rate } };
      }),
      Math.max(1, Math.ceil(ROUNDS / 2)),
    );
    const missed = report(saturated, paced);
    if (missed.length === 0 && process.env.BENCH_PROFILE !== '1') return;
    if (missed.length > 0) console.log(`\nMissed:\n${missed.map((line) => `  - ${line}`).join('\n')}`);
    console.log(
      `\nWhere the CPU goes: each server profiled under ${CONNECTIONS} connections, ${PROFILE_ROUNDS} × ${DURATION} s, beside its baseline:`,
    );
    const profiles = new Map<string, ProfileSummary[]>();
    for (let round = 0; round < PROFILE_ROUNDS; round++)
      for (const name of ['base', 'get', 'getQuiet', 'baseBatch', 'batch']) {
        const { target } = scenario(name);
        await command(target, { profile: 'start' });
        const { total } = await load(scenario(name));
        const answer = await command(target, { profile: 'stop' });
        if ('profile' in answer)
          profiles.set(name, [...(profiles.get(name) ?? []), summarise(answer.profile, total)]);
      }
    for (const row of ROWS.filter((item) => ['get', 'getQuiet', 'batch'].includes(item.name)))
      console.log(
        formatComparison(
          row.label,
          merge(profiles.get(row.name) ?? []),
          merge(profiles.get(row.base ?? '') ?? []),
        ),
      );
  } finally {
    for (const { child } of [baseline, app, quiet]) child.kill();
  }
}

/** Prints the table; returns the targets missed, each with its figure. */
function report(saturated: Map<string, Figures[]>, paced: Map<string, Figures[]>): string[] {
  const med = (runs: Map<string, Figures[]>, name: string, key: 'rps' | 'p99' | 'cpu'): number =>
    median((runs.get(name) ?? []).map((run) => run[key]));
  const errors = (name: string): number =>
    [...(saturated.get(name) ?? []), ...(paced.get(name) ?? [])].reduce((sum, run) => sum + run.errors, 0);
  // The share of requests/s per round, against the baseline of the same round.
  const shares = (name: string, base: string): number[] => {
    const under = saturated.get(base) ?? [];
    return (saturated.get(name) ?? []).map((run, index) => run.rps / (under[index]?.rps ?? NaN));
  };
  const percent = (value: number): string => (Number.isNaN(value) ? '' : `${(value * 100).toFixed(0)}%`);
  const missed: string[] = [];
  console.log(
    `bench:api — autocannon; throughput: ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${DURATION} s rounds; ` +
      `latency: ${PACED.connections} connections at ${PACED.getRate} req/s (batch ${PACED.batchRate} req/s)\n`,
  );
  console.log(
    `  ${''.padEnd(50)} ${'req/s'.padStart(7)} ${'share'.padStart(6)} ${'CPU µs'.padStart(7)} ${'p99@50'.padStart(7)} ${'p99'.padStart(6)}  targets`,
  );
  for (const row of ROWS) {
    const ratio = row.base ? median(shares(row.name, row.base)) : NaN;
    const p99 = med(paced, row.name, 'p99');
    const notes: string[] = [];
    if (row.share !== undefined) {
      const ok = ratio >= row.share;
      notes.push(`share >= ${percent(row.share)}: ${ok ? 'met' : 'MISSED'}`);
      if (!ok)
        missed.push(
          `${row.label}: ${percent(ratio)} of the baseline's requests/s, target ${percent(row.share)}`,
        );
    }
    if (row.p99 !== undefined) {
      const ok = p99 < row.p99;
      notes.push(`p99 < ${row.p99} ms: ${ok ? 'met' : 'MISSED'}`);
      if (!ok) missed.push(`${row.label}: p99 ${p99} ms at the steady rate, target < ${row.p99} ms`);
    }
    const count = errors(row.name);
    console.log(
      `  ${row.label.padEnd(50)} ${med(saturated, row.name, 'rps').toFixed(0).padStart(7)} ${percent(ratio).padStart(6)} ` +
        `${med(saturated, row.name, 'cpu').toFixed(0).padStart(7)} ${med(saturated, row.name, 'p99').toFixed(0).padStart(7)} ` +
        `${Number.isNaN(p99) ? '' : p99.toFixed(0).padStart(6)}  ${notes.join('; ') || 'baseline'}${count ? `  (${count} errors)` : ''}`,
    );
  }
  console.log(
    '\n  share: requests/s against the baseline of the same round (median of rounds). CPU µs: the server\n' +
      "  process's CPU time per request. p99@50: at 50 connections (queueing); p99: at the steady rate.",
  );
  for (const row of ROWS.filter((item) => item.base))
    console.log(
      `  share per round, ${row.name}: ${shares(row.name, row.base ?? '')
        .map(percent)
        .join(' ')}`,
    );
  return missed;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
