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

describe('tlsgate check --forced-tls', () => {
  const drops = 'cli-drops.test';
  const expiring = 'cli-expiring.test';
  const misnamed = 'cli-misnamed.test';
  const backup = 'cli-backup.test';

  beforeAll(async () => {
    const [dropsMx, expiringMx, misnamedMx, primary, secondary] = await Promise.all([
      net.mailHost({ name: `mx.${drops}`, mode: 'plain' }),
      net.mailHost({ name: `mx.${expiring}`, cert: 'expiring' }),
      net.mailHost({ name: `mx.${misnamed}`, cert: 'misnamed' }),
      net.mailHost({ name: `mx1.${backup}` }),
      net.mailHost({ name: `mx2.${backup}`, mode: 'plain' }),
    ]);
    net.mx(drops, [[10, dropsMx.name]]);
    net.mx(expiring, [[10, expiringMx.name]]);
    net.mx(misnamed, [[10, misnamedMx.name]]);
    net.mx(backup, [
      [10, primary.name],
      [20, secondary.name],
    ]);
  });

  const partners = () => [drops, expiring, misnamed, backup];

  // The certificate levels need the test CA trusted: only a real process takes NODE_EXTRA_CA_CERTS.
  const tlsgate = async (args: string[]): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-ca-'));
    writeFileSync(join(dir, 'ca.pem'), net.ca.certPem);
    const { stdout } = await run('npm', ['run', '--silent', 'tlsgate', '--', 'check', ...base(), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
    });
    return stdout;
  };

  it("prints each partner's verdict under the level: state, MX hosts, certificates, the sentence", async () => {
    const text = await tlsgate(['--forced-tls', 'certificate-validation', ...partners()]);
    expect(text).toMatch(/^Delivery through a TLS-required connector at certificate-validation:\n/);
    expect(text).toContain(`\n${drops}  Not delivered  (without the connector: No TLS)\n`);
    expect(text).toContain(`\n  └ mx.${drops} (10)  refused: no STARTTLS\n`);
    expect(text).toContain(
      `\n  Your organisation requires TLS for ${drops}, but mx.${drops} offers no STARTTLS: ` +
        'mail to it will wait in the queue and then return undelivered.\n',
    );
    expect(text).toContain(`\n${expiring}  At risk  (without the connector: Opportunistic TLS)\n`);
    const until = new RegExp(
      '\n  └ mx\\.cli-expiring\\.test \\(10\\)  accepted, at risk: certificate expires within 14 days\n' +
        '      certificate for mx\\.cli-expiring\\.test, valid until (\\d{4}-\\d\\d-\\d\\d)\n',
    ).exec(text)?.[1];
    const days = (Date.parse(until ?? '') - Date.now()) / (24 * 3600_000);
    expect(days).toBeGreaterThan(3);
    expect(days).toBeLessThan(5);
    expect(text).toContain(
      `\n  Mail to ${expiring} is still delivered, but the certificate of mx.${expiring} expires on ${until ?? '?'}.\n`,
    );
    expect(text).toContain(`\n${misnamed}  Delivered  (without the connector: Opportunistic TLS)\n`);
    expect(text).toContain(
      `\n  └ mx.${misnamed} (10)  accepted\n      certificate for wrong.invalid, valid until `,
    );
    expect(text).toContain(
      `\n  Every mail server of ${misnamed} meets the connector's requirement (certificate validation).\n`,
    );
    expect(text).toContain(`\n${backup}  At risk  (without the connector: No TLS)\n`);
    expect(text).toContain(
      `\n  └ mx1.${backup} (10)  accepted\n      certificate for mx1.${backup}, valid until `,
    );
    expect(text).toContain(`\n  └ mx2.${backup} (20)  refused: no STARTTLS\n`);
    expect(text).toContain(
      `\n  Mail to ${backup} is still delivered, but mx2.${backup} offers no STARTTLS.\n`,
    );
    expect(text).not.toContain('\x1b[');
  }, 30_000);

  it('fails the misnamed partner at domain-validation, on the name given', async () => {
    const text = await tlsgate(['--forced-tls', `domain-validation:MX.${misnamed}.`, misnamed]);
    expect(text).toContain(`at domain-validation, TlsDomain mx.${misnamed}:\n`);
    expect(text).toContain(`\n${misnamed}  Not delivered  (without the connector: Opportunistic TLS)\n`);
    expect(text).toContain(
      `\n  └ mx.${misnamed} (10)  refused: certificate does not name mx.${misnamed}\n` +
        '      certificate for wrong.invalid, valid until ',
    );
    expect(text).toContain(
      `but the certificate of mx.${misnamed} does not name mx.${misnamed}: mail to it will wait`,
    );
  }, 30_000);

  it('adds a delivery object to each JSON report, and none without --forced-tls', async () => {
    const { out, io } = capture();
    const code = await runCli(
      ['check', '--json', ...base(), '--forced-tls', 'encryption-only', ...partners()],
      io,
    );
    expect(code).toBe(0);
    const reports = JSON.parse(out.join('')) as DomainReport[];
    expect(reports.map((report) => [report.domain, report.status, report.delivery?.state])).toEqual([
      [drops, 'none', 'failing'],
      [expiring, 'opportunistic', 'ok'],
      [misnamed, 'opportunistic', 'ok'],
      [backup, 'none', 'at-risk'],
    ]);
    expect(reports[0]?.delivery).toMatchObject({
      level: 'encryption-only',
      tlsDomain: null,
      reasons: [{ code: 'NO_STARTTLS', host: `mx.${drops}` }],
      mx: [{ host: `mx.${drops}`, accepted: false, problems: ['NO_STARTTLS'], certNames: [] }],
    });
    const plainRun = capture();
    await runCli(['check', '--json', ...base(), drops], plainRun.io);
    expect((JSON.parse(plainRun.out.join('')) as DomainReport[])[0]).not.toHaveProperty('delivery');
  });

  it.each([
    [
      ['bogus'],
      '--forced-tls: LEVEL must be encryption-only, certificate-validation, domain-validation, not "bogus".',
    ],
    [
      ['domain-validation'],
      '--forced-tls: domain-validation needs the certificate name: domain-validation:NAME.',
    ],
    [
      ['domain-validation:'],
      '--forced-tls: domain-validation needs the certificate name: domain-validation:NAME.',
    ],
    [
      ['encryption-only:mx.a.test'],
      '--forced-tls: only domain-validation takes a certificate name, not encryption-only.',
    ],
    [
      ['certificate-validation:mx.a.test'],
      '--forced-tls: only domain-validation takes a certificate name, not certificate-validation.',
    ],
    [
      ['domain-validation:bad name.test'],
      '--forced-tls: "bad name.test" is not a certificate name (a domain or *.domain).',
    ],
    [
      ['domain-validation:bob@a.test'],
      '--forced-tls: "bob@a.test" is not a certificate name (a domain or *.domain).',
    ],
    [[], "Option '--forced-tls <value>' argument missing"],
  ])('refuses --forced-tls %j with one clear line and exit 2', async (value, message) => {
    const { out, err, io } = capture();
    expect(await runCli(['check', ...base(), good, '--forced-tls', ...value], io)).toBe(2);
    const [first, second] = err.join('').split('\n');
    expect(first).toMatch(/^tlsgate: /);
    expect(first).toContain(message);
    expect(second).toBe('');
    expect(err.join('')).toContain('Usage:');
    expect(err.join('')).not.toMatch(/\n\s+at /);
    expect(out.join('')).toBe('');
  });

  it('documents --forced-tls in the help', async () => {
    const { out, io } = capture();
    expect(await runCli(['check', '--help'], io)).toBe(0);
    expect(out.join('')).toContain('[--forced-tls LEVEL[:NAME]]');
    expect(out.join('')).toContain('domain-validation:NAME where NAME is the TlsDomain');
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
