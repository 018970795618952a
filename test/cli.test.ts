import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DomainReport } from '../src/core/report';
import { runCli } from '../src/cli';
import { MailInternet } from './support/mail-internet';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

let net: MailInternet;
const good = 'cli-good.test';
const plain = 'cli-plain.test';

beforeAll(async () => {
  net = await MailInternet.start();
  const mx = await net.mailHost({ name: `mx.${good}` });
  net.mx(good, [[10, mx.name]]);
  const plainMx = await net.mailHost({ name: `mx.${plain}`, mode: 'plain' });
  net.mx(plain, [[10, plainMx.name]]);
});
afterAll(async () => {
  await net.close();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => out.push(text), isTTY: false },
      stderr: { write: (text: string) => err.push(text) },
      env: {},
    },
  };
}

const base = () => ['--dns-server', net.dns.address, '--allow-private-networks', '--timeout-ms', '3000'];

describe('tlsgate check (in process)', () => {
  it('prints one JSON array of reports in input order and exits 0', async () => {
    const { out, io } = capture();
    const code = await runCli(['check', '--json', ...base(), `someone@${plain}`, good], io);
    expect(code).toBe(0);
    const reports = JSON.parse(out.join('')) as DomainReport[];
    expect(reports.map((report) => [report.domain, report.status])).toEqual([
      [plain, 'none'],
      [good, 'opportunistic'],
    ]);
  });

  it('prints a readable table without colour when not on a TTY', async () => {
    const { out, io } = capture();
    expect(await runCli(['check', ...base(), good, plain], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^DOMAIN\s+STATUS\s+VIA\s+NOTE/);
    expect(text).toContain('Opportunistic TLS');
    expect(text).toContain('No TLS');
    expect(text).toContain(`mx.${good} (10), TLSv1.3`);
    expect(text).not.toContain('\x1b[');
  });

  it('colours the status on a TTY unless NO_COLOR is set', async () => {
    const tty = capture();
    tty.io.stdout.isTTY = true;
    await runCli(['check', ...base(), good], tty.io);
    expect(tty.out.join('')).toContain('\x1b[33mOpportunistic TLS');
    const noColour = capture();
    noColour.io.stdout.isTTY = true;
    (noColour.io.env as Record<string, string>).NO_COLOR = '1';
    await runCli(['check', ...base(), good], noColour.io);
    expect(noColour.out.join('')).not.toContain('\x1b[');
  });

  it('exits 2 when an input is invalid, and still reports the others', async () => {
    const { out, err, io } = capture();
    const code = await runCli(['check', '--json', ...base(), good, 'bad domain'], io);
    expect(code).toBe(2);
    expect((JSON.parse(out.join('')) as DomainReport[]).map((report) => report.status)).toEqual([
      'opportunistic',
      'invalid',
    ]);
    expect(err.join('')).toContain('invalid input "bad domain"');
  });

  it.each([
    [['check']],
    [['check', '--timeout-ms', 'soon', good]],
    [['check', '--timeout-ms', '5', good]],
    [['check', '--dns-server', 'resolver.example:53', good]],
    [['check', '--bogus', good]],
    [['frobnicate']],
    [[]],
  ])('exits 2 with usage for %j', async (argv) => {
    const { err, io } = capture();
    expect(await runCli(argv, io)).toBe(2);
    expect(err.join('')).toContain('Usage:');
    expect(err.join('')).not.toMatch(/\n\s+at /);
  });

  it('prints help and exits 0 for --help', async () => {
    const { out, io } = capture();
    expect(await runCli(['check', '--help'], io)).toBe(0);
    expect(out.join('')).toContain('tlsgate check DOMAIN_OR_ADDRESS');
  });

  it('finishes thirty domains whose MX hosts all hang in about one timeout, not thirty', async () => {
    const domains: string[] = [];
    for (let i = 0; i < 30; i++) {
      const domain = `hang-${i}.test`;
      const mx = await net.mailHost({ name: `mx.${domain}`, mode: 'silent' });
      net.mx(domain, [[10, mx.name]]);
      domains.push(domain);
    }
    const { out, io } = capture();
    const started = Date.now();
    const code = await runCli(
      [
        'check',
        '--json',
        '--dns-server',
        net.dns.address,
        '--allow-private-networks',
        '--timeout-ms',
        '1000',
        ...domains,
      ],
      io,
    );
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    expect((JSON.parse(out.join('')) as DomainReport[]).every((report) => report.status === 'unknown')).toBe(
      true,
    );
    // Sequential checks would take 30 s; concurrent ones take about one timeout.
    expect(elapsed).toBeLessThan(4000);
  });
});

describe('tlsgate via npm (a real process)', () => {
  it('runs with `npm run --silent tlsgate -- check` and trusts NODE_EXTRA_CA_CERTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, net.ca.certPem);
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'tlsgate', '--', 'check', '--json', ...base(), good],
      { cwd: ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } },
    );
    const [report] = JSON.parse(stdout) as DomainReport[];
    expect(report?.status).toBe('opportunistic');
    expect(report?.mx[0]?.tls?.trusted).toBe(true);
  });

  it('does not trust the test CA without NODE_EXTRA_CA_CERTS', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'tlsgate', '--', 'check', '--json', ...base(), good],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
      },
    );
    const [report] = JSON.parse(stdout) as DomainReport[];
    expect(report?.mx[0]?.tls?.trusted).toBe(false);
  });

  it('exits 2 on a usage error, with no stack trace', async () => {
    const failure = await run(
      'npm',
      ['run', '--silent', 'tlsgate', '--', 'check', '--timeout-ms', 'x', good],
      {
        cwd: ROOT,
      },
    ).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--timeout-ms must be');
    expect((failure as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});
