/**
 * npm run bench:scale — cached GET throughput and p99 for one TLS Gate instance against two instances on
 * the same PostgreSQL database (the load split across both), beside one instance on SQLite, all measured
 * in the same run: interleaved rounds, medians, the ratio printed. No pass or fail: on a 2-core machine
 * two instances share the CPU with the load generator and the database, so the ratio says what a second
 * instance costs or gains here, not what it gains on a second machine.
 *
 * Every instance is a separate process (test/support/fleet-server-process.ts: the real app, configured
 * from the environment, with probes answered at once); the PostgreSQL cluster is a throwaway one
 * (test/support/postgres.ts). Throughput at 50 connections (25 per instance when split); p99 at a steady
 * 1,000 req/s over 10 connections (500 req/s and 5 connections per instance when split), since at
 * saturation a p99 is mostly queueing. A split load's p99 is the worse of the two instances'.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startFleetServer, type FleetServer } from '../test/support/fleet-server';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';

const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = 50;
const PACED = { connections: 10, rate: 1000 };
const DOMAIN = 'bench-3.example';

interface Scenario {
  name: string;
  label: string;
  /** The instances the load is split across. */
  targets: FleetServer[];
}

interface Figures {
  rps: number;
  p99: number;
  errors: number;
}

/** One load across the scenario's instances at once: requests/s summed, the worst p99. */
async function load(targets: readonly FleetServer[], paced: boolean): Promise<Figures> {
  const share = (count: number): number => Math.max(1, Math.round(count / targets.length));
  const results = await Promise.all(
    targets.map((target) =>
      autocannon({
        url: `${target.url}/api/v1/domains/${DOMAIN}`,
        duration: DURATION,
        connections: share(paced ? PACED.connections : CONNECTIONS),
        ...(paced ? { overallRate: share(PACED.rate) } : {}),
      }),
    ),
  );
  return {
    rps: results.reduce((sum, result) => sum + result.requests.average, 0),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    errors: results.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Every scenario once per round, the order reversed every other round; the runs per scenario. */
async function rounds(scenarios: readonly Scenario[], count: number, paced: boolean) {
  const runs = new Map<string, Figures[]>();
  for (let round = 0; round < count; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const scenario of order)
      runs.set(scenario.name, [...(runs.get(scenario.name) ?? []), await load(scenario.targets, paced)]);
  }
  return runs;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-bench-scale-'));
  let cluster: PostgresCluster | undefined;
  const servers: FleetServer[] = [];
  try {
    cluster = await startPostgres();
    const url = await cluster.createDatabase('bench_scale');
    const env = (db: string): Record<string, string> => ({
      TLSGATE_DB: db,
      TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      TLSGATE_AUTH: 'open',
      // One autocannon client stands for many users here; the limiter still runs and counts.
      TLSGATE_RATE_LIMIT: '1000000',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    });
    const sqlite = await startFleetServer({ env: env(join(dir, 'tlsgate.db')) });
    servers.push(sqlite);
    const [a, b] = await Promise.all([
      startFleetServer({ env: env(url) }),
      startFleetServer({ env: env(url) }),
    ]);
    servers.push(a, b);
    // Warm: the report probed (on one instance) and cached in each instance's memory.
    for (const server of [sqlite, a, b]) {
      const response = await fetch(`${server.url}/api/v1/domains/${DOMAIN}`);
      if (response.status !== 200) throw new Error(`warm-up answered ${response.status}`);
    }
    const scenarios: Scenario[] = [
      { name: 'sqlite', label: 'SQLite, one instance', targets: [sqlite] },
      { name: 'pg1', label: 'PostgreSQL, one instance', targets: [a] },
      { name: 'pg2', label: 'PostgreSQL, two instances (load split)', targets: [a, b] },
    ];
    for (const scenario of scenarios) await load(scenario.targets, false);
    const saturated = await rounds(scenarios, ROUNDS, false);
    const paced = await rounds(scenarios, Math.max(1, Math.ceil(ROUNDS / 2)), true);
    report(scenarios, saturated, paced);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(
  scenarios: readonly Scenario[],
  saturated: Map<string, Figures[]>,
  paced: Map<string, Figures[]>,
) {
  const med = (runs: Map<string, Figures[]>, name: string, key: 'rps' | 'p99'): number =>
    median((runs.get(name) ?? []).map((run) => run[key]));
  // The ratio per round, against one PostgreSQL instance in the same round.
  const ratios = (name: string): number[] => {
    const under = saturated.get('pg1') ?? [];
    return (saturated.get(name) ?? []).map((run, index) => run.rps / (under[index]?.rps ?? NaN));
  };
  console.log(
    `bench:scale — cached GET /api/v1/domains/{d}; throughput: ${CONNECTIONS} connections, median of ${ROUNDS} ` +
      `interleaved ${DURATION} s rounds; p99: ${PACED.connections} connections at ${PACED.rate} req/s\n`,
  );
  console.log(
    `  ${''.padEnd(40)} ${'req/s'.padStart(7)} ${'× pg1'.padStart(6)} ${'p99@50'.padStart(7)} ${'p99'.padStart(5)}`,
  );
  for (const { name, label } of scenarios) {
    const errors = [...(saturated.get(name) ?? []), ...(paced.get(name) ?? [])].reduce(
      (sum, run) => sum + run.errors,
      0,
    );
    console.log(
      `  ${label.padEnd(40)} ${med(saturated, name, 'rps').toFixed(0).padStart(7)} ` +
        `${median(ratios(name)).toFixed(2).padStart(6)} ${med(saturated, name, 'p99').toFixed(0).padStart(7)} ` +
        `${med(paced, name, 'p99').toFixed(0).padStart(5)}${errors ? `  (${errors} errors)` : ''}`,
    );
  }
  console.log(
    '\n  × pg1: requests/s against one PostgreSQL instance in the same round (median of rounds).\n' +
      '  p99@50: at 50 connections (queueing); p99: at the steady rate, ms (split: the worse instance).',
  );
  for (const { name } of scenarios)
    console.log(
      `  ratio per round, ${name}: ${ratios(name)
        .map((ratio) => ratio.toFixed(2))
        .join(' ')}`,
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
