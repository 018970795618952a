/**
 * npm run bench:probe — cold lookups on the loopback mail internet, beside `openssl s_client -starttls smtp`
 * doing only the STARTTLS handshake to the same servers, in the same run.
 *
 * Targets: one domain within 1.5x of one openssl handshake to its slowest MX; 50 domains in under 2x one.
 */
import { execFile, fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkDomain, checkDomains, type CheckOptions } from '../src/probe/check';
import type { BenchScenario, BenchWorld } from './mail-internet-process';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const BATCH_ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 10);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

function stats(values: number[]): { median: number; p95: number } {
  return { median: percentile(values, 50), p95: percentile(values, 95) };
}

async function time(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

type BenchHost = BenchScenario['one']['mx'][number];

function opensslHandshake(host: BenchHost, caFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      [
        's_client',
        '-starttls',
        'smtp',
        '-connect',
        `${host.ip}:25`,
        '-servername',
        host.name,
        '-CAfile',
        caFile,
        '-brief',
      ],
      { timeout: 10_000 },
      (error, _stdout, stderr) => {
        // s_client exits non-zero when stdin closes mid-session on some builds; a completed handshake is what counts.
        if (/Protocol version|CONNECTION ESTABLISHED/i.test(stderr)) resolve();
        else reject(error ?? new Error(stderr));
      },
    );
    child.stdin?.end('QUIT\r\n');
  });
}

function startWorld(): Promise<{ world: BenchWorld; stop: () => void }> {
  const child = fork(join(__dirname, 'mail-internet-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (world) => {
      resolve({
        world: world as BenchWorld,
        stop: () => {
          child.disconnect();
        },
      });
    });
    child.once('exit', (code) => {
      reject(new Error(`the mail internet process exited with ${code ?? 'a signal'}`));
    });
  });
}

interface Figures {
  baseline: { median: number; p95: number };
  one: { median: number; p95: number };
  fifty: { median: number; p95: number };
}

async function measure(scenario: BenchScenario, options: CheckOptions, caFile: string): Promise<Figures> {
  const { domain } = scenario.one;
  const [mx1, mx2] = scenario.one.mx as [BenchHost, BenchHost];
  const first = await checkDomain(domain, options);
  if (first.status !== 'enforced') throw new Error(`bench setup is wrong: ${domain} is ${first.status}`);

  // Warm up both sides (JIT, openssl's page cache) so the figures compare steady states.
  for (let i = 0; i < 3; i++) {
    await checkDomain(domain, options);
    await opensslHandshake(mx1, caFile);
  }
  const ours: number[] = [];
  const openssl: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(await time(() => checkDomain(domain, options)));
    // The slowest MX bounds the check: both handshakes at once, and the time until both are done.
    openssl.push(
      await time(() => Promise.all([opensslHandshake(mx1, caFile), opensslHandshake(mx2, caFile)])),
    );
  }
  const batchTimes: number[] = [];
  for (let i = 0; i < BATCH_ROUNDS; i++) {
    batchTimes.push(
      await time(async () => {
        const reports = await checkDomains(scenario.batch, options);
        if (reports.some((report) => report.status !== 'opportunistic'))
          throw new Error('batch setup is wrong');
      }),
    );
  }
  return { baseline: stats(openssl), one: stats(ours), fifty: stats(batchTimes) };
}

function print(title: string, figures: Figures): void {
  const row = (label: string, s: { median: number; p95: number }, note = ''): string =>
    `  ${label.padEnd(48)} ${s.median.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)}  ${note}`;
  console.log(`\n${title}`);
  console.log(`  ${''.padEnd(48)} ${'median'.padStart(8)} ${'p95'.padStart(8)}  (ms)`);
  console.log(row('openssl s_client -starttls smtp, both MX at once', figures.baseline, 'baseline'));
  const oneRatio = figures.one.median / figures.baseline.median;
  console.log(
    row(
      'tlsgate check, 1 domain, 2 MX (+MTA-STS, DANE)',
      figures.one,
      `${oneRatio.toFixed(2)}x baseline (target <= 1.5x: ${oneRatio <= 1.5 ? 'met' : 'MISSED'})`,
    ),
  );
  const fiftyRatio = figures.fifty.median / figures.one.median;
  console.log(
    row(
      'tlsgate check, 50 domains x 2 MX at once',
      figures.fifty,
      `${fiftyRatio.toFixed(2)}x one domain (target < 2x: ${fiftyRatio < 2 ? 'met' : 'MISSED'})`,
    ),
  );
}

async function main(): Promise<void> {
  const { world, stop } = await startWorld();
  const caDir = mkdtempSync(join(tmpdir(), 'tlsgate-bench-'));
  const caFile = join(caDir, 'ca.pem');
  writeFileSync(caFile, world.caPem);
  const options: CheckOptions = {
    dnsServers: [world.dnsAddress],
    allowPrivateNetworks: true,
    extraCa: [world.caPem],
    timeoutMs: 10_000,
  };
  console.log(
    `bench:probe — cold checks, ${ROUNDS} rounds (${BATCH_ROUNDS} for the batch); servers in a separate process`,
  );
  print(
    'Loopback, servers answer at once (pure CPU: 100 TLS handshakes on one thread for the batch)',
    await measure(world.loopback, options, caFile),
  );
  print(
    `Every SMTP server waits ${world.latencyMs} ms before its greeting, as internet servers do`,
    await measure(world.latency, options, caFile),
  );
  stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
